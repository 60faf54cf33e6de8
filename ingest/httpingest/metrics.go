package httpingest

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics count and time ingest requests by kind. The kind label is a
// known integration kind or "unknown", never taken from the raw path, so
// the number of series stays bounded whatever senders request.
type metrics struct {
	requests *prometheus.CounterVec
	alerts   *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// durationBuckets span a durable commit (milliseconds, fsync included) to
// a sender's timeout (Datadog gives up after 15 s).
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 15}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arqir_ingest_requests_total",
			Help: "Inbound alert requests answered, by integration kind and HTTP status code.",
		}, []string{"kind", "code"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arqir_ingest_alerts_total",
			Help: "Alert events committed by inbound requests, by integration kind; retries answered from the first result are not counted again.",
		}, []string{"kind"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arqir_ingest_request_duration_seconds",
			Help:    "Time to answer inbound alert requests, durable commit included, by integration kind.",
			Buckets: durationBuckets,
		}, []string{"kind"}),
	}
	reg.MustRegister(m.requests, m.alerts, m.duration)
	return m
}

func (m *metrics) observe(out *outcome, elapsed time.Duration) {
	m.requests.WithLabelValues(out.kind, strconv.Itoa(out.status)).Inc()
	m.duration.WithLabelValues(out.kind).Observe(elapsed.Seconds())
	if out.status < 300 && !out.replayed && out.alerts > 0 {
		m.alerts.WithLabelValues(out.kind).Add(float64(out.alerts))
	}
}
