package web

import (
	"context"
	"net/http"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
)

type incidentData struct {
	Now           time.Time
	Incident      *arqir.Incident
	Timeline      []arqir.TimelineEvent
	LastEvent     int64
	Deadlines     []deadlineView
	Notifications []*arqir.Notification
	Severities    []arqir.SeverityRule
	Statuses      []arqir.Status
	WarRoom       string
	// Runbooks are the detection rules' runbooks of the incident's alerts;
	// when none matched, every runbook of the policy, shown collapsed.
	Runbooks       []policy.Runbook
	RunbookMatched bool
	CanAct         bool
}

// incident is the incident room: header, deadlines, live timeline,
// checklist, runbook, actions and notifications.
func (s *server) incident(w http.ResponseWriter, r *http.Request) {
	s.showIncident(w, r, http.StatusOK, "")
}

// showIncident renders the room, with msg as a validation error.
func (s *server) showIncident(w http.ResponseWriter, r *http.Request, status int, msg string) {
	d, err := s.incidentData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "incident", view{Title: d.Incident.ID.String() + " " + d.Incident.Title, Nav: "incidents", Error: msg, Data: d})
}

func (s *server) incidentData(r *http.Request) (*incidentData, error) {
	ctx := r.Context()
	id, err := incidentID(r)
	if err != nil {
		return nil, err
	}
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	tl, err := s.store.Timeline(ctx, id)
	if err != nil {
		return nil, err
	}
	notes, err := s.store.Notifications(ctx, arqir.NotificationFilter{IncidentID: id, Limit: 200})
	if err != nil {
		return nil, err
	}
	runbooks, matched, err := s.runbooksFor(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := &incidentData{
		Now: now, Incident: inc, Timeline: tl, Deadlines: deadlines(inc, now), Notifications: notes,
		Severities: s.policy.Rules().Severities, Statuses: arqir.Statuses, WarRoom: safeURL(inc.Refs[arqir.RefWarRoomURL]),
		Runbooks: runbooks, RunbookMatched: matched,
		CanAct: sessionOf(r) != nil && sessionOf(r).Role.Allows(arqir.RoleResponder),
	}
	if len(tl) > 0 {
		d.LastEvent = tl[len(tl)-1].ID
	}
	return d, nil
}

// runbooksFor finds the runbooks of the detection rules the incident's
// alerts fired under (their "alertname" or "rule" label names a rule by ID
// or name); with none, it returns every runbook and matched false.
func (s *server) runbooksFor(ctx context.Context, id arqir.IncidentID) ([]policy.Runbook, bool, error) {
	p := s.policy.Policy()
	if p == nil {
		return nil, false, nil
	}
	alerts, err := s.store.Alerts(ctx, arqir.AlertFilter{IncidentID: id, Limit: 50})
	if err != nil {
		return nil, false, err
	}
	var out []policy.Runbook
	seen := map[string]bool{}
	for _, a := range alerts.Alerts {
		for _, rule := range s.policy.Rules().Routing.DetectionRules {
			name := a.Labels["alertname"]
			if name == "" {
				name = a.Labels["rule"]
			}
			if rule.Runbook == "" || seen[rule.Runbook] || name == "" || (name != rule.ID && name != rule.Name) {
				continue
			}
			if rb, ok := p.Runbook(rule.Runbook); ok {
				seen[rule.Runbook] = true
				out = append(out, rb)
			}
		}
	}
	if len(out) > 0 {
		return out, true, nil
	}
	return p.Runbooks, false, nil
}

// deadlines lists the incident's deadlines with time left, pending first.
func deadlines(inc *arqir.Incident, now time.Time) []deadlineView {
	var out []deadlineView
	for _, d := range inc.Deadlines {
		if d.CancelledAt != nil {
			continue
		}
		out = append(out, deadlineView{Kind: d.Kind, DueAt: d.DueAt, Left: d.DueAt.Sub(now), Breached: d.BreachedAt != nil, Met: d.MetAt != nil})
	}
	return out
}

// safeURL keeps only http(s) links, so a provider-supplied reference can
// never become a javascript: link.
func safeURL(u string) string {
	if len(u) > 8 && (u[:8] == "https://" || u[:7] == "http://") {
		return u
	}
	return ""
}
