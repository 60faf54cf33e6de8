package api

import (
	"net/http"
	"time"

	"github.com/arqir/arqir"
)

// onCallBody is the answer of GET /api/v1/oncall.
type onCallBody struct {
	At        time.Time             `json:"at"`
	Schedules []*arqir.OnCallAnswer `json:"schedules"`
}

// handleOnCall answers who is on call now (or ?at=) in every schedule, or
// in ?schedule=.
func (s *server) handleOnCall(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "schedule", "at"); err != nil {
		return err
	}
	at, err := instant("at", q.Get("at"))
	if err != nil {
		return err
	}
	answers, err := s.store.WhoIsOnCall(r.Context(), q.Get("schedule"), at)
	if err != nil {
		return err
	}
	body := onCallBody{At: at, Schedules: answers}
	if len(answers) > 0 {
		body.At = answers[0].At
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// handleAvailability answers the O4 numbers per responder over ?from&to.
func (s *server) handleAvailability(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "from", "to"); err != nil {
		return err
	}
	from, to, err := timeRange(q)
	if err != nil {
		return err
	}
	report, err := s.store.Availability(r.Context(), from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, report)
	return nil
}
