package arqir

import "time"

// InAppMessage is a message arqir delivered into its in-app log: what it
// would have sent through a notification channel. Until paging exists every
// message lands here; afterwards the log keeps a copy of each.
type InAppMessage struct {
	ID int64 `json:"id"`
	// Recipient is the user's handle.
	Recipient string `json:"recipient"`
	// Kind says what the message is, e.g. handoff_report.
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	// Refs: the schedule, handoff report and incident the message is about.
	Schedule  string     `json:"schedule"`
	HandoffID int64      `json:"handoff_id,omitempty"`
	Incident  IncidentID `json:"incident,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// Kinds of in-app messages.
const (
	MessageHandoffReport = "handoff_report" // a handoff happened: the report (O5)
	MessageHandoffPrompt = "handoff_prompt" // a handoff is coming: write your notes (O5)
)
