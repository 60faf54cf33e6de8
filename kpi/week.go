package kpi

import (
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// week is the length of a trend bucket.
const week = 7 * 24 * time.Hour

// WeekStart is the start of the trend week holding t: Monday 00:00 UTC,
// the bucket the store groups incidents by (declaration time).
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	back := (int(day.Weekday()) + 6) % 7 // days since Monday
	return day.AddDate(0, 0, -back)
}

// weeks is the trend: one entry for every week the window touches, in
// order, so a week without incidents shows as "no data" instead of
// vanishing from a chart. The first and last weeks may be partial: only
// incidents declared inside the window count. A bucket the store returned
// outside the window (it should not) is kept rather than hidden.
func (t targets) weeks(buckets []arqir.KPIWeekAggregates, q arqir.KPIQuery) []arqir.KPIWeek {
	byWeek := map[time.Time]arqir.KPIWeekAggregates{}
	for _, b := range buckets {
		byWeek[WeekStart(b.Week)] = b
	}
	var starts []time.Time
	if q.From.Before(q.To) {
		for w := WeekStart(q.From); w.Before(q.To); w = w.Add(week) {
			starts = append(starts, w)
		}
	}
	inWindow := len(starts)
	for w := range byWeek {
		if _, found := slices.BinarySearchFunc(starts[:inWindow], w, time.Time.Compare); !found {
			starts = append(starts, w)
		}
	}
	slices.SortFunc(starts, time.Time.Compare)

	out := make([]arqir.KPIWeek, 0, len(starts))
	for _, w := range starts {
		b := byWeek[w]
		values := map[string]struct {
			v *float64
			n int
		}{
			MTTR:              {mean(b.SumResolveDetected, b.Resolved), b.Resolved},
			MTTK:              {mean(b.SumDetectImpact, b.Incidents), b.Incidents},
			DetectionRate:     {rate(b.Automated, b.Incidents), b.Incidents},
			FalsePositiveRate: {rate(b.AlertFalsePositive, b.AlertOpened), b.AlertOpened},
		}
		wk := arqir.KPIWeek{Week: w, KPIs: make([]arqir.KPI, 0, len(weekly))}
		for _, id := range weekly {
			wk.KPIs = append(wk.KPIs, t.measure(id, values[id].v, values[id].n))
		}
		out = append(out, wk)
	}
	return out
}
