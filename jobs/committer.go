package jobs

import (
	"context"
	"fmt"

	"github.com/arqir/arqir"
)

// maxRecordBatch bounds the results recorded in one transaction, and so
// that transaction's length and the wait of the results queued behind it.
const maxRecordBatch = 64

// Group commit of results. Every durable commit costs an fsync (SQLite) or
// a WAL flush (PostgreSQL), and the single SQLite writer also serves
// ingest, claims and deadline sweeps: one transaction per result capped
// the dispatcher at a few hundred results per second. Workers therefore
// hand their results to one committer goroutine, which records whatever is
// waiting, up to maxRecordBatch, in one FinishNotifications call; while
// that transaction runs, the next batch queues. There is no timer: a lone
// result is recorded at once, and batches grow only with load.
type committer struct {
	d *Dispatcher
	// ctx carries the caller's values without its cancellation: a send
	// that ended while the dispatcher stops is still recorded, rather than
	// left to lapse and be sent again as ambiguous.
	ctx  context.Context
	in   chan *result
	done chan struct{}
}

// result is one attempt waiting to be recorded, and where its worker
// waits for the outcome.
type result struct {
	n   *arqir.Notification
	d   arqir.Delivery
	out chan arqir.FinishOutcome
}

// startCommitter starts a committer; stop it once every worker that
// records through it has returned.
func (d *Dispatcher) startCommitter(ctx context.Context) *committer {
	c := d.newCommitter(ctx)
	go c.run()
	return c
}

// newCommitter returns a committer that records nothing until run.
func (d *Dispatcher) newCommitter(ctx context.Context) *committer {
	return &committer{d: d, ctx: context.WithoutCancel(ctx), in: make(chan *result, maxRecordBatch), done: make(chan struct{})}
}

// record queues the result of attempt n.Attempts of n and waits until it
// is recorded (or its recording failed).
func (c *committer) record(n *arqir.Notification, d arqir.Delivery) arqir.FinishOutcome {
	r := &result{n: n, d: d, out: make(chan arqir.FinishOutcome, 1)}
	c.in <- r
	return <-r.out
}

// stop ends the committer after the results already queued are recorded.
func (c *committer) stop() {
	close(c.in)
	<-c.done
}

func (c *committer) run() {
	defer close(c.done)
	for first := range c.in {
		batch := []*result{first}
	fill:
		for len(batch) < maxRecordBatch {
			select {
			case r, ok := <-c.in:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		c.commit(batch)
	}
}

// commit records a batch and answers each worker with its own outcome. A
// batch the store refuses as a whole is recorded again one result at a
// time, so one bad row cannot lose the others; a result that still fails
// is its worker's error, and its claim lapses and is retried as ambiguous
// (delivery contract 3).
func (c *committer) commit(batch []*result) {
	d := c.d
	// Past the lease the claims are another replica's to take: a
	// transaction still waiting then would only record conflicts.
	ctx, cancel := context.WithTimeout(c.ctx, d.cfg.Lease)
	defer cancel()
	now := d.cfg.Now()
	results := make([]arqir.NotificationResult, len(batch))
	for i, r := range batch {
		results[i] = arqir.NotificationResult{ID: r.n.ID, Attempt: r.n.Attempts, Delivery: r.d}
	}
	// With the lease, the per-channel notifications a role resolves into
	// come back claimed for us: the worker that resolved the page sends
	// them at once instead of queueing them behind everything due.
	outs, err := d.cfg.Store.FinishNotifications(ctx, results, now, d.cfg.Lease)
	if err == nil && len(outs) != len(batch) {
		err = fmt.Errorf("the store answered %d outcomes for %d results", len(outs), len(batch))
	}
	if err != nil {
		d.cfg.Logger.Warn("recording notification results together failed; recording them one at a time", "results", len(batch), "err", err)
		outs = make([]arqir.FinishOutcome, len(batch))
		for i, r := range batch {
			outs[i].Err = d.cfg.Store.FinishNotification(ctx, r.n.ID, r.n.Attempts, r.d, now)
		}
	}
	claimed := 0
	for _, o := range outs {
		claimed += len(o.Claimed)
	}
	d.slots.take(claimed)
	d.slots.release(len(batch))
	for i, r := range batch {
		r.out <- outs[i]
	}
}
