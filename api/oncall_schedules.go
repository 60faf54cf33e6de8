package api

import (
	"net/http"
	"time"

	"github.com/arqir/arqir"
)

// participantsRequest is the body of PUT /api/v1/schedules/{name}/participants.
type participantsRequest struct {
	Layer  string   `json:"layer"`
	Users  []string `json:"users"`
	Anchor string   `json:"anchor"`
}

// schedulesBody is the answer of GET /api/v1/schedules.
type schedulesBody struct {
	Schedules []*arqir.ScheduleInfo `json:"schedules"`
}

// shiftsBody is the answer of GET /api/v1/schedules/{name}/shifts.
type shiftsBody struct {
	Schedule string        `json:"schedule"`
	From     time.Time     `json:"from"`
	To       time.Time     `json:"to"`
	Shifts   []arqir.Shift `json:"shifts"`
}

// handleListSchedules describes every schedule of the policy.
func (s *server) handleListSchedules(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r.URL.Query()); err != nil {
		return err
	}
	list, err := s.store.Schedules(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, schedulesBody{Schedules: list})
	return nil
}

// handleGetSchedule describes one schedule.
func (s *server) handleGetSchedule(w http.ResponseWriter, r *http.Request) error {
	info, err := s.store.Schedule(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, info)
	return nil
}

// handleSetParticipants assigns a layer's rotation and answers the
// schedule with who was on call before and after the change.
func (s *server) handleSetParticipants(w http.ResponseWriter, r *http.Request) error {
	var req participantsRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	if req.Users == nil {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "users", "users is required: the handles in rotation order, e.g. {\"users\": [\"ada\", \"bob\"]}; [] unassigns the rotation")
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	change, err := s.store.SetParticipants(r.Context(), r.PathValue("name"), arqir.Participants{Layer: req.Layer, Users: req.Users, Anchor: req.Anchor}, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, change)
	return nil
}

// handleScheduleShifts answers the shifts of [from, to), at most 366 days.
func (s *server) handleScheduleShifts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "from", "to"); err != nil {
		return err
	}
	from, to, err := timeRange(q)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	shifts, err := s.store.ScheduleShifts(r.Context(), name, from, to)
	if err != nil {
		return err
	}
	body := shiftsBody{Schedule: name, From: from, To: to, Shifts: shifts}
	if len(shifts) > 0 && from.IsZero() {
		body.From = shifts[0].Start
	}
	if len(shifts) > 0 && to.IsZero() {
		body.To = shifts[len(shifts)-1].End
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
