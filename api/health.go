package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// readyTimeout bounds /readyz: a load balancer polls it and must get an
// answer, ready or not, before its own timeout.
const readyTimeout = 3 * time.Second

// statusBody is the answer of /healthz and /readyz.
type statusBody struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// handleHealthz says the process is alive; it checks nothing else, so an
// orchestrator restarts arqir only when arqir itself is stuck.
func (s *server) handleHealthz(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
	return nil
}

// handleReadyz says whether this replica can serve (its database answers):
// 503 with the reason takes it out of a load balancer until it can.
func (s *server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		s.logger.WarnContext(r.Context(), "not ready", "err", err)
		// /readyz needs no token, so the reason says only what is wrong;
		// the detail (hosts, users) is in the log.
		writeJSON(w, http.StatusServiceUnavailable, statusBody{Status: "unavailable", Reason: "the database is unreachable or its migrations are not applied; see the server log"})
		return nil
	}
	writeJSON(w, http.StatusOK, statusBody{Status: "ready"})
	return nil
}

// handleMetrics serves the registry in the Prometheus format.
func (s *server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	s.promHandler.ServeHTTP(w, r)
	return nil
}

// newPromHandler serves a registry. A collector that fails is logged and left
// out; the other series are still served, so one broken query does not blind
// every dashboard.
func newPromHandler(reg *prometheus.Registry, logger *slog.Logger) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      slog.NewLogLogger(logger.Handler(), slog.LevelError),
	})
}
