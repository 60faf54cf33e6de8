package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// The KPI scorecard is computed in the database: one aggregate query sums
// the rollup of the window's whole days (kpi_rollup.go) and the
// aggregates of its partial end days, computed from the incidents, into
// a row per week, severity and service. What comes into Go is those rows
// (a year is at most 53 weeks × severities × services), never incidents.

// Weeks start on Monday 00:00 UTC. The week is computed on the
// microsecond column, the same integer arithmetic on both databases:
// 1970-01-01 was a Thursday, so Mondays fall 4 days (weekOffset) past a
// multiple of a week. The double modulo keeps the week right before 1970,
// where SQL's % has the sign of the dividend.
const (
	weekMicros = int64(7 * 24 * time.Hour / time.Microsecond)
	weekOffset = int64(4 * 24 * time.Hour / time.Microsecond)
)

var weekOf = fmt.Sprintf("u.day - ((u.day - %d) %% %d + %d) %% %d", weekOffset, weekMicros, weekMicros, weekMicros)

// KPIAggregates returns the sums and counts of the incidents declared in
// [q.From, q.To), drills excluded, optionally of one service and one
// severity (in any letter case). Returns EINVALID for an empty or
// inverted window.
func (s *Store) KPIAggregates(ctx context.Context, q arqir.KPIQuery) (*arqir.KPIAggregates, error) {
	from, to := micros(storable(q.From)), micros(storable(q.To))
	if from >= to {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "from", "the window is empty or inverted: from must be before to (from %s, to %s)",
			storable(q.From).Format(time.RFC3339), storable(q.To).Format(time.RFC3339))
	}
	k := kpiRead{service: strings.TrimSpace(q.Service), severity: strings.TrimSpace(q.Severity)}
	if r := s.rules.Load(); r != nil {
		for _, name := range r.SeverityNames() {
			if strings.EqualFold(name, k.severity) {
				k.severity = name // the policy's spelling, as incidents store it
			}
		}
	}
	// Whole days [dayFrom, dayTo) come from the rollup; the rest of the
	// window, at most a day at either end, from the incidents.
	k.dayFrom, k.dayTo = startOfDay(from), startOfDay(to)
	if k.dayFrom < from {
		k.dayFrom += dayMicros
	}
	if k.dayFrom < k.dayTo {
		k.edges = [][2]int64{{from, k.dayFrom}, {k.dayTo, to}}
	} else {
		k.edges = [][2]int64{{from, to}}
	}
	agg := &arqir.KPIAggregates{ResponseBySeverity: map[string]arqir.Compliance{}, Weekly: []arqir.KPIWeekAggregates{}}
	if k.dayFrom < k.dayTo {
		stale, err := s.kpiStaleIn(ctx, k.dayFrom, k.dayTo)
		if err == nil && stale {
			err = s.refreshKPIDays(ctx, k.dayFrom, k.dayTo)
		}
		if err != nil {
			return nil, fmt.Errorf("compute KPI aggregates: %w", err)
		}
	}
	if err := s.readTx(ctx, func(tx *sql.Tx) error { return s.kpiAggregate(ctx, tx, k, agg) }); err != nil {
		return nil, fmt.Errorf("compute KPI aggregates: %w", err)
	}
	return agg, nil
}

// kpiRead is what one scorecard reads.
type kpiRead struct {
	service, severity string
	dayFrom, dayTo    int64      // whole days from the rollup, when dayFrom < dayTo
	edges             [][2]int64 // the rest, from the incidents; empty ranges are skipped
}

