package kpi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/arqir/arqir"
)

// Compute is the scorecard of a window: the KPIs of the procedures against
// the policy's targets, the compliance measures and the weekly trend. A
// measure without samples has no value, no pass and displays "no data".
//
// severities, most severe first (the policy's order), lists a response
// measure for each, with "no data" for those without deadlines; a
// severity the aggregates have and the list lacks (one a later policy
// dropped) still gets its measure, after them. Without the list, the
// aggregates' severities are listed in natural order (SEV2 before SEV10).
// A query for one severity lists that severity only.
func Compute(agg *arqir.KPIAggregates, q arqir.KPIQuery, targets []arqir.KPITarget, severities ...string) *arqir.KPIReport {
	if agg == nil {
		agg = &arqir.KPIAggregates{}
	}
	t := targetsByID(targets)
	r := &arqir.KPIReport{
		From: q.From.UTC(), To: q.To.UTC(), Service: q.Service, Severity: q.Severity,
		KPIs: []arqir.KPI{
			t.measure(MTTR, mean(agg.SumResolveDetected, agg.Resolved), agg.Resolved),
			t.measure(MTTRImpact, mean(agg.SumResolveImpact, agg.Resolved), agg.Resolved),
			t.measure(MTTK, mean(agg.SumDetectImpact, agg.Incidents), agg.Incidents),
			t.measure(MTBF, mean(agg.SumBetweenFailure, agg.BetweenFailureGaps), agg.BetweenFailureGaps),
			t.measure(DetectionRate, rate(agg.Automated, agg.Incidents), agg.Incidents),
			t.measure(FalsePositiveRate, rate(agg.AlertFalsePositive, agg.AlertOpened), agg.AlertOpened),
		},
	}
	sevs := responseSeverities(agg.ResponseBySeverity, q.Severity, severities)
	r.Compliance = make([]arqir.KPI, 0, len(sevs)+3)
	for _, sev := range sevs {
		d := definition{ResponsePrefix + sev, responseClause(sev, severities), sev + " acknowledged within the response target", UnitPercent}
		r.Compliance = append(r.Compliance, share(d, agg.ResponseBySeverity[sev]))
	}
	r.Compliance = append(r.Compliance,
		share(initialNotice, agg.InitialNotice),
		share(statusUpdates, agg.StatusUpdates),
		share(rcaInTime, agg.RCAWithinDeadline),
	)
	r.Weekly = t.weeks(agg.Weekly, q)
	return r
}

// targets are the policy's KPI targets by ID.
type targets map[string]arqir.KPITarget

func targetsByID(list []arqir.KPITarget) targets {
	t := targets{}
	for _, k := range list {
		if _, dup := t[k.ID]; !dup { // the policy refuses duplicates; the first wins anyway
			t[k.ID] = k
		}
	}
	return t
}

// measure is one KPI with its target. The policy's title and clause, when
// it gives them, are the ones people read in its rendered procedures.
func (t targets) measure(id string, value *float64, samples int) arqir.KPI {
	d := lookup(id)
	k := arqir.KPI{ID: id, Clause: d.clause, Title: d.title, Unit: d.unit, Value: value, Samples: samples}
	if tg, ok := t[id]; ok {
		if tg.Title != "" {
			k.Title = tg.Title
		}
		if tg.Clause != "" {
			k.Clause = tg.Clause
		}
		target := tg.Target
		k.Target, k.Comparison = &target, tg.Comparison
		if value != nil {
			k.Pass = passes(*value, tg.Comparison, target)
		}
	}
	k.Display = display(d.unit, value)
	return k
}

// passes applies the target strictly: an MTTR of exactly 30 minutes does
// not meet "< 30m". An unknown comparison has no verdict.
func passes(value float64, comparison string, target float64) *bool {
	var ok bool
	switch comparison {
	case Below:
		ok = value < target
	case Above:
		ok = value > target
	default:
		return nil
	}
	return &ok
}

// share is a compliance measure: the percentage of deadlines met among
// those met or missed. No policy target exists for it, so it has no pass.
func share(d definition, c arqir.Compliance) arqir.KPI {
	n := c.Met + c.Missed
	k := arqir.KPI{ID: d.id, Clause: d.clause, Title: d.title, Unit: d.unit, Value: rate(c.Met, n), Samples: n, Display: NoData}
	if k.Value != nil {
		k.Display = fmt.Sprintf("%d/%d (%s)", c.Met, n, FormatPercent(*k.Value))
	}
	return k
}

// mean is a sum of microseconds over n, in seconds; nil without samples.
func mean(sumMicros int64, n int) *float64 {
	if n <= 0 {
		return nil
	}
	v := float64(sumMicros) / float64(n) / 1e6
	return &v
}

// rate is part of whole in percent; nil when whole is 0 (no division by zero).
func rate(part, whole int) *float64 {
	if whole <= 0 {
		return nil
	}
	v := 100 * float64(part) / float64(whole)
	return &v
}

func display(unit string, v *float64) string {
	if v == nil {
		return NoData
	}
	return FormatValue(unit, *v)
}

// responseSeverities lists the severities that get a response measure.
func responseSeverities(counts map[string]arqir.Compliance, only string, policy []string) []string {
	if only != "" {
		return []string{only}
	}
	out := append([]string(nil), policy...)
	var extra []string
	for sev := range counts {
		if !slices.Contains(out, sev) {
			extra = append(extra, sev)
		}
	}
	slices.SortFunc(extra, naturalCompare)
	return append(out, extra...)
}

// responseClause is the clause of a severity: the procedures number their
// four levels S1–S4, most severe first, so it is the severity's place in
// the policy's order. Without that order, or past the fourth level, no
// clause is claimed.
func responseClause(sev string, policy []string) string {
	i := slices.Index(policy, sev)
	if i < 0 || i >= 4 {
		return ""
	}
	return fmt.Sprintf("S%d", i+1)
}

// naturalCompare orders names comparing runs of digits as numbers, so
// SEV2 comes before SEV10.
func naturalCompare(a, b string) int {
	switch {
	case naturalLess(a, b):
		return -1
	case naturalLess(b, a):
		return 1
	}
	return 0
}

func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
