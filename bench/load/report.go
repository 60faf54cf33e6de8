package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// report is the outcome of one run of the tool.
type report struct {
	Mode        string         `json:"mode"`
	Date        string         `json:"date"`
	Target      string         `json:"target"`
	Clients     int            `json:"clients"`
	Seeded      int            `json:"seeded,omitempty"`
	SeedSeconds float64        `json:"seed_seconds,omitempty"`
	Phases      []*phaseResult `json:"phases,omitempty"`
	Startup     *startupResult `json:"startup,omitempty"`
}

func (r *report) print(w io.Writer, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(r)
		return
	}
	fmt.Fprintf(w, "%s  %s  clients=%d\n", r.Mode, r.Target, r.Clients)
	if r.Seeded > 0 {
		fmt.Fprintf(w, "seeded %d incidents in %.1fs\n", r.Seeded, r.SeedSeconds)
	}
	if s := r.Startup; s != nil {
		s.print(w)
	}
	if len(r.Phases) > 0 {
		printPhases(w, r.Phases)
	}
}

func printPhases(w io.Writer, phases []*phaseResult) {
	fmt.Fprintf(w, "%-44s %7s %9s %8s %8s %8s %8s %8s\n", "phase", "ops", "ops/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms")
	for _, p := range phases {
		row := func(name string, ops int, rate string, l latency) {
			fmt.Fprintf(w, "%-44s %7s %9s %8.2f %8.2f %8.2f %8.2f %8.2f\n", name, opsCell(ops), rate, l.P50, l.P90, l.P99, l.Max, l.Mean)
		}
		row(p.Name, p.Ops, fmt.Sprintf("%.1f", p.OpsPerSec), p.Latency)
		names := make([]string, 0, len(p.Steps))
		for k := range p.Steps {
			names = append(names, k)
		}
		slices.SortFunc(names, func(a, b string) int { return stepOrder(a) - stepOrder(b) })
		for _, k := range names {
			row("  "+k, -1, "", p.Steps[k])
		}
		var notes []string
		if p.Contention.contended() {
			notes = append(notes, "CONTENDED")
		}
		notes = append(notes, fmt.Sprintf("load %.0f%% of the machine, %s", p.Contention.LoadCPU, p.Contention))
		if p.CPUPerOp > 0 {
			notes = append(notes, fmt.Sprintf("tool CPU %.2f ms/op", p.CPUPerOp))
		}
		if p.KBPerOp > 0 {
			notes = append(notes, fmt.Sprintf("%.1f kB/op received", p.KBPerOp))
		}
		if p.RowsPerOp > 0 {
			notes = append(notes, fmt.Sprintf("%.1f incidents/page", p.RowsPerOp))
		}
		if p.TimeCapHit {
			notes = append(notes, fmt.Sprintf("time cap reached after %d of %d ops", p.Ops, p.Requested))
		}
		if p.Error != "" {
			notes = append(notes, "stopped: "+p.Error)
		}
		if len(notes) > 0 {
			fmt.Fprintf(w, "  (%s)\n", strings.Join(notes, "; "))
		}
	}
}

// contendedPct is the share of the machine other work may use before a
// phase is flagged as measuring it too.
const contendedPct = 10

func opsCell(n int) string {
	if n < 0 {
		return ""
	}
	return fmt.Sprint(n)
}

func stepOrder(s string) int {
	return strings.Index("declare acknowledge resolve", s)
}
