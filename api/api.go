// Package api is arqir's JSON HTTP API under /api/v1, plus the operational
// endpoints /healthz, /readyz and /metrics.
//
// Every route is one row of the table in routes.go: the same table registers
// the handlers and is checked against the committed OpenAPI document
// (openapi.json) by a test, so the two cannot drift apart. Handlers are
// recipes: decode, authorise, call the store, answer; every error goes through
// writeError (error.go), the one place that turns an error into a status.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arqir/arqir"
)

// Config is what the API needs from the rest of the program.
type Config struct {
	// Store keeps incidents, tokens and policy history. Required.
	Store arqir.Store
	// Policies is the active procedures-as-code policy. Required.
	Policies PolicyManager
	// Logger receives request logs and internal errors; default slog.Default().
	Logger *slog.Logger
	// Registry is where the API registers its collectors and what /metrics
	// serves; default a new registry. New registers on it, so pass a given
	// registry to New only once.
	Registry *prometheus.Registry
	// MetricsRequireToken makes /metrics need a viewer token. By default it
	// is public, because Prometheus scrapes without credentials unless told.
	MetricsRequireToken bool
	// Ready answers /readyz; default Store.Ping.
	Ready func(ctx context.Context) error
	// PublicURL is where monitoring tools reach arqir, without a trailing
	// slash (app.CheckPublicURL); the endpoint URLs of integrations start
	// with it. Empty: built from each request (see endpointBase).
	PublicURL string
	// Now is the clock acknowledge links expire by: the one that signs
	// them (the app's); default time.Now.
	Now func() time.Time

	// AckLinkKey verifies the acknowledge links in pages (/ack/{token});
	// the app fills it from Store.ServerSecret("ack-links"). Empty: those
	// routes answer 404 "acknowledge links are not configured".
	AckLinkKey []byte
	// SlackSigningSecret verifies every request from Slack (slash command
	// and buttons). Empty: the Slack routes answer 404.
	SlackSigningSecret string
	// SlackResponseURLPrefix is where replies to Slack buttons may be
	// posted besides https://hooks.slack.com/ (a fake Slack in tests and
	// arqir dev). Empty: only Slack's own host.
	SlackResponseURLPrefix string
	// PagerDutyWebhookSecret verifies PagerDuty V3 webhooks
	// (X-PagerDuty-Signature). Empty: the webhook route answers 404.
	PagerDutyWebhookSecret string
	// GitHubWebhookSecret verifies GitHub webhooks (X-Hub-Signature-256)
	// that take issues closed on GitHub back to their action items (T6).
	// Empty: the webhook route answers 404.
	GitHubWebhookSecret string
}

// maxBodyBytes bounds every request body: the largest legitimate one is a
// policy document, far below this, and a bound keeps one client from making
// the server buffer without end.
const maxBodyBytes = 1 << 20

// server holds the configuration the handlers share.
type server struct {
	store    arqir.Store
	policies PolicyManager
	logger   *slog.Logger
	registry *prometheus.Registry
	ready    func(ctx context.Context) error
	metrics  *httpMetrics

	publicURL string

	promHandler http.Handler

	metricsRequireToken bool

	now                    func() time.Time
	ackLinkKey             []byte
	slack                  *slackInbound // nil: Slack is not configured
	pagerDutyWebhookSecret string
	gitHubWebhookSecret    string
}

// New returns the API handler. Mount it at "/" (or at least for /api/,
// /healthz, /readyz and /metrics): the routes carry their full paths.
// It panics on a wiring mistake: Store or Policies missing, or a Registry
// that already holds the API's collectors (New called twice on it).
func New(cfg Config) http.Handler {
	if cfg.Store == nil || cfg.Policies == nil {
		panic("api.New: Config.Store and Config.Policies are required")
	}
	s := &server{
		store:               cfg.Store,
		policies:            cfg.Policies,
		logger:              cfg.Logger,
		registry:            cfg.Registry,
		ready:               cfg.Ready,
		metricsRequireToken: cfg.MetricsRequireToken,
		publicURL:           cfg.PublicURL,
		now:                 cfg.Now,
		ackLinkKey:          cfg.AckLinkKey,

		pagerDutyWebhookSecret: cfg.PagerDutyWebhookSecret,
		gitHubWebhookSecret:    cfg.GitHubWebhookSecret,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	if s.ready == nil {
		s.ready = cfg.Store.Ping
	}
	if cfg.SlackSigningSecret != "" {
		s.slack = newSlackInbound(cfg.SlackSigningSecret, cfg.SlackResponseURLPrefix, s.logger)
	}
	s.metrics = newHTTPMetrics(s.registry)
	s.registry.MustRegister(newStatsCollector(s.store, s.policies, s.logger))
	s.registry.MustRegister(newKPICollector(s.kpiReport, s.now, s.logger))
	s.promHandler = newPromHandler(s.registry, s.logger)
	return s.handler()
}

// handler registers every route of the table on a fresh mux and wraps the
// result in what applies to all responses.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	mux.Handle("/", s.unmatched(mux))
	return securityHeaders(mux)
}

// wrap is the per-route middleware chain, outermost first: metrics and the
// request log see the final status, recovery turns a panic into a logged 500,
// authentication runs before the handler.
func (s *server) wrap(rt route) http.Handler {
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := rt.handler(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
	if rt.role != rolePublic {
		h = s.authenticate(rt.role, h)
	}
	h = s.recoverPanic(h)
	return s.observe(rt.pattern, h)
}
