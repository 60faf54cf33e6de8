package api

import (
	"net/http"
	"time"

	"github.com/arqir/arqir"
)

// handlePostShift answers the post-shift checklist (O6) of the shift that
// starts at {start}.
func (s *server) handlePostShift(w http.ResponseWriter, r *http.Request) error {
	start, err := pathStart(r)
	if err != nil {
		return err
	}
	c, err := s.store.PostShift(r.Context(), r.PathValue("name"), start)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// handleTickPostShift ticks one post-shift item with who and when.
func (s *server) handleTickPostShift(w http.ResponseWriter, r *http.Request) error {
	start, err := pathStart(r)
	if err != nil {
		return err
	}
	if err := decodeJSON(w, r, &struct{}{}, emptyAllowed); err != nil {
		return err
	}
	a, err := actorOf(r)
	if err != nil {
		return err
	}
	c, err := s.store.TickPostShift(r.Context(), r.PathValue("name"), start, r.PathValue("item"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// pathStart reads the {start} of a shift: its RFC 3339 start time.
func pathStart(r *http.Request) (time.Time, error) {
	t, err := instant("start", r.PathValue("start"))
	if err == nil && t.IsZero() {
		err = arqir.FieldErrorf(arqir.EINVALID, "start", "the path names no shift start: use the shift's start time, e.g. 2026-03-09T13:00:00Z")
	}
	return t, err
}
