package api

import (
	"net/http"

	"github.com/arqir/arqir"
)

// handoffNoteRequest is the body of POST /api/v1/schedules/{name}/handoff-notes.
type handoffNoteRequest struct {
	Text string `json:"text"`
}

// notesBody is the answer of GET /api/v1/schedules/{name}/handoff-notes.
type notesBody struct {
	Notes []arqir.HandoffNote `json:"notes"`
}

// handoffsBody is the answer of GET /api/v1/schedules/{name}/handoffs.
type handoffsBody struct {
	Handoffs []*arqir.HandoffReport `json:"handoffs"`
}

// handleAddHandoffNote records the outgoing engineer's note for the next
// handoff report (O5). The engineer on call now writes it, or an admin.
func (s *server) handleAddHandoffNote(w http.ResponseWriter, r *http.Request) error {
	var req handoffNoteRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	admin := false
	if t := tokenOf(r); t != nil {
		admin = t.Role.Allows(arqir.RoleAdmin)
	}
	n, err := s.store.AddHandoffNote(r.Context(), r.PathValue("name"), req.Text, a, admin)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}

// handleHandoffNotes lists the notes written for the next handoff.
func (s *server) handleHandoffNotes(w http.ResponseWriter, r *http.Request) error {
	notes, err := s.store.HandoffNotes(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notesBody{Notes: notes})
	return nil
}

// handleListHandoffs lists a schedule's handoff reports, newest first.
func (s *server) handleListHandoffs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "limit"); err != nil {
		return err
	}
	limit, err := intParam(q, "limit", defaultListLimit)
	if err != nil {
		return err
	}
	list, err := s.store.Handoffs(r.Context(), r.PathValue("name"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, handoffsBody{Handoffs: list})
	return nil
}

// handleGetHandoff answers one handoff report.
func (s *server) handleGetHandoff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "handoff report", "GET /api/v1/schedules/{name}/handoffs")
	if err != nil {
		return err
	}
	report, err := s.store.Handoff(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, report)
	return nil
}
