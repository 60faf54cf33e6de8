package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/arqir/arqir"
)

// firstResult is what a rate or burst run measured.
type firstResult struct {
	sent       []sent
	accepted   int           // alerts answered 200 with one incident
	failed     int           // alerts not answered 200
	firstErr   string        // of the failed
	sending    time.Duration // first request sent → last answered
	lateStarts int           // rate: requests that left > 5 ms after their time
	maxLag     time.Duration // rate: the latest a request left after its time
	latencies  []time.Duration
	answers    []time.Duration // request sent → 200
	missing    int             // accepted alerts whose incident's page never came
	firstSent  time.Time       // the first request
	lastPage   time.Time
	stages     stages
	machine    machineUse
}

func (r *firstResult) exitCode() int {
	if r.failed > 0 || r.missing > 0 {
		return 1
	}
	return 0
}

// firstPages sends new alerts (open loop at --rate, or a burst), then
// waits up to --wait for the first page of every incident they opened.
func firstPages(ctx context.Context, c *config, s *server, log io.Writer) (*firstResult, error) {
	snd := newSender(s, c.severity)
	before := machineBefore()
	res := &firstResult{}
	t0 := time.Now()
	if c.mode == "rate" {
		fmt.Fprintf(log, "pageload: %d new alerts/s for %s, open loop…\n", c.rate, c.duration)
		res.sent, res.lateStarts, res.maxLag = openLoop(ctx, snd, c.rate, c.duration)
	} else {
		fmt.Fprintf(log, "pageload: %d new alerts from %d senders…\n", c.alerts, c.concurrency)
		res.sent = burst(ctx, snd, c.alerts, c.concurrency)
	}
	want := map[arqir.IncidentID]time.Time{} // incident → when its alert was sent
	var lastAnswer time.Time
	for _, r := range res.sent {
		switch {
		case r.err != "":
			res.failed++
			if res.firstErr == "" {
				res.firstErr = r.err
			}
		case len(r.incidents) != 1:
			res.failed++
			if res.firstErr == "" {
				res.firstErr = fmt.Sprintf("the answer names %d incidents, want the alert's one", len(r.incidents))
			}
		default:
			if res.firstSent.IsZero() || r.at.Before(res.firstSent) {
				res.firstSent = r.at
			}
			res.accepted++
			want[r.incidents[0]] = r.at
			res.answers = append(res.answers, r.took)
			if end := r.at.Add(r.took); end.After(lastAnswer) {
				lastAnswer = end
			}
		}
	}
	res.sending = lastAnswer.Sub(t0)
	fmt.Fprintf(log, "pageload: %d alerts accepted in %s; waiting up to %s for their pages…\n", res.accepted, res.sending.Round(time.Millisecond), c.wait)
	pages := waitPages(ctx, s.recv, want, 1, 1, c.wait)
	res.machine = machineSince(before, c.db != "")
	for id, sentAt := range want {
		at, ok := pages[id]
		if !ok {
			res.missing++
			continue
		}
		res.latencies = append(res.latencies, at.Sub(sentAt))
		if at.After(res.lastPage) {
			res.lastPage = at
		}
	}
	var err error
	res.stages, err = firstStages(ctx, s.app.Store, want, pages)
	return res, err
}

// openLoop sends one alert per request every 1/rate s for d, whatever the
// answers (paced), and records when each really left.
func openLoop(ctx context.Context, snd *sender, rate int, d time.Duration) (out []sent, late int, maxLag time.Duration) {
	all := make([]sent, int(int64(rate)*int64(d)/int64(time.Second)))
	n, late, maxLag := paced(ctx, rate, d, func(i int) { all[i] = snd.post(ctx, i, 1) })
	return all[:n], late, maxLag
}

// burst sends n alerts, one per request, from `senders` goroutines each
// sending its next as soon as the previous is answered.
func burst(ctx context.Context, snd *sender, n, senders int) []sent {
	out := make([]sent, n)
	closedLoop(ctx, n, senders, func(i int) { out[i] = snd.post(ctx, i, 1) })
	kept := out[:0] // requests not sent because the run was stopped are left out
	for _, r := range out {
		if !r.at.IsZero() {
			kept = append(kept, r)
		}
	}
	return kept
}

// waitPages waits until every incident of want has a page of a step in
// [from, to] at the receiver, or for `wait`, and returns the pages.
func waitPages[T any](ctx context.Context, r *receiver, want map[arqir.IncidentID]T, from, to int, wait time.Duration) map[arqir.IncidentID]time.Time {
	deadline := time.Now().Add(wait)
	for {
		pages := r.pages(from, to)
		all := true
		for id := range want {
			if _, ok := pages[id]; !ok {
				all = false
				break
			}
		}
		if all || time.Now().After(deadline) || ctx.Err() != nil {
			return pages
		}
		time.Sleep(20 * time.Millisecond)
	}
}
