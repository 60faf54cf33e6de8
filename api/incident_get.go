package api

import (
	"net/http"

	"github.com/arqir/arqir"
)

// handleGetIncident answers one incident, its version as the ETag.
func (s *server) handleGetIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	inc, err := s.store.Incident(r.Context(), id)
	if err != nil {
		return err
	}
	writeIncident(w, http.StatusOK, inc)
	return nil
}

// timelineBody is the answer of GET /api/v1/incidents/{id}/timeline.
type timelineBody struct {
	Events []arqir.TimelineEvent `json:"events"`
}

// handleTimeline answers the incident's events, oldest first. The timeline
// is append-only (R6): this read is the only timeline route.
func (s *server) handleTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	events, err := s.store.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	if events == nil {
		events = []arqir.TimelineEvent{}
	}
	writeJSON(w, http.StatusOK, timelineBody{Events: events})
	return nil
}
