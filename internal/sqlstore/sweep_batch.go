package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// breachBatch bounds how many incidents one sweep transaction breaches. The
// batch shares one commit (one fsync, one WAL flush), so a burst of
// thousands of due deadlines takes about a second instead of tens; it is
// small enough that the transaction — which holds SQLite's only write lock,
// and under PostgreSQL the batch's row locks — stays a few tens of
// milliseconds, so the first escalation pages leave soon and ingest does
// not wait long behind it.
const breachBatch = 64

// sweepSavepoint is the savepoint each incident of a batch is breached
// under; one name suffices, since it is released before the next incident.
const sweepSavepoint = "sweep_incident"

// breachBatch breaches the due deadlines of incidents, each under its own
// savepoint, in one write transaction. An incident that fails rolls back
// to its savepoint alone and is reported; the others commit. Under
// PostgreSQL the incidents another transaction holds are skipped, not
// waited for, and left to breachSkipped. It returns an error only when the
// context ends; a batch that fails as a whole (its lock query, a savepoint,
// the commit) is reported and the pass goes on with the next one.
func (p *sweepPass) breachBatch(ctx context.Context, ids []arqir.IncidentID) error {
	if len(ids) == 0 {
		return nil
	}
	var (
		breached int
		failed   []error
		skipped  []arqir.IncidentID
	)
	err := p.s.inTx(ctx, nil, func(tx *sql.Tx) error {
		breached, failed = 0, nil
		locked, err := p.s.lockForSweep(ctx, tx, ids)
		if err != nil {
			return err
		}
		skipped = missing(ids, locked)
		for _, id := range locked {
			n, incErr, err := p.s.breachUnderSavepoint(ctx, tx, id, p.now)
			if err != nil {
				return err
			}
			if incErr != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failed = append(failed, fmt.Errorf("breach the deadlines of %s: %w", id, incErr))
				continue
			}
			breached += n
		}
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.errs = append(p.errs, fmt.Errorf("breach the deadlines of %d incidents from %s on (the next sweep retries them): %w", len(ids), ids[0], err))
		return nil
	}
	p.breached += breached
	p.errs = append(p.errs, failed...)
	for _, id := range skipped {
		if p.skipped == nil {
			p.skipped = map[arqir.IncidentID]bool{}
		}
		p.skipped[id] = true
	}
	p.s.sweepCommitted(breached)
	return nil
}

// lockForSweep locks the rows of the incidents that no other transaction
// holds and returns them in the order to breach them. Under PostgreSQL
// replicas sweep at once: with SKIP LOCKED a batch never waits for a row
// another holds, so two batches cannot deadlock on incident rows and never
// both change one incident. They are breached in order of declaration
// because each breach marks its declaration day's KPIs stale (an insert
// into kpi_stale that waits for another transaction inserting the same
// day): in one order everywhere, two batches cannot wait for each other's
// days. Under SQLite the write transaction already excludes every other
// writer, and the batch keeps its due order.
func (s *Store) lockForSweep(ctx context.Context, tx *sql.Tx, ids []arqir.IncidentID) ([]arqir.IncidentID, error) {
	if s.d.skipLocked() == "" {
		return ids, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	locked, err := queryAll(ctx, tx, s.d.rebind(`SELECT id FROM incidents WHERE id IN (`+placeholders(len(ids))+`)
		ORDER BY declared_at, id`+s.d.skipLocked()),
		func(sc scanner) (arqir.IncidentID, error) {
			var id arqir.IncidentID
			err := sc.Scan(&id)
			return id, err
		}, args...)
	if err != nil {
		return nil, fmt.Errorf("lock the incidents to breach: %w", err)
	}
	return locked, nil
}

// missing returns the ids that are not in some.
func missing(ids, some []arqir.IncidentID) []arqir.IncidentID {
	if len(some) == len(ids) {
		return nil
	}
	in := make(map[arqir.IncidentID]bool, len(some))
	for _, id := range some {
		in[id] = true
	}
	var out []arqir.IncidentID
	for _, id := range ids {
		if !in[id] {
			out = append(out, id)
		}
	}
	return out
}

// breachUnderSavepoint breaches the due deadlines of an incident whose row
// the transaction holds, under a savepoint: when the change fails (incErr)
// everything it wrote is rolled back and the transaction goes on — under
// PostgreSQL a failed statement aborts the whole transaction until then.
// err is a failure of the savepoint itself, which ends the transaction.
func (s *Store) breachUnderSavepoint(ctx context.Context, tx *sql.Tx, id arqir.IncidentID, now time.Time) (n int, incErr, err error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sweepSavepoint); err != nil {
		return 0, nil, fmt.Errorf("savepoint before breaching %s: %w", id, err)
	}
	n, incErr = s.breachLocked(ctx, tx, id, now)
	if incErr != nil {
		n = 0
		// ROLLBACK TO keeps the savepoint: the RELEASE below pops it too.
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sweepSavepoint); err != nil {
			return 0, incErr, errors.Join(incErr, fmt.Errorf("roll back the breach of %s: %w", id, err))
		}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sweepSavepoint); err != nil {
		return 0, incErr, fmt.Errorf("release the savepoint of the breach of %s: %w", id, err)
	}
	return n, incErr, nil
}

