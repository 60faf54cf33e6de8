package web

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/arqir/arqir"
)

// Service statuses, worst first, derived from open incidents (G1).
const (
	statusMajor       = "major outage"
	statusPartial     = "partial outage"
	statusDegraded    = "degraded"
	statusOperational = "operational"
)

// serviceStatus is one service's state on the dashboard and status page.
type serviceStatus struct {
	Service string
	Status  string
	Class   string // CSS class: major, partial, degraded, ok
	rank    int
}

// statusOfSeverity maps an open incident's severity to what its services
// suffer: SEV1 a major outage, SEV2 a partial outage, others degraded.
func statusOfSeverity(sev string) (string, string, int) {
	switch sevClass(sev) {
	case "sev1":
		return statusMajor, "major", 3
	case "sev2":
		return statusPartial, "partial", 2
	}
	return statusDegraded, "degraded", 1
}

// openPerSeverity bounds the open incidents read per severity for service
// status: a real installation has a handful open; the bound keeps the page
// fast when a flood of them is open.
const openPerSeverity = 50

// openIncidents reads the open incidents, most severe level first (newest
// first within one), at most openPerSeverity per severity of the policy.
func (s *server) openIncidents(ctx context.Context) ([]*arqir.Incident, error) {
	open := true
	var out []*arqir.Incident
	sevs := s.policy.Rules().SeverityNames()
	for _, sev := range sevs {
		page, err := s.store.Incidents(ctx, arqir.IncidentFilter{Open: &open, Severities: []string{sev}, Limit: openPerSeverity})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Incidents...)
	}
	if len(sevs) == 0 {
		page, err := s.store.Incidents(ctx, arqir.IncidentFilter{Open: &open, Limit: openPerSeverity})
		if err != nil {
			return nil, err
		}
		out = page.Incidents
	}
	return out, nil
}

// serviceStatuses derives each service's status from open incidents: the
// worst severity affecting it wins. Drills do not count. Services the policy
// names appear as operational when nothing affects them.
func serviceStatuses(open []*arqir.Incident, known []string) []serviceStatus {
	byService := map[string]serviceStatus{}
	for _, svc := range known {
		byService[svc] = serviceStatus{Service: svc, Status: statusOperational, Class: "ok"}
	}
	for _, inc := range open {
		if inc.Drill {
			continue
		}
		st, class, rank := statusOfSeverity(inc.Severity)
		for _, svc := range inc.Services {
			if cur, ok := byService[svc]; !ok || cur.rank < rank {
				byService[svc] = serviceStatus{Service: svc, Status: st, Class: class, rank: rank}
			}
		}
	}
	out := make([]serviceStatus, 0, len(byService))
	for _, st := range byService {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].rank != out[j].rank {
			return out[i].rank > out[j].rank
		}
		return out[i].Service < out[j].Service
	})
	return out
}

// knownServices are the services the policy names in its routing rules.
func (s *server) knownServices() []string {
	var out []string
	for _, r := range s.policy.Rules().Routing.Routes {
		if r.Service != "" && !slices.Contains(out, r.Service) {
			out = append(out, r.Service)
		}
	}
	return out
}

// deadlineView is a pending or breached deadline with its countdown.
type deadlineView struct {
	Kind     string
	DueAt    time.Time
	Left     time.Duration
	Breached bool
	Met      bool
}
