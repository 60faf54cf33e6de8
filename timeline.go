package arqir

import "time"

// Timeline event kinds (R6). The timeline is append-only: no API updates or
// deletes an event.
const (
	EventDeclared         = "declared"
	EventAcknowledged     = "acknowledged"
	EventSeverityChanged  = "severity_changed"
	EventStatusChanged    = "status_changed"
	EventRolesChanged     = "roles_changed"
	EventNote             = "note"
	EventChecklistTicked  = "checklist_ticked"
	EventResolved         = "resolved"
	EventReopened         = "reopened"
	EventDeadlineBreached = "deadline_breached"
)

// TimelineEvent is one entry of an incident's timeline.
type TimelineEvent struct {
	ID         int64      `json:"id"`
	IncidentID IncidentID `json:"incident_id"`
	At         time.Time  `json:"at"`
	Kind       string     `json:"kind"`
	Actor      string     `json:"actor"`
	Source     Source     `json:"source"`
	// Message is the human sentence shown on the timeline.
	Message string `json:"message"`
	// Data holds the structured facts of the event (e.g. "from", "to").
	Data map[string]string `json:"data,omitempty"`
}
