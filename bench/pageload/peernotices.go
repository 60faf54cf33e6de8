package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/arqir/arqir/bench/internal/procstat"
)

// peerResult is what a rate or burst run against Alertmanager measured.
type peerResult struct {
	accepted   int           // alerts answered 200
	failed     int           // alerts not answered 200
	firstErr   string        // of the failed
	sending    time.Duration // first request sent → last answered
	lateStarts int           // rate: requests that left > 5 ms after their time
	maxLag     time.Duration // rate: the latest a request left after its time
	answers    []time.Duration
	latencies  []time.Duration // alert sent → its webhook received
	missing    int             // accepted alerts whose webhook never came
	firstSent  time.Time
	lastNotice time.Time
	amBefore   procstat.Usage
	amAfter    procstat.Usage
	machine    machineUse
}

func (r *peerResult) exitCode() int {
	if r.failed > 0 || r.missing > 0 {
		return 1
	}
	return 0
}

// peerNotices sends new alerts to Alertmanager (open loop at --rate, or a
// burst), then waits up to --wait for the webhook of each accepted one.
func peerNotices(ctx context.Context, c *config, snd *amSender, recv *webhookReceiver, pid int, log io.Writer) *peerResult {
	res := &peerResult{}
	res.amBefore, _ = procstat.Of(pid)
	before := machineNow()
	t0 := time.Now()
	var sent []amSent
	if c.mode == "rate" {
		fmt.Fprintf(log, "pageload: %d new alerts/s to Alertmanager for %s, open loop…\n", c.rate, c.duration)
		sent, res.lateStarts, res.maxLag = amOpenLoop(ctx, snd, c.rate, c.duration)
	} else {
		fmt.Fprintf(log, "pageload: %d new alerts to Alertmanager from %d senders…\n", c.alerts, c.concurrency)
		sent = amBurst(ctx, snd, c.alerts, c.concurrency)
	}
	var accepted []int
	var lastAnswer time.Time
	for i, r := range sent {
		switch {
		case r.at.IsZero(): // not sent: the run was stopped
		case r.err != "":
			res.failed++
			if res.firstErr == "" {
				res.firstErr = r.err
			}
		default:
			accepted = append(accepted, i)
			res.answers = append(res.answers, r.took)
			if res.firstSent.IsZero() || r.at.Before(res.firstSent) {
				res.firstSent = r.at
			}
			if end := r.at.Add(r.took); end.After(lastAnswer) {
				lastAnswer = end
			}
		}
	}
	res.accepted = len(accepted)
	res.sending = lastAnswer.Sub(t0)
	fmt.Fprintf(log, "pageload: %d alerts accepted in %s; waiting up to %s for their webhooks…\n", res.accepted, res.sending.Round(time.Millisecond), c.wait)
	waitWebhooks(ctx, recv, accepted, c.wait)
	res.machine = machineSince(before, false)
	res.amAfter, _ = procstat.Of(pid)
	for _, i := range accepted {
		at, ok := recv.arrived(i)
		if !ok {
			res.missing++
			continue
		}
		res.latencies = append(res.latencies, at.Sub(sent[i].at))
		res.lastNotice = maxTime(res.lastNotice, at)
	}
	sortDurations(res.answers, res.latencies)
	return res
}

// waitWebhooks waits until every alert of want has arrived, or for wait.
func waitWebhooks(ctx context.Context, recv *webhookReceiver, want []int, wait time.Duration) {
	deadline := time.Now().Add(wait)
	for next := 0; next < len(want); {
		if _, ok := recv.arrived(want[next]); ok {
			next++
			continue
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
