package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
)

// Alert returns one alert.
func (s *Store) Alert(ctx context.Context, id int64) (*arqir.Alert, error) {
	a, err := scanAlert(s.db.QueryRowContext(ctx, s.q(`SELECT `+alertColumns+` FROM alerts WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, alertNotFound(id)
	} else if err != nil {
		return nil, fmt.Errorf("read alert %d: %w", id, err)
	}
	return a, nil
}

// Alerts lists alerts matching the filter, newest first, keyset-paginated
// on the alert ID like incidents.
func (s *Store) Alerts(ctx context.Context, f arqir.AlertFilter) (*arqir.AlertPage, error) {
	limit := f.Limit
	if limit == 0 {
		limit = defaultLimit
	} else if limit < 1 || limit > maxLimit {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit %d is out of range: use 1 to %d (default %d)", limit, maxLimit, defaultLimit)
	}
	var conds []string
	var args []any
	if f.Cursor != "" {
		id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		conds, args = append(conds, "id < ?"), append(args, id)
	}
	switch f.Status {
	case "":
	case arqir.AlertFiring, arqir.AlertResolved:
		conds, args = append(conds, "status = ?"), append(args, string(f.Status))
	default:
		return nil, arqir.FieldErrorf(arqir.EINVALID, "status", "unknown alert status %q: use firing or resolved", f.Status)
	}
	if f.IntegrationID != 0 {
		conds, args = append(conds, "integration_id = ?"), append(args, f.IntegrationID)
	}
	if f.IncidentID != 0 {
		conds, args = append(conds, "incident_id = ?"), append(args, f.IncidentID)
	}
	query := "SELECT " + alertColumns + " FROM alerts"
	if len(conds) > 0 {
		query += " WHERE " + strings.Join(conds, " AND ")
	}
	query += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit+1) // one more tells whether a next page exists

	alerts, err := queryAll(ctx, s.db, s.q(query), scanAlert, args...)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	page := &arqir.AlertPage{Alerts: alerts}
	if len(page.Alerts) > limit {
		page.Alerts = page.Alerts[:limit]
		page.Next = encodeCursor(arqir.IncidentID(page.Alerts[limit-1].ID))
	}
	return page, nil
}

func alertNotFound(id int64) error {
	return arqir.Errorf(arqir.ENOTFOUND, "there is no alert %d: list the alerts to find its ID", id)
}
