package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// report prints one run's numbers.
func report(w io.Writer, c *config, s *server, r *result) {
	keys := "distinct keys"
	if c.keys > 0 {
		keys = fmt.Sprintf("%d distinct keys (duplicate-heavy)", c.keys)
	}
	mode := fmt.Sprintf("full speed, %d clients", c.concurrency)
	if c.rate > 0 {
		mode = fmt.Sprintf("open loop at %d alerts/s", c.rate)
	}
	fmt.Fprintf(w, "ingestload: %s; batch %d, %s, %s\n", s.desc, c.batch, keys, mode)
	secs := r.elapsed.Seconds()
	fmt.Fprintf(w, "  sent      %d requests, %d alerts answered 200 in %.1fs; %d failed\n", r.requests, r.alerts, secs, r.failed)
	if r.failed > 0 {
		fmt.Fprintf(w, "  failures  %v; first: %.300s\n", r.statuses, r.firstErr)
	}
	if r.requests == 0 {
		return
	}
	fmt.Fprintf(w, "  rate      %.0f requests/s, %.0f alerts/s\n", float64(r.requests)/secs, float64(r.alerts)/secs)
	lat := slices.Clone(r.latencies)
	slices.Sort(lat)
	answered := "durable commit included"
	if s.peer {
		answered = "answered once the alerts are in Alertmanager's memory"
	}
	fmt.Fprintf(w, "  latency   p50 %s  p90 %s  p99 %s  max %s (per request, %s)\n",
		ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(lat[len(lat)-1]), answered)
	if c.rate > 0 && r.lateStarts > 0 {
		fmt.Fprintf(w, "  late      %d requests left the sender more than 10 ms after their time (client or server saturated)\n", r.lateStarts)
	}
	cpu := r.after.CPU - r.before.CPU
	fmt.Fprintf(w, "  server    CPU %.2fs = %.1f µs per alert (%.0f%% of one core); RSS %s after",
		cpu.Seconds(), float64(cpu.Microseconds())/float64(r.alerts), 100*cpu.Seconds()/secs, mib(r.after.RSS))
	if r.after.PeakRSS > 0 {
		fmt.Fprintf(w, ", peak %s", mib(r.after.PeakRSS))
	}
	fmt.Fprintln(w)
	if r.settled.CPU > 0 {
		fmt.Fprintf(w, "  after     server CPU +%.2fs in the %s after the last answer\n", (r.settled.CPU - r.after.CPU).Seconds(), settle)
	}
	if r.dbCPU > 0 {
		fmt.Fprintf(w, "  database  PostgreSQL CPU %.2fs = %.1f µs per alert (all local postgres processes)\n", r.dbCPU.Seconds(), float64(r.dbCPU.Microseconds())/float64(r.alerts))
	}
	fmt.Fprintf(w, "  client    CPU %.2fs (this tool, on the same machine); load average before the run %s\n", r.clientCPU.Seconds(), r.loadBefore)
}

// pct is the p-th percentile of sorted durations (nearest rank).
func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
