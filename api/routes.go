package api

import (
	"net/http"

	"github.com/arqir/arqir"
)

// rolePublic marks a route that needs no token.
const rolePublic arqir.Role = ""

// route is one row of the API: the method and path pattern (Go 1.22 ServeMux
// syntax, {name} for a path segment), the least role that may call it, and
// the handler. The same pattern is the "route" label of the HTTP metrics.
type route struct {
	method  string
	pattern string
	role    arqir.Role
	handler handlerFunc
}

// handlerFunc is a handler that returns its error instead of answering it,
// so that every error reaches writeError and no handler forgets to return
// after answering one.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// routes is the whole API in one table. It registers the handlers and feeds
// the test that checks openapi.json describes exactly these routes.
// There is deliberately no route that updates or deletes a timeline event (R6).
func (s *server) routes() []route {
	viewer, responder, admin := arqir.RoleViewer, arqir.RoleResponder, arqir.RoleAdmin
	metricsRole := rolePublic
	if s.metricsRequireToken {
		metricsRole = viewer
	}
	return []route{
		{"GET", "/healthz", rolePublic, s.handleHealthz},
		{"GET", "/readyz", rolePublic, s.handleReadyz},
		{"GET", "/metrics", metricsRole, s.handleMetrics},
		{"GET", "/api/v1/openapi.json", rolePublic, s.handleOpenAPI},
		{"GET", "/api/v1/me", viewer, s.handleMe},

		{"POST", "/api/v1/incidents", responder, s.handleDeclare},
		{"GET", "/api/v1/incidents", viewer, s.handleListIncidents},
		{"GET", "/api/v1/incidents/{id}", viewer, s.handleGetIncident},
		{"GET", "/api/v1/incidents/{id}/timeline", viewer, s.handleTimeline},
		{"POST", "/api/v1/incidents/{id}/acknowledge", responder, s.handleAcknowledge},
		{"POST", "/api/v1/incidents/{id}/severity", responder, s.handleChangeSeverity},
		{"POST", "/api/v1/incidents/{id}/status", responder, s.handleChangeStatus},
		{"POST", "/api/v1/incidents/{id}/roles", responder, s.handleAssignRoles},
		{"POST", "/api/v1/incidents/{id}/notes", responder, s.handleAddNote},
		{"POST", "/api/v1/incidents/{id}/checklist/{item}", responder, s.handleTickChecklist},
		{"POST", "/api/v1/incidents/{id}/resolve", responder, s.handleResolve},
		{"POST", "/api/v1/incidents/{id}/reopen", responder, s.handleReopen},

		{"GET", "/api/v1/policy", viewer, s.handleGetPolicy},
		{"GET", "/api/v1/policy/history", viewer, s.handlePolicyHistory},
		{"PUT", "/api/v1/policy", admin, s.handleApplyPolicy},

		{"GET", "/api/v1/tokens", admin, s.handleListTokens},
		{"POST", "/api/v1/tokens", admin, s.handleCreateToken},
		{"DELETE", "/api/v1/tokens/{id}", admin, s.handleRevokeToken},
	}
}

// unmatched answers requests no route matches with a JSON error: 405 (with
// Allow) when the path exists under other methods, else 404. A catch-all
// pattern would otherwise hide the mux's own 405 behind a 404.
func (s *server) unmatched(mux *http.ServeMux) http.Handler {
	return s.observe("unmatched", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			s.writeError(w, r, &methodNotAllowed{method: r.Method, path: r.URL.Path, allowed: allowed})
			return
		}
		s.writeError(w, r, arqir.Errorf(arqir.ENOTFOUND, "no API route %s %s: the routes are listed in /api/v1/openapi.json", r.Method, r.URL.Path))
	}))
}
