package api

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arqir/arqir"
)

// The KPI gauges cover the last 30 days, the scorecard's default window,
// labelled so a later window (7d, 365d) can sit beside it.
const (
	kpiMetricsWindow = defaultKPIWindow
	kpiMetricsLabel  = "30d"
)

// kpiRefresh is how old the cached scorecard may get. The KPIs move over
// days, and Prometheus may scrape every few seconds from several servers:
// computing them once a minute keeps the database out of the scrape path.
const kpiRefresh = time.Minute

// kpiCollector serves the KPI scorecard of the last 30 days as gauges,
// from a report it computes at most once per kpiRefresh by the API's clock.
type kpiCollector struct {
	report   func(ctx context.Context, q arqir.KPIQuery) (*arqir.KPIReport, error)
	now      func() time.Time
	logger   *slog.Logger
	value    *prometheus.Desc
	target   *prometheus.Desc
	pass     *prometheus.Desc
	mu       sync.Mutex // held across a refresh, so concurrent scrapes compute once
	cached   *arqir.KPIReport
	cachedAt time.Time
}

func newKPICollector(report func(ctx context.Context, q arqir.KPIQuery) (*arqir.KPIReport, error), now func() time.Time, logger *slog.Logger) *kpiCollector {
	return &kpiCollector{
		report: report, now: now, logger: logger,
		value: prometheus.NewDesc("arqir_kpi_value",
			"KPIs of the procedures (K1–K5) and compliance with their deadlines over the window, in seconds (times) or percent (rates); absent without data. Defined in docs/kpis.md.",
			[]string{"kpi", "window"}, nil),
		target: prometheus.NewDesc("arqir_kpi_target",
			"The active policy's target of a KPI, in seconds or percent; absent for a KPI without one.",
			[]string{"kpi"}, nil),
		pass: prometheus.NewDesc("arqir_kpi_pass",
			"1 when the KPI over the window meets its target, 0 when it misses it; absent without data or without a target.",
			[]string{"kpi", "window"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *kpiCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.value
	ch <- c.target
	ch <- c.pass
}

// Collect implements prometheus.Collector. A failing store is an invalid
// metric (logged) and the next scrape tries again; a stale scorecard is
// never served as if it were current past the refresh interval.
func (c *kpiCollector) Collect(ch chan<- prometheus.Metric) {
	r, err := c.current()
	if err != nil {
		c.logger.Error("metrics: compute KPIs", "err", err)
		ch <- prometheus.NewInvalidMetric(c.value, err)
		return
	}
	for _, k := range append(append([]arqir.KPI(nil), r.KPIs...), r.Compliance...) {
		if k.Value != nil {
			ch <- prometheus.MustNewConstMetric(c.value, prometheus.GaugeValue, *k.Value, k.ID, kpiMetricsLabel)
		}
		if k.Target != nil {
			ch <- prometheus.MustNewConstMetric(c.target, prometheus.GaugeValue, *k.Target, k.ID)
		}
		if k.Pass != nil {
			v := 0.0
			if *k.Pass {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(c.pass, prometheus.GaugeValue, v, k.ID, kpiMetricsLabel)
		}
	}
}

// current returns the cached scorecard, computing a new one when it is
// older than kpiRefresh or the clock went back (a replaced clock in tests,
// a corrected system clock).
func (c *kpiCollector) current() (*arqir.KPIReport, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now().UTC()
	if c.cached != nil && now.Sub(c.cachedAt) < kpiRefresh && !now.Before(c.cachedAt) {
		return c.cached, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), statsTimeout)
	defer cancel()
	r, err := c.report(ctx, arqir.KPIQuery{From: now.Add(-kpiMetricsWindow), To: now})
	if err != nil {
		return nil, err
	}
	c.cached, c.cachedAt = r, now
	return r, nil
}
