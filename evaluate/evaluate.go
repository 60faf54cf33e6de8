// Package evaluate is the built-in rule evaluator's decision core, for users
// without Alertmanager: given a rule, the previous state and the result of
// one query at now, it returns the next state and the alert events to feed
// into arqir's alert path (arqir.AlertService.Ingest). It is pure: the
// caller queries Prometheus, keeps the state and stores the events.
//
// Each label set of a rule's query result moves through the states
// Prometheus uses for alerting rules:
//
//	inactive ──condition holds──▶ pending ──held for Rule.For──▶ firing
//	    ▲                            │                             │
//	    └──────condition fails───────┘◀──────condition fails───────┘ (resolved event)
//
// Only two transitions emit an event: pending → firing (a firing event that
// starts when the condition began to hold) and firing → inactive (a
// resolved event). A label set missing from the result, or whose value is
// NaN, no longer holds the condition. A pending set whose condition fails
// starts over, so a flapping value shorter than For never fires.
//
// The caller adopts the next state only once the events are stored: if
// storing fails, stepping again from the previous state emits them again.
// A failed query is no result at all: do not step, so that a Prometheus
// outage neither invents nor resolves alerts.
package evaluate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// Rule is one alerting rule: a query whose values are compared with a
// threshold.
type Rule struct {
	// ID identifies the rule across evaluations and in dedup keys, e.g. "D1". Required.
	ID string
	// Alert is the alert name, set as the "alertname" label, e.g. "CPU".
	Alert string
	// Comparison is ">", ">=", "<" or "<="; anything else never holds.
	Comparison string
	Threshold  float64
	// For is how long the comparison must hold before the alert fires.
	For time.Duration
	// Labels are added to the result's labels (and win over them).
	Labels map[string]string
	// Annotations are copied to every alert; "value" is set to the value.
	Annotations map[string]string
	// Summary starts each alert's summary, e.g. "CPU > 80% for 5 minutes (D1)";
	// the value and the result's labels follow.
	Summary string
	// FormatValue writes a value for people, e.g. "93.5%"; nil: %g.
	FormatValue func(float64) string
	// Links are copied to every alert, e.g. the query in Prometheus's UI.
	Links []string
}

// Sample is one element of a query result: a label set and its value.
type Sample struct {
	Labels map[string]string
	Value  float64
}

// Series is the state of one label set of a rule that is pending or firing.
type Series struct {
	// Labels are the alert's labels: the result's, the rule's, alertname.
	Labels map[string]string
	// ActiveAt is when the condition began to hold: the alert's start.
	ActiveAt time.Time
	// Firing is false while pending.
	Firing bool
	// Value is the latest value.
	Value float64
}

// State is the pending and firing label sets of one rule, by dedup key.
// The zero State is a rule with nothing pending or firing. Step never
// modifies a State it is given.
type State map[string]Series

// Firing returns the number of firing label sets.
func (s State) Firing() int {
	n := 0
	for _, x := range s {
		if x.Firing {
			n++
		}
	}
	return n
}

// Step evaluates the rule on the samples of one query at now and returns
// the next state and the events of its transitions, firing events first,
// each group in dedup-key order.
func Step(prev State, r Rule, now time.Time, samples []Sample) (State, []arqir.AlertEvent) {
	next := make(State, len(prev))
	var fired, resolved []arqir.AlertEvent
	seen := map[string]bool{}
	for _, smp := range samples {
		key := DedupKey(r.ID, seriesLabels(smp.Labels))
		if seen[key] {
			continue // a vector never repeats a label set; keep the first if one does
		}
		seen[key] = true
		if !holds(r.Comparison, smp.Value, r.Threshold) {
			continue // inactive again: a pending set starts over, a firing one resolves below
		}
		s, ok := prev[key]
		if !ok {
			s = Series{ActiveAt: now}
		}
		s.Labels, s.Value = alertLabels(r, smp.Labels), smp.Value
		if !s.Firing && now.Sub(s.ActiveAt) >= r.For {
			s.Firing = true
			fired = append(fired, event(r, key, s, arqir.AlertFiring, time.Time{}))
		}
		next[key] = s
	}
	for key, s := range prev {
		if _, still := next[key]; !still && s.Firing {
			resolved = append(resolved, event(r, key, s, arqir.AlertResolved, now))
		}
	}
	byKey := func(a, b arqir.AlertEvent) int { return strings.Compare(a.DedupKey, b.DedupKey) }
	slices.SortFunc(fired, byKey)
	slices.SortFunc(resolved, byKey)
	return next, append(fired, resolved...)
}

// Restore returns the state with an alert that is firing according to the
// store, so that after a restart a condition that cleared meanwhile
// resolves it on the first evaluation instead of leaving it firing forever.
func (s State) Restore(key string, labels map[string]string, activeAt time.Time) State {
	next := maps.Clone(s)
	if next == nil {
		next = State{}
	}
	next[key] = Series{Labels: maps.Clone(labels), ActiveAt: activeAt, Firing: true, Value: math.NaN()}
	return next
}

// DedupKey identifies a label set of a rule across evaluations, restarts
// and policy changes: "evaluator:D1:" and a hash of the result's labels
// (without the metric name; the rule's own labels are not part of it, so
// changing the rule's severity keeps its alerts).
func DedupKey(ruleID string, labels map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		// Label names hold no NUL and Prometheus values rarely do; the
		// lengths keep distinct label sets distinct regardless.
		fmt.Fprintf(h, "%d:%s=%d:%s\x00", len(k), k, len(labels[k]), labels[k])
	}
	return "evaluator:" + ruleID + ":" + hex.EncodeToString(h.Sum(nil)[:12])
}

// seriesLabels are a sample's labels without the metric name, as
// Prometheus drops it from alerts.
func seriesLabels(sample map[string]string) map[string]string {
	out := make(map[string]string, len(sample))
	for k, v := range sample {
		if k != "__name__" {
			out[k] = v
		}
	}
	return out
}

// alertLabels are the labels of the alert of one sample: the sample's
// labels without the metric name, the rule's labels, and alertname.
func alertLabels(r Rule, sample map[string]string) map[string]string {
	out := seriesLabels(sample)
	maps.Copy(out, r.Labels)
	if r.Alert != "" {
		out["alertname"] = r.Alert
	}
	return out
}

// holds compares a value with the threshold; NaN never holds.
func holds(cmp string, v, threshold float64) bool {
	if math.IsNaN(v) {
		return false
	}
	switch cmp {
	case ">":
		return v > threshold
	case ">=":
		return v >= threshold
	case "<":
		return v < threshold
	case "<=":
		return v <= threshold
	}
	return false
}
