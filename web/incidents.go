package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

type incidentsData struct {
	Now        time.Time
	Incidents  []*arqir.Incident
	Filter     incidentsFilter
	Severities []string
	Statuses   []arqir.Status
	NextURL    string
}

// incidentsFilter is the filter form's values, echoed back into it.
type incidentsFilter struct {
	Status, Severity, Service, Open, Q string
}

// incidents lists incidents, newest first, with filters, title search and
// cursor paging.
func (s *server) incidents(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	f := incidentsFilter{Status: v.Get("status"), Severity: v.Get("severity"), Service: strings.TrimSpace(v.Get("service")), Open: v.Get("open"), Q: strings.TrimSpace(v.Get("q"))}
	d := incidentsData{Now: s.now(), Filter: f, Severities: s.policy.Rules().SeverityNames(), Statuses: arqir.Statuses}
	q := arqir.IncidentFilter{Service: f.Service, Query: f.Q, Limit: 50, Cursor: v.Get("cursor")}
	if f.Status != "" {
		st, err := arqir.ParseStatus(f.Status)
		if err != nil {
			s.render(w, r, http.StatusBadRequest, "incidents", view{Title: "Incidents", Nav: "incidents", Error: arqir.ErrorMessage(err), Data: d})
			return
		}
		q.Statuses = []arqir.Status{st}
	}
	if f.Severity != "" {
		q.Severities = []string{f.Severity}
	}
	switch f.Open {
	case "open":
		t := true
		q.Open = &t
	case "resolved":
		t := false
		q.Open = &t
	}
	page, err := s.store.Incidents(r.Context(), q)
	if code := arqir.ErrorCode(err); code == arqir.EINVALID || code == arqir.EUNPROCESSABLE {
		s.render(w, r, http.StatusBadRequest, "incidents", view{Title: "Incidents", Nav: "incidents", Error: arqir.ErrorMessage(err), Data: d})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Incidents = page.Incidents
	if page.Next != "" {
		next := url.Values{}
		for k, vs := range v {
			if k != "cursor" {
				next[k] = vs
			}
		}
		next.Set("cursor", page.Next)
		d.NextURL = "/incidents?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "incidents", view{Title: "Incidents", Nav: "incidents", Data: d})
}