// kpiAggregate runs the scorecard's query in tx and sums its rows into agg.
func (s *Store) kpiAggregate(ctx context.Context, tx *sql.Tx, k kpiRead, agg *arqir.KPIAggregates) error {
	var ctes, sources []string
	var args []any
	for _, e := range k.edges {
		if e[0] < e[1] {
			name := fmt.Sprintf("e%d", len(ctes))
			ctes, sources = append(ctes, factsCTE(name)), append(sources, factsFrom(name))
			args = append(args, factsArgs(e[0], e[1])...)
		}
	}
	if k.dayFrom < k.dayTo {
		sources = append(sources, "SELECT day, severity, service, "+strings.Join(kpiSums, ", ")+" FROM kpi_days WHERE day >= ? AND day < ?")
		args = append(args, k.dayFrom, k.dayTo)
	}
	var conds []string
	if k.severity != "" {
		conds, args = append(conds, "u.severity = ?"), append(args, k.severity)
	}
	if k.service != "" {
		conds, args = append(conds, "u.service = ?"), append(args, k.service)
	}
	query := "SELECT " + weekOf + ", u.severity, u.service, " + kpiTotals("u") + " FROM (" + strings.Join(sources, " UNION ALL ") + ") u"
	if len(ctes) > 0 {
		query = "WITH " + strings.Join(ctes, ", ") + " " + query
	}
	if len(conds) > 0 {
		query += " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := tx.QueryContext(ctx, s.q(query+" GROUP BY 1, 2, 3"), args...)
	if err != nil {
		return fmt.Errorf("aggregate the KPI rollup: %w", err)
	}
	defer rows.Close()
	weeks := map[int64]*arqir.KPIWeekAggregates{}
	type span struct {
		n        int
		min, max int64
	}
	services := map[string]*span{}
	for rows.Next() {
		var (
			week               int64
			severity, service  string
			r                  kpiRow
			minImpact, maxImpa sql.NullInt64
		)
		err := rows.Scan(&week, &severity, &service, &r.incidents, &r.resolved, &r.resolveDetected, &r.resolveImpact, &r.detectImpact,
			&r.automated, &r.falsePositive, &minImpact, &maxImpa, &r.responseMet, &r.responseMissed, &r.noticeMet, &r.noticeMissed,
			&r.updateMet, &r.updateMissed, &r.rcaMet, &r.rcaMissed)
		if err != nil {
			return fmt.Errorf("aggregate the KPI rollup: %w", err)
		}
		// Without a service filter the '*' rows count every incident once
		// and the per-service rows give the time between failures; with
		// one, that service's rows give both.
		if k.service != "" || service == "*" {
			w := weeks[week]
			if w == nil {
				w = &arqir.KPIWeekAggregates{Week: fromMicros(week)}
				weeks[week] = w
			}
			r.addTo(agg, w, severity)
		}
		if service != "*" && minImpact.Valid {
			sp := services[service]
			if sp == nil {
				sp = &span{min: minImpact.Int64, max: maxImpa.Int64}
				services[service] = sp
			}
			sp.n += r.incidents
			sp.min, sp.max = min(sp.min, minImpact.Int64), max(sp.max, maxImpa.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("aggregate the KPI rollup: %w", err)
	}
	for _, sp := range services {
		agg.BetweenFailureGaps += sp.n - 1
		agg.SumBetweenFailure += sp.max - sp.min
	}
	for _, w := range weeks {
		agg.Weekly = append(agg.Weekly, *w)
	}
	sort.Slice(agg.Weekly, func(i, j int) bool { return agg.Weekly[i].Week.Before(agg.Weekly[j].Week) })
	return nil
}

// kpiRow is one row of the scorecard's query: a week, severity and service.
type kpiRow struct {
	incidents, resolved                          int
	resolveDetected, resolveImpact, detectImpact int64
	automated, falsePositive                     int
	responseMet, responseMissed                  int
	noticeMet, noticeMissed                      int
	updateMet, updateMissed                      int
	rcaMet, rcaMissed                            int
}

// addTo adds the row to the totals, its week and the compliance counts.
func (r kpiRow) addTo(agg *arqir.KPIAggregates, w *arqir.KPIWeekAggregates, severity string) {
	agg.Incidents += r.incidents
	agg.Resolved += r.resolved
	agg.SumResolveDetected += r.resolveDetected
	agg.SumResolveImpact += r.resolveImpact
	agg.SumDetectImpact += r.detectImpact
	agg.Automated += r.automated
	// Opened by alerts is detected automatically: ingest opens every such
	// incident, and a person declaring one says monitoring found it.
	agg.AlertOpened += r.automated
	agg.AlertFalsePositive += r.falsePositive
	w.Incidents += r.incidents
	w.Resolved += r.resolved
	w.SumResolveDetected += r.resolveDetected
	w.SumDetectImpact += r.detectImpact
	w.Automated += r.automated
	w.AlertOpened += r.automated
	w.AlertFalsePositive += r.falsePositive
	if r.responseMet+r.responseMissed > 0 {
		c := agg.ResponseBySeverity[severity]
		c.Met, c.Missed = c.Met+r.responseMet, c.Missed+r.responseMissed
		agg.ResponseBySeverity[severity] = c
	}
	agg.InitialNotice.Met += r.noticeMet
	agg.InitialNotice.Missed += r.noticeMissed
	agg.StatusUpdates.Met += r.updateMet
	agg.StatusUpdates.Missed += r.updateMissed
	agg.RCAWithinDeadline.Met += r.rcaMet
	agg.RCAWithinDeadline.Missed += r.rcaMissed
}
