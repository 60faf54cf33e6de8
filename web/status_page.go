package web

import (
	"net/http"
	"time"
)

type statusPageData struct {
	Now       time.Time
	Services  []serviceStatus
	Incidents []publicIncident
}

// publicIncident is all the status page tells about an incident: nothing
// internal (no timeline, no people, no summary, no alerts).
type publicIncident struct {
	Title     string
	Severity  string
	Status    string
	UpdatedAt time.Time
}

// statusPage is the public, read-only service status (no sign-in): safe
// to expose to customers.
func (s *server) statusPage(w http.ResponseWriter, r *http.Request) {
	open, err := s.openIncidents(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := statusPageData{Now: s.now(), Services: serviceStatuses(open, s.knownServices())}
	for _, inc := range open {
		if inc.Drill {
			continue
		}
		updated := inc.DeclaredAt
		if inc.LastUpdateAt != nil {
			updated = *inc.LastUpdateAt
		}
		d.Incidents = append(d.Incidents, publicIncident{Title: inc.Title, Severity: inc.Severity, Status: string(inc.Status), UpdatedAt: updated})
	}
	w.Header().Set("Refresh", "60")
	s.render(w, r, http.StatusOK, "status", view{Title: "Service status", Data: d})
}
