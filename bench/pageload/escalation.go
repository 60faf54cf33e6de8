package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arqir/arqir"
)

// escResult is what an escalation run measured.
type escResult struct {
	opened     int           // incidents the answers named
	failed     int           // requests not answered 200
	firstErr   string        // of the failed
	opening    time.Duration // first request sent → last answered
	firstPages int           // incidents whose first page arrived
	firstDrain time.Duration // first request sent → last first page
	firstDue   time.Time     // the earliest page acknowledgement deadline
	lastDue    time.Time
	lateness   []time.Duration // escalation page at the receiver − deadline due
	breach     []time.Duration // deadline breached (sweep) − due
	dispatch   []time.Duration // escalation page at the receiver − breached
	missing    int             // incidents without an escalation page by the end
	noDeadline int             // incidents without a step 1 page acknowledgement deadline
	machine    machineUse
}

func (r *escResult) exitCode() int {
	if r.failed > 0 || r.missing > 0 || r.noDeadline > 0 || (len(r.lateness) > 0 && r.lateness[0] < 0) {
		return 1
	}
	return 0
}

// escalation opens incidents nobody will acknowledge, waits for their first
// pages and then for the page each gets when its acknowledgement deadline
// passes, and measures how late that page is.
func escalation(ctx context.Context, c *config, s *server, log io.Writer) (*escResult, error) {
	ack := c.ackWithin
	if ack == 0 {
		ack = s.app.Policies.Rules().Paging.AckWithin
	}
	res := &escResult{}
	before := machineBefore()
	pace := "as fast as arqir takes them"
	if c.openRate > 0 {
		pace = fmt.Sprintf("%d/s", c.openRate)
	}
	fmt.Fprintf(log, "pageload: opening %d incidents %s, %d per request, %d senders…\n", c.incidents, pace, c.batch, c.concurrency)
	t0 := time.Now()
	opened := openIncidents(ctx, newSender(s, c.severity), c, res)
	res.opened = len(opened)
	fmt.Fprintf(log, "pageload: %d incidents open after %s; waiting for their first pages…\n", res.opened, res.opening.Round(time.Millisecond))
	first := waitPages(ctx, s.recv, opened, 1, 1, ack+c.wait)
	for id := range opened {
		if at, ok := first[id]; ok {
			res.firstPages++
			res.firstDrain = max(res.firstDrain, at.Sub(t0))
		}
	}
	fmt.Fprintf(log, "pageload: %d first pages within %s; waiting for the escalation pages (ack window %s)…\n", res.firstPages, res.firstDrain.Round(time.Millisecond), ack)
	escalated := waitPages(ctx, s.recv, opened, 2, 1<<30, time.Until(t0.Add(res.opening+ack+c.wait)))
	res.machine = machineSince(before, c.db != "")
	fmt.Fprintf(log, "pageload: %d escalation pages; reading the deadlines…\n", len(escalated))
	return res, readDeadlines(ctx, s.app.Store, opened, escalated, res)
}

// openIncidents sends --incidents new alerts, --batch per request, from
// --concurrency goroutines, each request at its time when --open-rate is
// set, and returns the incidents the answers name.
func openIncidents(ctx context.Context, snd *sender, c *config, res *escResult) map[arqir.IncidentID]bool {
	n, batch := c.incidents, c.batch
	opened := map[arqir.IncidentID]bool{}
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range c.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for first := int(next.Add(int64(batch)) - int64(batch)); first < n && ctx.Err() == nil; first = int(next.Add(int64(batch)) - int64(batch)) {
				if c.openRate > 0 {
					time.Sleep(time.Until(t0.Add(time.Duration(int64(first) * int64(time.Second) / int64(c.openRate)))))
				}
				r := snd.post(ctx, first, min(batch, n-first))
				mu.Lock()
				if r.err != "" {
					res.failed++
					if res.firstErr == "" {
						res.firstErr = r.err
					}
				}
				for _, id := range r.incidents {
					opened[id] = true
				}
				res.opening = max(res.opening, r.at.Add(r.took).Sub(t0))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return opened
}

// readDeadlines reads each incident's first page acknowledgement deadline
// and measures its escalation page against it.
func readDeadlines(ctx context.Context, store arqir.Store, opened map[arqir.IncidentID]bool, escalated map[arqir.IncidentID]time.Time, res *escResult) error {
	ids := make(chan arqir.IncidentID)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				inc, err := store.Incident(ctx, id)
				mu.Lock()
				if err != nil {
					firstErr = cmpErr(firstErr, fmt.Errorf("read %s: %w", id, err))
				} else {
					res.add(inc, escalated)
				}
				mu.Unlock()
			}
		}()
	}
	for id := range opened {
		ids <- id
	}
	close(ids)
	wg.Wait()
	sortDurations(res.lateness, res.breach, res.dispatch)
	return firstErr
}

// add measures one incident.
func (r *escResult) add(inc *arqir.Incident, escalated map[arqir.IncidentID]time.Time) {
	var d *arqir.Deadline
	for i := range inc.Deadlines {
		if inc.Deadlines[i].Kind == arqir.DeadlinePageAck && inc.Deadlines[i].Step == 1 {
			d = &inc.Deadlines[i]
			break
		}
	}
	if d == nil {
		r.noDeadline++
		return
	}
	if r.firstDue.IsZero() || d.DueAt.Before(r.firstDue) {
		r.firstDue = d.DueAt
	}
	r.lastDue = maxTime(r.lastDue, d.DueAt)
	at, ok := escalated[inc.ID]
	if !ok {
		r.missing++
		return
	}
	r.lateness = append(r.lateness, at.Sub(d.DueAt))
	if d.BreachedAt != nil {
		r.breach = append(r.breach, d.BreachedAt.Sub(d.DueAt))
		r.dispatch = append(r.dispatch, at.Sub(*d.BreachedAt))
	}
}

func cmpErr(have, err error) error {
	if have != nil {
		return have
	}
	return err
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
