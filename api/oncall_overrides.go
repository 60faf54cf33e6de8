package api

import (
	"net/http"

	"github.com/arqir/arqir"
)

// overrideRequest is the body of POST /api/v1/schedules/{name}/overrides.
type overrideRequest struct {
	User     string `json:"user"`
	Replaces string `json:"replaces"`
	Start    string `json:"start"`
	End      string `json:"end"`
}

// swapRequest is the body of POST /api/v1/schedules/{name}/swaps: the
// start times of the two shifts to swap.
type swapRequest struct {
	A string `json:"a"`
	B string `json:"b"`
}

// overridesBody is the answer of a swap: its two overrides.
type overridesBody struct {
	Overrides []*arqir.Override `json:"overrides"`
}

// handleAddOverride puts a user on call for a range: 201 with the override.
func (s *server) handleAddOverride(w http.ResponseWriter, r *http.Request) error {
	var req overrideRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	start, err := bodyInstant("start", req.Start)
	if err != nil {
		return err
	}
	end, err := bodyInstant("end", req.End)
	if err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	o, err := s.store.AddOverride(r.Context(), r.PathValue("name"), arqir.OverrideInput{User: req.User, Replaces: req.Replaces, Start: start, End: end}, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

// handleRemoveOverride deletes an override (both halves of a swap): 204.
func (s *server) handleRemoveOverride(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "override", "GET /api/v1/schedules/{name}")
	if err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	if err := s.store.RemoveOverride(r.Context(), r.PathValue("name"), id, a); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleSwap swaps two shifts: 201 with the two overrides.
func (s *server) handleSwap(w http.ResponseWriter, r *http.Request) error {
	var req swapRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	a, err := bodyInstant("a", req.A)
	if err != nil {
		return err
	}
	b, err := bodyInstant("b", req.B)
	if err != nil {
		return err
	}
	actor, err := actorOf(r)
	if err != nil {
		return err
	}
	pair, err := s.store.SwapShifts(r.Context(), r.PathValue("name"), a, b, actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, overridesBody{Overrides: pair})
	return nil
}
