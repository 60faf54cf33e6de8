package web

import (
	"net/http"
	"strconv"

	"github.com/arqir/arqir"
)

// incidentTimeline is the htmx partial polled every 5 s: only the events
// after ?after=<id>, appended to the timeline out of band, and the poller
// again with the new last ID.
func (s *server) incidentTimeline(w http.ResponseWriter, r *http.Request) {
	id, err := incidentID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	tl, err := s.store.Timeline(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &incidentData{LastEvent: after}
	for _, e := range tl {
		if e.ID > after {
			d.Timeline = append(d.Timeline, e)
			d.LastEvent = e.ID
		}
	}
	d.Incident = &arqir.Incident{ID: id}
	s.partial(w, r, "incident", "timeline-new", view{Data: d})
}

// incidentDeadlines is the htmx partial that refreshes the countdowns.
func (s *server) incidentDeadlines(w http.ResponseWriter, r *http.Request) {
	id, err := incidentID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.store.Incident(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	s.partial(w, r, "incident", "deadlines-partial", view{Data: &incidentData{Now: now, Incident: inc, Deadlines: deadlines(inc, now)}})
}
