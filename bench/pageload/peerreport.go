package main

import (
	"fmt"
	"io"
	"time"
)

// reportPeer prints a rate or burst run against Alertmanager, line for
// line like reportFirstPages for arqir.
func reportPeer(w io.Writer, c *config, version string, recv *webhookReceiver, r *peerResult) {
	what := fmt.Sprintf("open loop at %d alerts/s for %s", c.rate, c.duration)
	if c.mode == "burst" {
		what = fmt.Sprintf("burst of %d alerts from %d senders", c.alerts, c.concurrency)
	}
	fmt.Fprintf(w, "pageload %s: Alertmanager %s (in memory; group_by ['...'], group_wait 0s; webhook to this tool), one new alert (severity %q) per API v2 request\n", c.mode, version, c.severity)
	fmt.Fprintf(w, "  sent       %s: %d accepted, %d failed", what, r.accepted, r.failed)
	if r.firstErr != "" {
		fmt.Fprintf(w, " (first: %s)", r.firstErr)
	}
	fmt.Fprintln(w)
	if c.mode == "rate" && r.lateStarts > 0 {
		fmt.Fprintf(w, "  late       %d requests left more than 5 ms after their time (at most %s): the sender was starved\n", r.lateStarts, ms(r.maxLag))
	}
	if r.accepted == 0 {
		return
	}
	fmt.Fprintf(w, "  ingest     %.0f alerts/s accepted; answer %s\n", float64(r.accepted)/r.sending.Seconds(), dist(r.answers))
	fmt.Fprintf(w, "  webhooks   %d of %d at the receiver, %d missing; %.0f alerts/s (first alert sent → last webhook)\n",
		len(r.latencies), r.accepted, r.missing, float64(len(r.latencies))/r.lastNotice.Sub(r.firstSent).Seconds())
	fmt.Fprintf(w, "  LATENCY    alert sent → webhook received: %s\n", dist(r.latencies))
	notifications, dups, refused, foreign := recv.counts()
	fmt.Fprintf(w, "  receiver   %d notifications, %d duplicate alerts, %d refused, %d alerts not of this run\n", notifications, dups, refused, foreign)
	cpu := r.amAfter.CPU - r.amBefore.CPU
	fmt.Fprintf(w, "  peer       Alertmanager CPU %.2fs (%.0f%% of one core over %s); RSS %s after, peak %s\n",
		cpu.Seconds(), 100*cpu.Seconds()/r.machine.wall.Seconds(), r.machine.wall.Round(100*time.Millisecond), peerMiB(r.amAfter.RSS), peerMiB(r.amAfter.PeakRSS))
	fmt.Fprintf(w, "  machine    %s (Alertmanager is other work)\n", r.machine)
}

func peerMiB(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
