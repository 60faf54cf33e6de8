package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

const (
	// rcaColumns are an RCA row and whether the incident is resolved now: an RCA is
	// overdue only while its incident is (a reopened one waits for the
	// next resolution, which sets a new due time).
	rcaColumns = "r.incident_id, r.state, r.due_at, r.meeting_at, r.held_at, r.attendees, r.sections, r.feedback, r.published_at, r.version, r.created_at, r.updated_at, " +
		"CASE WHEN i.resolved_at IS NULL THEN 0 ELSE 1 END"
	rcaFrom = " FROM rcas r JOIN incidents i ON i.id = r.incident_id"
)

// defaultRCALimit and maxRCALimit bound an RCA listing (arqir.RCAFilter).
const (
	defaultRCALimit = 100
	maxRCALimit     = 500
)

// RCA returns the RCA of an incident, Overdue as of the store's clock.
func (s *Store) RCA(ctx context.Context, id arqir.IncidentID) (*arqir.RCA, error) {
	var r *arqir.RCA
	err := s.readTx(ctx, func(tx *sql.Tx) (err error) {
		r, err = s.mustRCA(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the RCA of %s: %w", id, err)
	}
	r.Overdue = rcaOverdue(r, s.clock())
	return r, nil
}

// RCAs lists RCAs, earliest due first. An RCA is overdue while its
// incident is resolved, its meeting was not held and its due time passed.
func (s *Store) RCAs(ctx context.Context, f arqir.RCAFilter) ([]*arqir.RCA, error) {
	limit := f.Limit
	if limit == 0 {
		limit = defaultRCALimit
	} else if limit < 1 || limit > maxRCALimit {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit %d is out of range: use 1 to %d (default %d)", limit, maxRCALimit, defaultRCALimit)
	}
	now := s.clock()
	var conds []string
	var args []any
	if len(f.States) > 0 {
		for _, st := range f.States {
			if !slices.Contains([]arqir.RCAState{arqir.RCADraft, arqir.RCAInReview, arqir.RCAPublished}, st) {
				return nil, arqir.FieldErrorf(arqir.EINVALID, "state", "unknown RCA state %q: use draft, in_review or published", st)
			}
			args = append(args, string(st))
		}
		conds = append(conds, "r.state IN ("+placeholders(len(f.States))+")")
	}
	if f.Overdue != nil {
		overdue := "r.held_at IS NULL AND r.due_at <= ? AND i.resolved_at IS NOT NULL"
		if !*f.Overdue {
			overdue = "NOT (" + overdue + ")"
		}
		conds, args = append(conds, overdue), append(args, micros(now))
	}
	query := "SELECT " + rcaColumns + rcaFrom
	if len(conds) > 0 {
		query += " WHERE " + strings.Join(conds, " AND ")
	}
	out, err := queryAll(ctx, s.db, s.q(query+" ORDER BY r.due_at, r.incident_id LIMIT ?"), scanRCA, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list RCAs: %w", err)
	}
	for _, r := range out {
		r.Overdue = rcaOverdue(r, now)
	}
	return out, nil
}

// loadRCA reads the RCA of an incident in q; nil when it has none. Its
// Overdue holds "unheld and the incident resolved": the caller compares
// DueAt with its clock.
func (s *Store) loadRCA(ctx context.Context, q querier, id arqir.IncidentID) (*arqir.RCA, error) {
	r, err := scanRCA(q.QueryRowContext(ctx, s.q("SELECT "+rcaColumns+rcaFrom+" WHERE r.incident_id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read the RCA of %s: %w", id, err)
	}
	return r, nil
}

// mustRCA is loadRCA that tells an unknown incident from one without an RCA.
func (s *Store) mustRCA(ctx context.Context, q querier, id arqir.IncidentID) (*arqir.RCA, error) {
	r, err := s.loadRCA(ctx, q, id)
	if err != nil || r != nil {
		return r, err
	}
	var one int
	err = q.QueryRowContext(ctx, s.q(`SELECT 1 FROM incidents WHERE id = ?`), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	} else if err != nil {
		return nil, err
	}
	return nil, arqir.Errorf(arqir.ENOTFOUND, "%s has no RCA yet: its RCA is created when it resolves", id)
}

// scanRCA reads one row of rcaColumns.
func scanRCA(sc scanner) (*arqir.RCA, error) {
	var (
		r                            arqir.RCA
		due, created, updated        int64
		meeting, held, published     sql.NullInt64
		attendees, sections, opinion string
		resolved                     int
	)
	if err := sc.Scan(&r.IncidentID, &r.State, &due, &meeting, &held, &attendees, &sections, &opinion, &published,
		&r.Version, &created, &updated, &resolved); err != nil {
		return nil, err
	}
	r.DueAt, r.MeetingAt, r.HeldAt, r.PublishedAt = fromMicros(due), fromNullMicros(meeting), fromNullMicros(held), fromNullMicros(published)
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	for _, col := range []struct {
		name, text string
		into       any
	}{{"attendees", attendees, &r.Attendees}, {"sections", sections, &r.Sections}, {"feedback", opinion, &r.Feedback}} {
		if err := json.Unmarshal([]byte(col.text), col.into); err != nil {
			return nil, fmt.Errorf("decode the %s of the RCA of %s: %w", col.name, r.IncidentID, err)
		}
	}
	r.Attendees, r.Sections, r.Feedback = nonNil(r.Attendees), nonNil(r.Sections), nonNil(r.Feedback)
	r.Overdue = resolved == 1 && r.HeldAt == nil
	return &r, nil
}

// writeRCA inserts a new RCA or rewrites an existing one whole.
func (s *Store) writeRCA(ctx context.Context, tx *sql.Tx, r *arqir.RCA, insert bool) error {
	attendees, err := json.Marshal(nonNil(r.Attendees))
	if err != nil {
		return fmt.Errorf("encode RCA attendees: %w", err)
	}
	sections, err := json.Marshal(nonNil(r.Sections))
	if err != nil {
		return fmt.Errorf("encode RCA sections: %w", err)
	}
	feedback, err := json.Marshal(nonNil(r.Feedback))
	if err != nil {
		return fmt.Errorf("encode RCA feedback: %w", err)
	}
	vals := []any{micros(r.DueAt), nullMicros(r.MeetingAt), nullMicros(r.HeldAt), string(r.State), string(attendees), string(sections),
		string(feedback), nullMicros(r.PublishedAt), r.Version, micros(r.UpdatedAt)}
	if insert {
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO rcas (due_at, meeting_at, held_at, state, attendees, sections, feedback, published_at, version, updated_at,
			created_at, incident_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), append(vals, micros(r.CreatedAt), r.IncidentID)...)
	} else {
		_, err = tx.ExecContext(ctx, s.q(`UPDATE rcas SET due_at = ?, meeting_at = ?, held_at = ?, state = ?, attendees = ?, sections = ?, feedback = ?,
			published_at = ?, version = ?, updated_at = ? WHERE incident_id = ?`), append(vals, r.IncidentID)...)
	}
	if err != nil {
		return fmt.Errorf("write the RCA of %s: %w", r.IncidentID, err)
	}
	return nil
}

// rcaOverdue is whether r, read with loadRCA, is overdue at now.
func rcaOverdue(r *arqir.RCA, now time.Time) bool { return r.Overdue && !r.DueAt.After(now) }
