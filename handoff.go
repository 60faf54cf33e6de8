package arqir

import "time"

// HandoffReport is what the outgoing and incoming on-call engineers get at
// a handoff (O5): the context the next engineer needs, stored once per
// schedule and handoff instant and delivered to both.
type HandoffReport struct {
	ID            int64     `json:"id"`
	Schedule      string    `json:"schedule"`
	ScheduleTitle string    `json:"schedule_title"`
	Zone          string    `json:"zone"`
	At            time.Time `json:"at"`
	// Outgoing is the handle of the engineer handing off ("" if nobody was
	// on call before), with the shift that ends.
	Outgoing      string     `json:"outgoing"`
	OutgoingName  string     `json:"outgoing_name"`
	OutgoingStart *time.Time `json:"outgoing_start"`
	OutgoingEnd   *time.Time `json:"outgoing_end"`
	// Incoming is the engineer taking over, with the shift that starts.
	Incoming     string    `json:"incoming"`
	IncomingName string    `json:"incoming_name"`
	IncomingEnd  time.Time `json:"incoming_end"`
	// OpenIncidents are the unresolved incidents at the handoff.
	OpenIncidents []HandoffIncident `json:"open_incidents"`
	// DeclaredDuringShift are the incidents declared during the outgoing shift.
	DeclaredDuringShift []HandoffIncident `json:"declared_during_shift"`
	// DeadlinesDue are pending deadlines due within a day of the handoff.
	DeadlinesDue []HandoffDeadline `json:"deadlines_due"`
	// ActionItems are the open action items overdue at the handoff or
	// coming due in the week after it.
	ActionItems HandoffActionItems `json:"action_items"`
	// Notes are the outgoing engineer's handoff notes.
	Notes []HandoffNote `json:"notes"`
	// HandoffTasks are the policy's handoff duties (O5), as a reminder.
	HandoffTasks []string `json:"handoff_tasks"`
	// PostShift lists the unfinished post-shift items (O6) of the shift that
	// ends and of the one before it.
	PostShift []PostShiftChecklist `json:"post_shift"`
	CreatedAt time.Time            `json:"created_at"`
}

// HandoffIncident is an incident as a handoff report shows it.
type HandoffIncident struct {
	ID         IncidentID `json:"id"`
	Title      string     `json:"title"`
	Severity   string     `json:"severity"`
	Status     Status     `json:"status"`
	DeclaredAt time.Time  `json:"declared_at"`
	// AgeSeconds is how long the incident had been open at the handoff.
	AgeSeconds   float64    `json:"age_seconds"`
	Acknowledged bool       `json:"acknowledged"`
	Commander    string     `json:"commander"`
	Deadlines    []Deadline `json:"deadlines"`
}

// HandoffDeadline is a pending deadline coming due.
type HandoffDeadline struct {
	Incident IncidentID `json:"incident"`
	Title    string     `json:"title"`
	Kind     string     `json:"kind"`
	DueAt    time.Time  `json:"due_at"`
}

// HandoffActionItems is the action-item section of a report. Reports made
// before action items were tracked say so (Tracked false) instead of
// showing made-up data.
type HandoffActionItems struct {
	Tracked bool `json:"tracked"`
	// Note sums the section up, e.g. "1 overdue, 2 due within 7 days".
	Note string `json:"note"`
	// Items are one line per action item, earliest due first.
	Items []string `json:"items"`
}

// DeadlinesDueWithin is how far after a handoff a report looks for
// deadlines coming due.
const DeadlinesDueWithin = 24 * time.Hour

// HandoffNote is a note the outgoing engineer (or an admin) writes for the
// next handoff of a schedule.
type HandoffNote struct {
	ID       int64     `json:"id"`
	Schedule string    `json:"schedule"`
	Author   string    `json:"author"`
	Text     string    `json:"text"`
	At       time.Time `json:"at"`
}

// PostShiftChecklist is the post-shift checklist (O6) of one shift.
type PostShiftChecklist struct {
	Schedule   string          `json:"schedule"`
	User       string          `json:"user"`
	ShiftStart time.Time       `json:"shift_start"`
	ShiftEnd   time.Time       `json:"shift_end"`
	Items      []PostShiftItem `json:"items"`
	// Done is true when every item is ticked.
	Done bool `json:"done"`
}

// PostShiftItem is one post-shift task and who ticked it when.
type PostShiftItem struct {
	// ID is the item's number in the policy's list, "1", "2", …
	ID   string     `json:"id"`
	Task string     `json:"task"`
	Done bool       `json:"done"`
	At   *time.Time `json:"at"`
	Who  string     `json:"who"`
}

// Unfinished returns the items not ticked yet.
func (c PostShiftChecklist) Unfinished() []PostShiftItem {
	var out []PostShiftItem
	for _, it := range c.Items {
		if !it.Done {
			out = append(out, it)
		}
	}
	return out
}

// OnCallSweep counts what one on-call sweep did.
type OnCallSweep struct {
	Reports int // handoff reports created
	Prompts int // handoff-notes prompts sent
}
