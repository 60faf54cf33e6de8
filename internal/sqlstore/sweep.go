package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/arqir/arqir"
)

// sweepBatch bounds how many incidents one sweep query returns, so a backlog
// (a replica that was down for an hour) is worked through in slices.
const sweepBatch = 100

// SweepDeadlines breaches every pending deadline due at or before now. Each
// incident is changed in its own transaction with its row locked, and the
// domain re-checks the deadline under that lock: replicas sweeping at once
// record each breach exactly once, and an incident whose deadline was met
// meanwhile is left untouched. One failing incident does not stop the others.
func (s *Store) SweepDeadlines(ctx context.Context, now time.Time) (int, error) {
	now = storable(now)
	breached := 0
	var errs []error
	after := dueKey{due: math.MinInt64}
	seen := map[arqir.IncidentID]bool{} // one change breaches every due deadline of an incident
	for {
		due, err := s.dueDeadlines(ctx, now, after)
		if err != nil {
			return breached, fmt.Errorf("sweep deadlines: %w", errors.Join(append(errs, err)...))
		}
		if len(due) == 0 {
			break
		}
		for _, d := range due {
			if seen[d.incident] {
				continue
			}
			seen[d.incident] = true
			n := 0
			_, err := s.mutate(ctx, d.incident, arqir.Change{Actor: arqir.SystemActor}, now, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
				events := inc.BreachDue(now)
				n = len(events)
				return events, nil
			})
			if err == nil {
				breached += n // counted once committed
			} else {
				if ctx.Err() != nil {
					return breached, fmt.Errorf("sweep deadlines: %w", ctx.Err())
				}
				errs = append(errs, fmt.Errorf("breach deadlines of %s: %w", d.incident, err))
			}
		}
		after = due[len(due)-1]
	}
	// The scheduler's tick also forgets expired ingest request keys, a
	// bounded number at a time (ingest_requests.go).
	if _, err := s.SweepIngestRequests(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return breached, fmt.Errorf("sweep deadlines: %w", errors.Join(errs...))
	}
	return breached, nil
}

// dueKey is the position of a pending deadline in the sweep's walk.
type dueKey struct {
	due      int64
	incident arqir.IncidentID
}

// dueDeadlines returns, most overdue first, pending deadlines due at or
// before now that come after the key. It reads only the partial index of
// pending deadlines, which holds few rows: those of incidents nobody has
// acknowledged yet. Walking on (due_at, incident_id) ends the sweep even
// when an incident cannot be changed.
func (s *Store) dueDeadlines(ctx context.Context, now time.Time, after dueKey) ([]dueKey, error) {
	out, err := queryAll(ctx, s.db, s.q(`SELECT due_at, incident_id FROM deadlines
		WHERE met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL AND due_at <= ? AND (due_at, incident_id) > (?, ?)
		ORDER BY due_at, incident_id LIMIT ?`),
		func(sc scanner) (dueKey, error) {
			var k dueKey
			err := sc.Scan(&k.due, &k.incident)
			return k, err
		}, micros(now), after.due, after.incident, sweepBatch)
	if err != nil {
		return nil, fmt.Errorf("find due deadlines: %w", err)
	}
	return out, nil
}

// NextDeadlineAt returns when the earliest pending deadline is due, or nil
// when none is pending: the scheduler sleeps until then instead of a whole
// tick, so an escalation fires within milliseconds of its due time. It
// reads the first entry of the partial index of pending deadlines.
func (s *Store) NextDeadlineAt(ctx context.Context) (*time.Time, error) {
	var due sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT due_at FROM deadlines
		WHERE met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL
		ORDER BY due_at LIMIT 1`)).Scan(&due)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !due.Valid) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find the next deadline: %w", err)
	}
	t := fromMicros(due.Int64)
	return &t, nil
}
