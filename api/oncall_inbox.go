package api

import (
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// inboxBody is the answer of GET /api/v1/inbox.
type inboxBody struct {
	User     string                `json:"user"`
	Messages []*arqir.InAppMessage `json:"messages"`
}

// handleInbox answers a user's in-app messages (?user=, by default the
// caller's token name), newest first: the handoff reports and prompts
// delivered there until paging routes them through real channels.
func (s *server) handleInbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := onlyParams(q, "user", "limit"); err != nil {
		return err
	}
	user := strings.TrimSpace(q.Get("user"))
	if user == "" {
		if t := tokenOf(r); t != nil {
			user = t.Name
		}
	}
	limit, err := intParam(q, "limit", defaultListLimit)
	if err != nil {
		return err
	}
	msgs, err := s.store.Inbox(r.Context(), user, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inboxBody{User: user, Messages: msgs})
	return nil
}
