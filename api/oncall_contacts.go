package api

import (
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// assignContactRequest is the body of PUT /api/v1/contacts/{id}.
type assignContactRequest struct {
	User string `json:"user"`
}

// handleContacts answers the contacts directory (X1) resolved now, or at
// ?at=.
func (s *server) handleContacts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "at"); err != nil {
		return err
	}
	at, err := instant("at", q.Get("at"))
	if err != nil {
		return err
	}
	dir, err := s.store.Contacts(r.Context(), at)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dir)
	return nil
}

// handleAssignContact makes a user fill a contact role of the policy.
func (s *server) handleAssignContact(w http.ResponseWriter, r *http.Request) error {
	var req assignContactRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	if strings.TrimSpace(req.User) == "" {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "user", "name the user who fills the role, e.g. {\"user\": \"ada\"}; to clear the role, DELETE it")
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	as, err := s.store.AssignContact(r.Context(), r.PathValue("id"), req.User, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, as)
	return nil
}

// handleUnassignContact clears a role's assignment: 204.
func (s *server) handleUnassignContact(w http.ResponseWriter, r *http.Request) error {
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	if err := s.store.UnassignContact(r.Context(), r.PathValue("id"), a); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
