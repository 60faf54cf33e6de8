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

// SweepDeadlines breaches every pending deadline due at or before now. It
// breaches up to breachBatch incidents per write transaction
// (sweep_batch.go): when thousands of deadlines fall due within seconds, one
// commit (one fsync) per incident made a pass take seconds and the
// escalation pages queue behind it. Each incident is changed with its row
// locked, and the domain re-checks the deadline under that lock: replicas
// sweeping at once record each breach exactly once, and an incident whose
// deadline was met meanwhile is left untouched. One failing incident does
// not stop the others: it rolls back alone, to its savepoint.
func (s *Store) SweepDeadlines(ctx context.Context, now time.Time) (int, error) {
	p := &sweepPass{s: s, now: storable(now)}
	if err := p.walk(ctx); err != nil {
		return p.breached, fmt.Errorf("sweep deadlines: %w", errors.Join(append(p.errs, err)...))
	}
	// The scheduler's tick also forgets expired ingest request keys, a
	// bounded number at a time (ingest_requests.go).
	if _, err := s.SweepIngestRequests(ctx, p.now); err != nil {
		p.errs = append(p.errs, err)
	}
	if len(p.errs) > 0 {
		return p.breached, fmt.Errorf("sweep deadlines: %w", errors.Join(p.errs...))
	}
	return p.breached, nil
}

// sweepPass is one SweepDeadlines call: what it breached, the errors of the
// incidents it could not change, and the incidents another transaction
// held when their batch locked its rows.
type sweepPass struct {
	s        *Store
	now      time.Time
	breached int
	errs     []error
	skipped  map[arqir.IncidentID]bool
}

// walk breaches the incidents of the due deadlines, most overdue first, in
// batches; then it goes once more over what is still due for the incidents
// it skipped because another transaction held them. It returns an error
// only when the pass cannot go on (a failed query, a cancelled context).
func (p *sweepPass) walk(ctx context.Context) error {
	after := dueKey{due: math.MinInt64}
	seen := map[arqir.IncidentID]bool{} // one change breaches every due deadline of an incident
	var next []arqir.IncidentID
	for {
		due, err := p.s.dueDeadlines(ctx, p.now, after)
		if err != nil {
			return err
		}
		if len(due) == 0 {
			break
		}
		for _, d := range due {
			if !seen[d.incident] {
				seen[d.incident] = true
				next = append(next, d.incident)
			}
		}
		for len(next) >= breachBatch {
			if err := p.breachBatch(ctx, next[:breachBatch]); err != nil {
				return err
			}
			next = next[breachBatch:]
		}
		after = due[len(due)-1]
	}
	if err := p.breachBatch(ctx, next); err != nil {
		return err
	}
	if len(p.skipped) > 0 {
		return p.breachSkipped(ctx)
	}
	return nil
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