// breachLocked loads an incident with its row locked and breaches its due
// deadlines. The domain decides under the lock: a deadline met or breached
// since the sweep read it is left alone, and nothing is written.
func (s *Store) breachLocked(ctx context.Context, tx *sql.Tx, id arqir.IncidentID, now time.Time) (int, error) {
	inc, err := s.loadIncident(ctx, tx, id, true)
	if err != nil {
		return 0, err
	}
	var n int
	if _, err := s.changeLoaded(ctx, tx, inc, now, breachDue(&n)); err != nil {
		return 0, err
	}
	return n, nil
}

// breachDue is the sweep's transition: it breaches every deadline of the
// incident due at or before now, and counts them in n.
func breachDue(n *int) transition {
	return func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		events := inc.BreachDue(now)
		*n = len(events)
		return events, nil
	}
}

// breachSkipped breaches, one incident per transaction and waiting for its
// row lock, the skipped incidents that are still due. Mostly another
// replica's sweep held them and has breached them by now, so the walk no
// longer finds them; but the holder may have been any other writer — a
// change of the incident, a dispatcher appending to its timeline — and
// leaving those to the next tick would make their escalation late. A
// transaction that waits while it holds no other row cannot deadlock.
func (p *sweepPass) breachSkipped(ctx context.Context) error {
	after := dueKey{due: math.MinInt64}
	for len(p.skipped) > 0 {
		due, err := p.s.dueDeadlines(ctx, p.now, after)
		if err != nil {
			return err
		}
		if len(due) == 0 {
			return nil
		}
		for _, d := range due {
			if !p.skipped[d.incident] {
				continue
			}
			delete(p.skipped, d.incident)
			var n int
			if _, err := p.s.mutate(ctx, d.incident, arqir.Change{Actor: arqir.SystemActor}, p.now, breachDue(&n)); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				p.errs = append(p.errs, fmt.Errorf("breach the deadlines of %s: %w", d.incident, err))
				continue
			}
			p.breached += n
			p.s.sweepCommitted(n)
		}
		after = due[len(due)-1]
	}
	return nil
}

// sweepHooks holds the function OnSweepCommit installed, per store.
var sweepHooks sync.Map // *Store → func(breached int)

// OnSweepCommit calls fn after each write transaction of SweepDeadlines
// commits, with the number of deadlines it breached, until remove is
// called. It lets tests see how a sweep splits into transactions.
func (s *Store) OnSweepCommit(fn func(breached int)) (remove func()) {
	sweepHooks.Store(s, fn)
	return func() { sweepHooks.Delete(s) }
}

func (s *Store) sweepCommitted(breached int) {
	if fn, ok := sweepHooks.Load(s); ok {
		fn.(func(int))(breached)
	}
}
