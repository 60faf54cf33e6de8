package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/arqir/arqir"
)

// notificationStates lists every state, in the order a notification moves
// through them, for the ?state= filter and its error message.
var notificationStates = []arqir.NotificationState{
	arqir.NotificationQueued, arqir.NotificationSending, arqir.NotificationDelivered,
	arqir.NotificationFailed, arqir.NotificationExpired, arqir.NotificationCancelled,
}

// notificationsBody is the answer of GET /api/v1/incidents/{id}/notifications.
type notificationsBody struct {
	Notifications []*arqir.Notification `json:"notifications"`
}

// handleNotifications answers the incident's notification log, oldest
// first: every message that went out, is waiting, failed, expired or was
// cancelled, and those kept in the app because no provider is configured
// (channel in_app), each with its delivery state, attempts and reason
// (delivery contract 2: nothing fails silently). ?state= narrows it, as a
// comma-separated or repeated list.
func (s *server) handleNotifications(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := onlyParams(q, "state"); err != nil {
		return err
	}
	f := arqir.NotificationFilter{IncidentID: id}
	for _, v := range list(q["state"]) {
		st := arqir.NotificationState(strings.ToLower(v))
		if !slices.Contains(notificationStates, st) {
			names := make([]string, len(notificationStates))
			for i, n := range notificationStates {
				names[i] = string(n)
			}
			return arqir.FieldErrorf(arqir.EINVALID, "state", "unknown notification state %q: use %s", v, strings.Join(names, ", "))
		}
		if !slices.Contains(f.States, st) {
			f.States = append(f.States, st)
		}
	}
	// An unknown incident is a 404, not an empty log that looks like an answer.
	if _, err := s.store.Incident(r.Context(), id); err != nil {
		return err
	}
	notes, err := s.store.Notifications(r.Context(), f)
	if err != nil {
		return err
	}
	if notes == nil {
		notes = []*arqir.Notification{}
	}
	writeJSON(w, http.StatusOK, notificationsBody{Notifications: notes})
	return nil
}
