package api

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arqir/arqir"
)

// httpMetrics count and time requests per route pattern. The label is the
// pattern ("/api/v1/incidents/{id}"), never the raw path, so the number of
// series stays bounded whatever clients request.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arqir_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arqir_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method and route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) observe(method, route string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(elapsed.Seconds())
}

// statsCollector reads the incident numbers from the store at scrape time:
// the database is the truth shared by every replica, so a counter kept in
// one process's memory would be wrong as soon as there are two.
type statsCollector struct {
	store    arqir.IncidentService
	policies PolicyManager
	logger   *slog.Logger
	open     *prometheus.Desc
	breaches *prometheus.Desc
}

// statsTimeout bounds the store query of one scrape; Prometheus gives up on
// a scrape after 10 s by default.
const statsTimeout = 5 * time.Second

func newStatsCollector(store arqir.IncidentService, policies PolicyManager, logger *slog.Logger) *statsCollector {
	return &statsCollector{
		store: store, policies: policies, logger: logger,
		open: prometheus.NewDesc("arqir_incidents_open",
			"Unresolved incidents by severity; every severity of the active policy is present.",
			[]string{"severity"}, nil),
		breaches: prometheus.NewDesc("arqir_deadline_breaches_total",
			"Deadlines of the procedures that passed unmet, ever recorded, by deadline kind (response, initial_notice, status_update, update_overdue, page_ack, rca).",
			[]string{"kind"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.open
	ch <- c.breaches
}

// Collect implements prometheus.Collector. A failing store is reported as an
// invalid metric: the scrape still serves every other series and the
// error is logged.
func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), statsTimeout)
	defer cancel()
	stats, err := c.store.Stats(ctx)
	if err != nil {
		c.logger.Error("metrics: read incident stats", "err", err)
		ch <- prometheus.NewInvalidMetric(c.open, err)
		return
	}
	// Every policy severity gets a series, zero included, so a dashboard or
	// alert on "SEV1 open > 0" sees 0 rather than no data.
	counts := map[string]int{}
	for _, name := range c.policies.Rules().SeverityNames() {
		counts[name] = 0
	}
	for sev, n := range stats.OpenBySeverity {
		counts[sev] += n
	}
	for sev, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(n), sev)
	}
	// Breaches by kind: a page_ack breach is the chain escalating as
	// designed, routine whenever a first page goes unanswered; an alert on
	// the total would fire for that. Every known kind is present, zero
	// included, so rate() over a kind never breached yet is 0, not no data.
	breaches := map[string]int{}
	for _, kind := range deadlineKinds {
		breaches[kind] = 0
	}
	for kind, n := range stats.BreachesByKind {
		breaches[kind] += n
	}
	for kind, n := range breaches {
		ch <- prometheus.MustNewConstMetric(c.breaches, prometheus.CounterValue, float64(n), kind)
	}
}

// deadlineKinds are the deadline kinds of the procedures, each a series of
// arqir_deadline_breaches_total from the first scrape.
var deadlineKinds = []string{
	arqir.DeadlineResponse, arqir.DeadlineInitialNotice, arqir.DeadlineStatusUpdate,
	arqir.DeadlineUpdateOverdue, arqir.DeadlinePageAck, arqir.DeadlineRCA,
}
