package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/arqir/arqir"
)

// Listing bounds.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// Incidents lists incidents matching the filter, newest first, one page at a
// time. Pages are keyset-paginated on the incident ID, so an incident
// declared while someone pages neither shifts nor repeats a page.
func (s *Store) Incidents(ctx context.Context, f arqir.IncidentFilter) (*arqir.IncidentPage, error) {
	limit := f.Limit
	if limit == 0 {
		limit = defaultLimit
	} else if limit < 1 || limit > maxLimit {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit %d is out of range: use 1 to %d (default %d)", limit, maxLimit, defaultLimit)
	}
	where, args, err := filterSQL(f, s.d.Name == "postgres")
	if err != nil {
		return nil, err
	}
	query := "SELECT " + incidentColumns + " FROM incidents" + where + " ORDER BY id DESC LIMIT ?"
	args = append(args, limit+1) // one more tells whether a next page exists

	page := &arqir.IncidentPage{Incidents: []*arqir.Incident{}}
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			inc, err := scanIncident(rows)
			if err != nil {
				return err
			}
			page.Incidents = append(page.Incidents, inc)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(page.Incidents) > limit {
			page.Incidents = page.Incidents[:limit]
			page.Next = encodeCursor(page.Incidents[limit-1].ID)
		}
		return s.loadChildren(ctx, tx, page.Incidents)
	})
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return page, nil
}

// filterSQL returns the WHERE clause of a filter and its arguments; postgres
// selects the PostgreSQL form of the title search.
func filterSQL(f arqir.IncidentFilter, postgres bool) (string, []any, error) {
	var conds []string
	var args []any
	if f.Cursor != "" {
		id, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, "id < ?"), append(args, id)
	}
	if len(f.Statuses) > 0 {
		for _, st := range f.Statuses {
			if !slices.Contains(arqir.Statuses, st) {
				return "", nil, arqir.FieldErrorf(arqir.EINVALID, "status", "unknown status %q: use INVESTIGATING, IDENTIFIED, MONITORING or RESOLVED", st)
			}
			args = append(args, string(st))
		}
		conds = append(conds, "status IN ("+placeholders(len(f.Statuses))+")")
	}
	if len(f.Severities) > 0 {
		for _, sev := range f.Severities {
			args = append(args, sev)
		}
		conds = append(conds, "severity IN ("+placeholders(len(f.Severities))+")")
	}
	if f.Service != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM incident_services s WHERE s.incident_id = incidents.id AND s.service = ?)")
		args = append(args, f.Service)
	}
	if f.Open != nil {
		// A literal, not a placeholder: it lets the planner use the partial
		// index of open incidents.
		op := "="
		if *f.Open {
			op = "<>"
		}
		conds = append(conds, "status "+op+" '"+string(arqir.StatusResolved)+"'")
	}
	if f.From != nil {
		conds, args = append(conds, "declared_at >= ?"), append(args, micros(*f.From))
	}
	if f.To != nil {
		conds, args = append(conds, "declared_at < ?"), append(args, micros(*f.To))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		terms := searchTerms(q)
		if len(terms) == 0 {
			return "", nil, arqir.FieldErrorf(arqir.EINVALID, "q", "search needs at least one letter or digit")
		}
		// Each term is a prefix of a word of the title, all terms ANDed.
		// The terms hold only letters and digits, and the match expression
		// built from them is a parameter, never part of the SQL.
		if postgres {
			conds = append(conds, `to_tsvector('simple', regexp_replace(title, '[^[:alnum:]]+', ' ', 'g')) @@ to_tsquery('simple', ?)`)
			for i, t := range terms {
				terms[i] = t + ":*"
			}
			args = append(args, strings.Join(terms, " & "))
		} else {
			conds = append(conds, "id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?)")
			for i, t := range terms {
				terms[i] = `"` + t + `"*`
			}
			args = append(args, strings.Join(terms, " AND "))
		}
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// searchTerms splits a title search into its terms: the runs of letters
// and digits, as both databases' indexes split titles into words. Everything
// else (spaces, punctuation, the databases' query syntax) only separates
// terms.
func searchTerms(q string) []string {
	return strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// The cursor is the last listed ID, opaque to clients so that its form can
// change without breaking them.
func encodeCursor(id arqir.IncidentID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(int64(id), 10)))
}

func decodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if id, err := strconv.ParseInt(string(b), 10, 64); err == nil && id > 0 {
			return id, nil
		}
	}
	return 0, arqir.FieldErrorf(arqir.EINVALID, "cursor", "the cursor %q is not one this server issued: list again without it", c)
}
