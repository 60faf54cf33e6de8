package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// reportFirstPages prints a rate or burst run.
func reportFirstPages(w io.Writer, c *config, s *server, r *firstResult) {
	what := fmt.Sprintf("open loop at %d alerts/s for %s", c.rate, c.duration)
	if c.mode == "burst" {
		what = fmt.Sprintf("burst of %d alerts from %d senders", c.alerts, c.concurrency)
	}
	fmt.Fprintf(w, "pageload %s: %s, one new alert (severity %q) per Alertmanager request, sweep %s\n", c.mode, s.desc, c.severity, c.sweep)
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
	sortDurations(r.latencies, r.answers, r.stages.queued, r.stages.resolved, r.stages.sent)
	fmt.Fprintf(w, "  ingest     %.0f alerts/s accepted; answer %s\n", float64(r.accepted)/r.sending.Seconds(), dist(r.answers))
	fmt.Fprintf(w, "  pages      %d of %d at the receiver, %d missing; %.0f pages/s (first alert sent → last page)\n",
		len(r.latencies), r.accepted, r.missing, float64(len(r.latencies))/r.lastPage.Sub(r.firstSent).Seconds())
	fmt.Fprintf(w, "  LATENCY    alert sent → first page received: %s\n", dist(r.latencies))
	fmt.Fprintf(w, "  stages     alert sent → page queued %s\n", dist(r.stages.queued))
	fmt.Fprintf(w, "             queued → resolved to ada %s\n", dist(r.stages.resolved))
	fmt.Fprintf(w, "             resolved → SMS received %s\n", dist(r.stages.sent))
	fmt.Fprintf(w, "  outbox     %d notifications, %d finished at %.0f/s (first alert sent → last finished), %d still queued or sending\n",
		r.stages.total, r.stages.finished, float64(r.stages.finished)/r.stages.lastFinish.Sub(r.firstSent).Seconds(), r.stages.total-r.stages.finished)
	fmt.Fprintf(w, "             per incident: %s\n", strings.Join(r.stages.fanOut(), ", "))
	footer(w, s, r.machine)
}

// reportEscalation prints an escalation run.
func reportEscalation(w io.Writer, c *config, s *server, r *escResult) {
	pace := "as fast as arqir takes them"
	if c.openRate > 0 {
		pace = fmt.Sprintf("at %d/s", c.openRate)
	}
	fmt.Fprintf(w, "pageload escalation: %s, %d incidents (severity %q) opened %s, %d alerts per request, sweep %s, ack window %s\n",
		s.desc, c.incidents, c.severity, pace, c.batch, c.sweep, s.app.Policies.Rules().Paging.AckWithin)
	fmt.Fprintf(w, "  opened     %d incidents in %s (%.0f/s), %d requests failed", r.opened, r.opening.Round(time.Millisecond), float64(r.opened)/r.opening.Seconds(), r.failed)
	if r.firstErr != "" {
		fmt.Fprintf(w, " (first: %s)", r.firstErr)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  first      %d first pages, the last %s after the first alert was sent\n", r.firstPages, r.firstDrain.Round(time.Millisecond))
	fmt.Fprintf(w, "  deadlines  %d due over %s; %d without an escalation page by the end, %d without a deadline\n",
		len(r.lateness)+r.missing, r.lastDue.Sub(r.firstDue).Round(time.Millisecond), r.missing, r.noDeadline)
	if len(r.lateness) > 0 {
		early := "never early"
		if r.lateness[0] < 0 {
			early = fmt.Sprintf("EARLY: %d pages before their deadline", countBelow(r.lateness, 0))
		}
		fmt.Fprintf(w, "  LATENESS   escalation page received − deadline due: %s; min %s (%s)\n", dist(r.lateness), ms(r.lateness[0]), early)
		fmt.Fprintf(w, "  stages     due → start of the sweep that breached it %s\n", dist(r.breach))
		fmt.Fprintf(w, "             breached → page received %s\n", dist(r.dispatch))
	}
	footer(w, s, r.machine)
}

func footer(w io.Writer, s *server, m machineUse) {
	dups, refused := s.recv.counts()
	errs, first := s.errs.summary()
	fmt.Fprintf(w, "  receiver   %d duplicate deliveries, %d refused; arqir logged %d errors", dups, refused, errs)
	if first != "" {
		fmt.Fprintf(w, " (first: %.200s)", first)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  machine    %s\n", m)
}

// dist is "p50 … p90 … p99 … max …" of sorted durations.
func dist(d []time.Duration) string {
	if len(d) == 0 {
		return "(none)"
	}
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s  (n=%d)", ms(pct(d, 50)), ms(pct(d, 90)), ms(pct(d, 99)), ms(d[len(d)-1]), len(d))
}

// pct is the p-th percentile of sorted durations (nearest rank).
func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

func sortDurations(ds ...[]time.Duration) {
	for _, d := range ds {
		slices.Sort(d)
	}
}

func countBelow(sorted []time.Duration, v time.Duration) int {
	n := 0
	for n < len(sorted) && sorted[n] < v {
		n++
	}
	return n
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
