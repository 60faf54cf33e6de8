package web

import (
	"net/http"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/kpi"
)

// kpiWindow is the window of the dashboard's KPI tiles.
const kpiWindow = 30 * 24 * time.Hour

type dashboardData struct {
	Now      time.Time
	Services []serviceStatus
	// Open are the open incidents, most severe first.
	Open   []*arqir.Incident
	Counts []severityCount
	OnCall []*arqir.OnCallAnswer
	KPIs   *arqir.KPIReport
}

type severityCount struct {
	Severity string
	Count    string // "50+" when more are open than the page reads
}

// dashboard shows where things stand: service status, open incidents,
// who is on call, and the KPIs of the last 30 days against their targets.
func (s *server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.now()
	open, err := s.openIncidents(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	onCall, err := s.store.WhoIsOnCall(ctx, "", now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := arqir.KPIQuery{From: now.Add(-kpiWindow), To: now}
	agg, err := s.store.KPIAggregates(ctx, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rules := s.policy.Rules()
	d := dashboardData{
		Now:      now,
		Services: serviceStatuses(open, s.knownServices()),
		Open:     open,
		OnCall:   onCall,
		KPIs:     kpi.Compute(agg, q, rules.PostIncident.KPIs, rules.SeverityNames()...),
	}
	// Counted from the bounded read, not Stats: Stats also counts every
	// breach ever recorded, too slow for a page shown on every visit.
	for _, sev := range rules.SeverityNames() {
		n := 0
		for _, inc := range open {
			if inc.Severity == sev {
				n++
			}
		}
		c := severityCount{Severity: sev, Count: itoa(n)}
		if n >= openPerSeverity {
			c.Count += "+"
		}
		d.Counts = append(d.Counts, c)
	}
	s.render(w, r, http.StatusOK, "dashboard", view{Title: "Dashboard", Nav: "dashboard", Data: d})
}
