package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/arqir/arqir"
)

// Incident returns one incident with its services and deadlines.
func (s *Store) Incident(ctx context.Context, id arqir.IncidentID) (*arqir.Incident, error) {
	var inc *arqir.Incident
	err := s.readTx(ctx, func(tx *sql.Tx) (err error) {
		inc, err = s.loadIncident(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", id, err)
	}
	return inc, nil
}

// Timeline returns the incident's events, oldest first.
func (s *Store) Timeline(ctx context.Context, id arqir.IncidentID) ([]arqir.TimelineEvent, error) {
	events := []arqir.TimelineEvent{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM incidents WHERE id = ?`), id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(id)
		} else if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, incident_id, at, kind, actor, source, message, data
			FROM timeline_events WHERE incident_id = ? ORDER BY id`), id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e    arqir.TimelineEvent
				at   int64
				data sql.NullString
			)
			if err := rows.Scan(&e.ID, &e.IncidentID, &at, &e.Kind, &e.Actor, &e.Source, &e.Message, &data); err != nil {
				return err
			}
			e.At = fromMicros(at)
			if data.Valid {
				if err := jsonUnmarshal(data.String, &e.Data); err != nil {
					return fmt.Errorf("decode data of event %d: %w", e.ID, err)
				}
			}
			events = append(events, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read the timeline of %s: %w", id, err)
	}
	return events, nil
}

// loadIncident reads one incident with its services and deadlines; with
// lock, the row stays locked until the transaction ends.
func (s *Store) loadIncident(ctx context.Context, x querier, id arqir.IncidentID, lock bool) (*arqir.Incident, error) {
	query := "SELECT " + incidentColumns + " FROM incidents WHERE id = ?"
	if lock {
		query += s.d.RowLock
	}
	inc, err := scanIncident(x.QueryRowContext(ctx, s.q(query), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	} else if err != nil {
		return nil, err
	}
	if err := s.loadChildren(ctx, x, []*arqir.Incident{inc}); err != nil {
		return nil, err
	}
	return inc, nil
}

// loadChildren fills in the services and deadlines of incidents with one
// query each, however many incidents there are.
func (s *Store) loadChildren(ctx context.Context, x querier, incs []*arqir.Incident) error {
	if len(incs) == 0 {
		return nil
	}
	byID := make(map[arqir.IncidentID]*arqir.Incident, len(incs))
	ids := make([]any, len(incs))
	for i, inc := range incs {
		byID[inc.ID], ids[i] = inc, inc.ID
	}
	in := "(" + placeholders(len(ids)) + ")"

	rows, err := x.QueryContext(ctx, s.d.rebind(`SELECT incident_id, service FROM incident_services
		WHERE incident_id IN `+in+` ORDER BY incident_id, position`), ids...)
	if err != nil {
		return fmt.Errorf("read services: %w", err)
	}
	for rows.Next() {
		var id arqir.IncidentID
		var service string
		if err := rows.Scan(&id, &service); err != nil {
			rows.Close()
			return fmt.Errorf("read services: %w", err)
		}
		byID[id].Services = append(byID[id].Services, service)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read services: %w", err)
	}

	rows, err = x.QueryContext(ctx, s.d.rebind(`SELECT incident_id, kind, due_at, met_at, breached_at, cancelled_at, step FROM deadlines
		WHERE incident_id IN `+in+` ORDER BY incident_id, seq`), ids...)
	if err != nil {
		return fmt.Errorf("read deadlines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id            arqir.IncidentID
			d             arqir.Deadline
			due           int64
			met, breached sql.NullInt64
			cancelled     sql.NullInt64
		)
		if err := rows.Scan(&id, &d.Kind, &due, &met, &breached, &cancelled, &d.Step); err != nil {
			return fmt.Errorf("read deadlines: %w", err)
		}
		d.DueAt, d.MetAt, d.BreachedAt = fromMicros(due), fromNullMicros(met), fromNullMicros(breached)
		d.CancelledAt = fromNullMicros(cancelled)
		byID[id].Deadlines = append(byID[id].Deadlines, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read deadlines: %w", err)
	}
	for _, inc := range incs {
		normalize(inc)
	}
	return nil
}

func notFound(id arqir.IncidentID) error {
	return arqir.Errorf(arqir.ENOTFOUND, "%s does not exist: check the incident ID", id)
}
