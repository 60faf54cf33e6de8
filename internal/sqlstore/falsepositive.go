package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// MarkFalsePositive records a responder's verdict that the incident was noise.
func (s *Store) MarkFalsePositive(ctx context.Context, id arqir.IncidentID, reason string, c arqir.Change) (*arqir.Incident, error) {
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.MarkFalsePositive(reason, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("mark %s a false positive: %w", id, err)
	}
	return inc, nil
}

// MarkAlertFalsePositive records a responder's verdict that an alert was
// noise, and notes it on its incident's timeline, in one transaction. The
// alert is locked before the incident, in the order ingest locks them.
func (s *Store) MarkAlertFalsePositive(ctx context.Context, id int64, reason string, by arqir.Actor) (*arqir.Alert, error) {
	var out *arqir.Alert
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if s.d.TableLock != "" {
			// Queue behind ingest batches as they queue behind each other:
			// taking the alert's row first could deadlock with a batch.
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(s.d.TableLock, "alerts")); err != nil {
				return fmt.Errorf("lock the alerts table: %w", err)
			}
		}
		a, err := scanAlert(tx.QueryRowContext(ctx, s.q(`SELECT `+alertColumns+` FROM alerts WHERE id = ?`+s.d.RowLock), id))
		if errors.Is(err, sql.ErrNoRows) {
			return alertNotFound(id)
		} else if err != nil {
			return err
		}
		now := s.clock()
		if err := a.MarkFalsePositive(reason, by, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE alerts SET false_positive = ?, false_positive_reason = ?, false_positive_by = ?, false_positive_at = ?
			WHERE id = ?`), true, a.FalsePositiveReason, a.FalsePositiveBy, nullMicros(a.FalsePositiveAt), id); err != nil {
			return fmt.Errorf("update alert: %w", err)
		}
		out = a
		if a.IncidentID == nil {
			return nil
		}
		return s.changeInTx(ctx, tx, *a.IncidentID, now, func(inc *arqir.Incident, now time.Time) []arqir.TimelineEvent {
			return inc.AlertMarkedFalsePositive(a, by, now)
		})
	})
	if err != nil {
		return nil, fmt.Errorf("mark alert %d a false positive: %w", id, err)
	}
	return out, nil
}

// changeInTx applies a change that cannot be refused to an incident inside
// a transaction that also changes something else: the incident row is
// locked, the events appended, the version increased and the planner
// consulted, like mutate does.
func (s *Store) changeInTx(ctx context.Context, tx *sql.Tx, id arqir.IncidentID, now time.Time, fn func(*arqir.Incident, time.Time) []arqir.TimelineEvent) error {
	inc, err := s.loadIncident(ctx, tx, id, true)
	if err != nil {
		return err
	}
	_, err = s.changeLoaded(ctx, tx, inc, now, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return fn(inc, now), nil
	})
	return err
}
