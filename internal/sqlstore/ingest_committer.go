package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Group commit. Every durable commit costs an fsync (SQLite) or a WAL flush
// (PostgreSQL), which bounds commits to a few hundred to a few thousand per
// second. Ingest therefore funnels requests to one committer goroutine per
// store that takes everything queued, up to a cap, and applies it in one
// transaction; while it commits, the next batch queues. There is no timer:
// a lone request commits at once, and batches grow only with load.
//
// A request that fails inside the batch gets its own error and the others
// commit: the batch is applied set-wise with each request's in-memory
// changes undone if it fails (ingest_apply.go); should the database refuse
// the batch's writes, the batch is applied again request by request, each
// under its own SAVEPOINT, so the failing request rolls back alone.
const (
	maxBatchCalls  = 500  // requests in one transaction
	maxBatchEvents = 5000 // alerts in one transaction; bounds its size and latency
	ingestQueue    = 4096 // requests waiting for the committer
	// batchTimeout bounds one batch transaction; no caller's context is
	// used, since one caller giving up must not fail the others.
	batchTimeout = 30 * time.Second
)

// writeFault, set only by tests before a store opens, runs before a batch
// writes and fails the write when it returns an error: the savepoint path
// is otherwise reached only when the database refuses a write.
var writeFault func(tx *sql.Tx, calls []*ingestCall) error

// committerState is the committer goroutine of a store, started on the
// first Ingest and stopped by Close.
type committerState struct {
	queue   chan *ingestCall
	quit    chan struct{} // closed by Close
	stopped chan struct{} // closed when the goroutine has exited

	// Only the committer goroutine uses these.
	conn     *sql.Conn // its own connection (ingest_conn.go); nil until the first batch
	cache    *incidentCache
	analysis analysis
}

// committer returns the running committer, starting it on first use; nil
// once the store is closed.
func (s *Store) committer() *committerState {
	s.ingest.once.Do(func() {
		c := &committerState{queue: make(chan *ingestCall, ingestQueue), quit: make(chan struct{}), stopped: make(chan struct{}), cache: newIncidentCache()}
		s.ingest.c.Store(c)
		go s.runCommitter(c)
	})
	return s.ingest.c.Load()
}

// stopCommitter stops the committer, if it runs, after its current batch;
// requests still queued fail with errStoreClosed.
func (s *Store) stopCommitter() {
	s.ingest.once.Do(func() {}) // no committer may start after Close
	c := s.ingest.c.Load()
	if c == nil {
		return
	}
	s.ingest.stop.Do(func() { close(c.quit) })
	<-c.stopped
}

func (s *Store) runCommitter(c *committerState) {
	defer close(c.stopped)
	defer c.releaseConn()
	for {
		var first *ingestCall
		select {
		case first = <-c.queue:
		case <-c.quit:
			for {
				select {
				case call := <-c.queue:
					call.finish(nil, errStoreClosed)
				default:
					return
				}
			}
		}
		batch, events := []*ingestCall{first}, len(first.events)
	fill:
		for len(batch) < maxBatchCalls && events < maxBatchEvents {
			select {
			case call := <-c.queue:
				batch, events = append(batch, call), events+len(call.events)
			default:
				break fill
			}
		}
		s.commitBatch(c, batch)
	}
}

// commitBatch applies the live calls of a batch in one transaction and
// wakes every caller with its own outcome, once the outcome is durable.
// The incident cache keeps what the transaction committed, and forgets
// everything when it did not commit as applied; the new alerts count
// towards the next ANALYZE.
func (s *Store) commitBatch(c *committerState, calls []*ingestCall) {
	live := calls[:0:0]
	for _, call := range calls {
		if err := call.ctx.Err(); err != nil {
			call.finish(nil, err) // its caller has gone: do not apply what nobody waits for
		} else {
			live = append(live, call)
		}
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()

	var outs []outcome
	var applied *batch
	err := s.ingestTx(ctx, c, func(tx *sql.Tx) (err error) {
		outs, applied, err = s.applyCalls(ctx, tx, live, c.cache)
		return err
	})
	inserted := 0
	if err == nil && applied != nil {
		c.cache.keep(applied)
		inserted = applied.inserted
	} else {
		c.cache.reset()
	}
	if err != nil && len(live) > 1 && ctx.Err() == nil {
		outs, err = s.commitOneByOne(ctx, live)
	}
	for i, call := range live {
		switch {
		case err != nil:
			call.finish(nil, err)
		default:
			call.finish(outs[i].res, outs[i].err)
		}
	}
	s.analyzeIfGrown(&c.analysis, inserted)
}

// commitOneByOne applies each call under its own savepoint in one
// transaction: a call the database refuses rolls back to its savepoint and
// fails alone.
//
// It reads no cached incident and keeps none: the cache was emptied when
// the batch failed, and a request rolled back to its savepoint must leave
// nothing behind.
func (s *Store) commitOneByOne(ctx context.Context, calls []*ingestCall) ([]outcome, error) {
	outs := make([]outcome, len(calls))
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		for i := range calls {
			sp := "ingest_" + strconv.Itoa(i)
			if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
				return fmt.Errorf("savepoint for an ingest request: %w", err)
			}
			one, _, err := s.applyCalls(ctx, tx, calls[i:i+1], nil)
			if err != nil {
				if _, rbErr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); rbErr != nil {
					return errors.Join(err, fmt.Errorf("roll back an ingest request: %w", rbErr))
				}
				outs[i] = outcome{err: err}
				continue
			}
			if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
				return fmt.Errorf("release the savepoint of an ingest request: %w", err)
			}
			outs[i] = one[0]
		}
		return nil
	})
	return outs, err
}
