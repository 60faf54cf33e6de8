package arqir

import "time"

// Shift is a stretch of time in which one user — or nobody, for a gap — is
// on call in a schedule without interruption (O1–O3). It is the answer of
// package rotation in the form the API carries.
type Shift struct {
	Schedule string `json:"schedule"`
	// User is the handle on call; "" in a gap.
	User string `json:"user"`
	// UserName is the user's name, when the user is known.
	UserName string `json:"user_name"`
	// Start and End bound the shift, [start, end), in UTC.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Gap is true when nobody is on call.
	Gap bool `json:"gap"`
	// Parts say where each stretch of the shift comes from: the rotation or
	// an override.
	Parts []ShiftPart `json:"parts"`
	// Notes flag what needs attention, e.g. "gap: user bob was deleted".
	Notes []string `json:"notes"`
}

// ShiftPart is the piece of a shift that comes from one source.
type ShiftPart struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Source is "rotation", "override" or "gap".
	Source string `json:"source"`
	// Layer is, for a rotation part, the layer whose turn it is.
	Layer string `json:"layer,omitempty"`
	// Override is the ID of the override that put the user on call.
	Override int64 `json:"override,omitempty"`
	// Replaces is who the override covers for; "" if it covers whoever was on.
	Replaces string `json:"replaces,omitempty"`
	// Vacant is, in a gap, the deleted user whose turn it was.
	Vacant string `json:"vacant,omitempty"`
}

// Sources of a ShiftPart.
const (
	PartRotation = "rotation"
	PartOverride = "override"
	PartGap      = "gap"
)

// OnCallAnswer says who is on call for one schedule at one instant: the
// answer paging needs, and that `arqir oncall now` prints.
type OnCallAnswer struct {
	Schedule string    `json:"schedule"`
	Title    string    `json:"title"`
	At       time.Time `json:"at"`
	// Zone is the schedule's IANA zone; times are shown in it.
	Zone string `json:"zone"`
	// Assigned is false while the schedule has no participants.
	Assigned bool `json:"assigned"`
	// Shift is the shift in effect at At; a gap when nobody is on call.
	Shift Shift `json:"shift"`
	// Next is the next shift with someone on call after this one, if any
	// within a year.
	Next *Shift `json:"next"`
	// Problem explains why the schedule cannot answer (a policy schedule
	// arqir cannot evaluate exactly); Shift is then empty.
	Problem string `json:"problem,omitempty"`
}

// OnCall reports whether someone is on call.
func (a *OnCallAnswer) OnCall() bool { return a.Problem == "" && !a.Shift.Gap }
