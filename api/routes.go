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
// Inbound alerts are not here: ingest/httpingest serves /ingest/{kind},
// authenticated by integration credentials instead of API tokens.
func (s *server) routes() []route {
	viewer, responder, admin, reporter := arqir.RoleViewer, arqir.RoleResponder, arqir.RoleAdmin, arqir.RoleReporter
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
		{"POST", "/api/v1/incidents/{id}/false-positive", responder, s.handleIncidentFalsePositive},
		{"POST", "/api/v1/incidents/{id}/updates", responder, s.handlePostUpdate},
		{"GET", "/api/v1/incidents/{id}/notifications", viewer, s.handleNotifications},

		{"POST", "/api/v1/reports", reporter, s.handleReport},

		// After the incident (P1–P4, I4, I6, T6): the RCA of a resolved
		// incident, its review meeting and feedback, and action items.
		{"GET", "/api/v1/rcas", viewer, s.handleListRCAs},
		{"GET", "/api/v1/incidents/{id}/rca", viewer, s.handleGetRCA},
		{"GET", "/api/v1/incidents/{id}/rca/export", viewer, s.handleExportRCA},
		{"PUT", "/api/v1/incidents/{id}/rca/sections/{section}", responder, s.handleEditRCASection},
		{"POST", "/api/v1/incidents/{id}/rca/state", responder, s.handleSetRCAState},
		{"POST", "/api/v1/incidents/{id}/rca/meeting", responder, s.handleScheduleRCAMeeting},
		{"POST", "/api/v1/incidents/{id}/rca/meeting/held", responder, s.handleRecordRCAMeeting},
		{"POST", "/api/v1/incidents/{id}/rca/feedback", responder, s.handleAddRCAFeedback},
		{"POST", "/api/v1/incidents/{id}/action-items", responder, s.handleCreateActionItem},
		{"GET", "/api/v1/action-items", viewer, s.handleListActionItems},
		{"GET", "/api/v1/action-items/{id}", viewer, s.handleGetActionItem},
		{"PATCH", "/api/v1/action-items/{id}", responder, s.handleUpdateActionItem},

		// The KPI scorecard (K1–K5, S1–S4, C1, C2, P1, I3): docs/kpis.md.
		{"GET", "/api/v1/kpis", viewer, s.handleKPIs},

		{"GET", "/api/v1/integrations/kinds", viewer, s.handleIntegrationKinds},
		{"GET", "/api/v1/integrations", viewer, s.handleListIntegrations},
		{"POST", "/api/v1/integrations", admin, s.handleCreateIntegration},
		{"GET", "/api/v1/integrations/{id}", viewer, s.handleGetIntegration},
		{"POST", "/api/v1/integrations/{id}/rotate", admin, s.handleRotateIntegration},
		{"DELETE", "/api/v1/integrations/{id}", admin, s.handleRevokeIntegration},

		{"GET", "/api/v1/alerts", viewer, s.handleListAlerts},
		{"GET", "/api/v1/alerts/{id}", viewer, s.handleGetAlert},
		{"POST", "/api/v1/alerts/{id}/false-positive", responder, s.handleAlertFalsePositive},

		{"GET", "/api/v1/policy", viewer, s.handleGetPolicy},
		{"GET", "/api/v1/policy/history", viewer, s.handlePolicyHistory},
		{"PUT", "/api/v1/policy", admin, s.handleApplyPolicy},

		{"GET", "/api/v1/tokens", admin, s.handleListTokens},
		{"POST", "/api/v1/tokens", admin, s.handleCreateToken},
		{"DELETE", "/api/v1/tokens/{id}", admin, s.handleRevokeToken},

		// On-call (O1–O6, X1): people and teams, the contacts directory,
		// schedules with their participants and overrides, the questions
		// (who is on call, shifts), handoffs, post-shift, calendars.
		{"GET", "/api/v1/users", viewer, s.handleListUsers},
		{"POST", "/api/v1/users", admin, s.handleCreateUser},
		{"GET", "/api/v1/users/{handle}", viewer, s.handleGetUser},
		{"PATCH", "/api/v1/users/{handle}", admin, s.handleUpdateUser},
		{"DELETE", "/api/v1/users/{handle}", admin, s.handleDeleteUser},
		{"GET", "/api/v1/users/{handle}/shifts", viewer, s.handleUserShifts},
		{"GET", "/api/v1/teams", viewer, s.handleListTeams},
		{"POST", "/api/v1/teams", admin, s.handleCreateTeam},
		{"GET", "/api/v1/teams/{name}", viewer, s.handleGetTeam},
		{"PUT", "/api/v1/teams/{name}/members/{handle}", admin, s.handleAddTeamMember},
		{"DELETE", "/api/v1/teams/{name}/members/{handle}", admin, s.handleRemoveTeamMember},
		{"GET", "/api/v1/contacts", viewer, s.handleContacts},
		{"PUT", "/api/v1/contacts/{id}", admin, s.handleAssignContact},
		{"DELETE", "/api/v1/contacts/{id}", admin, s.handleUnassignContact},

		{"GET", "/api/v1/oncall", viewer, s.handleOnCall},
		{"GET", "/api/v1/oncall/availability", viewer, s.handleAvailability},
		{"GET", "/api/v1/schedules", viewer, s.handleListSchedules},
		{"GET", "/api/v1/schedules/{name}", viewer, s.handleGetSchedule},
		{"PUT", "/api/v1/schedules/{name}/participants", admin, s.handleSetParticipants},
		{"GET", "/api/v1/schedules/{name}/shifts", viewer, s.handleScheduleShifts},
		{"POST", "/api/v1/schedules/{name}/overrides", responder, s.handleAddOverride},
		{"DELETE", "/api/v1/schedules/{name}/overrides/{id}", responder, s.handleRemoveOverride},
		{"POST", "/api/v1/schedules/{name}/swaps", responder, s.handleSwap},
		{"GET", "/api/v1/schedules/{name}/handoff-notes", viewer, s.handleHandoffNotes},
		{"POST", "/api/v1/schedules/{name}/handoff-notes", responder, s.handleAddHandoffNote},
		{"GET", "/api/v1/schedules/{name}/handoffs", viewer, s.handleListHandoffs},
		{"GET", "/api/v1/handoffs/{id}", viewer, s.handleGetHandoff},
		{"GET", "/api/v1/schedules/{name}/shifts/{start}/post-shift", viewer, s.handlePostShift},
		{"POST", "/api/v1/schedules/{name}/shifts/{start}/post-shift/{item}", responder, s.handleTickPostShift},
		{"GET", "/api/v1/inbox", viewer, s.handleInbox},

		{"POST", "/api/v1/calendars", viewer, s.handleCreateCalendar},
		{"GET", "/api/v1/calendars", viewer, s.handleListCalendars},
		{"DELETE", "/api/v1/calendars/{id}", viewer, s.handleRevokeCalendar},
		// The token in the URL is the credential: calendar apps send none.
		{"GET", "/ical/{feed}", rolePublic, s.handleICal},

		// Paging doors that carry their own proof instead of a token: Slack
		// and PagerDuty sign every request with a shared secret (checked
		// over the raw body before anything is parsed), and an acknowledge
		// link's signed token is the capability its page handed out.
		{"POST", "/api/v1/slack/commands", rolePublic, s.handleSlackCommand},
		{"POST", "/api/v1/slack/interactions", rolePublic, s.handleSlackInteraction},
		{"POST", "/api/v1/pagerduty/webhook", rolePublic, s.handlePagerDutyWebhook},
		{"POST", "/api/v1/github/webhook", rolePublic, s.handleGitHubWebhook},
		{"GET", "/ack/{token}", rolePublic, s.handleAckPage},
		{"POST", "/ack/{token}", rolePublic, s.handleAckLink},
	}
}

// unmatched answers requests no route matches with a JSON error: 405 (with
// Allow) when the path exists under other methods, else 404. A catch-all
// pattern would otherwise hide the mux's own 405 behind a 404.
func (s *server) unmatched(mux *http.ServeMux) http.Handler {
	return s.observe("unmatched", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
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
