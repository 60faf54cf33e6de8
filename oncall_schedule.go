package arqir

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// ScheduleInfo is one schedule as people manage it: the structure from the
// policy and the participants, anchors and overrides kept by the store.
type ScheduleInfo struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Zone        string `json:"zone"`
	// Rotation, Restriction, Participants and Anchor describe the first
	// layer — the whole schedule when it has one layer, as most do; Layers
	// describes every layer.
	//
	// Rotation describes the turns, e.g. "weekly, Monday 09:00 America/New_York".
	Rotation string `json:"rotation"`
	// Restriction describes the covered window, e.g. "Mon,Tue,Wed,Thu,Fri
	// 09:00–17:00 America/New_York"; "" when the layer always covers.
	Restriction string `json:"restriction"`
	// Participants in rotation order.
	Participants []Participant `json:"participants"`
	// Anchor is the local date (YYYY-MM-DD) on which the first participant's
	// turn starts; turns repeat before and after it. "" until assigned.
	Anchor string `json:"anchor"`
	// Layers in ascending priority: a later layer wins wherever it has
	// someone on call.
	Layers []LayerInfo `json:"layers"`
	// Overrides that end after now, in start order.
	Overrides []*Override `json:"overrides"`
	// UpdatedAt and UpdatedBy say who last set the participants.
	UpdatedAt *time.Time `json:"updated_at"`
	UpdatedBy string     `json:"updated_by"`
	// Problem explains why the schedule cannot be evaluated, if it cannot.
	Problem string `json:"problem,omitempty"`
}

// LayerInfo is one layer of a schedule: its rotation from the policy and
// the participants and anchor kept by the store.
type LayerInfo struct {
	Name         string        `json:"name"`
	Rotation     string        `json:"rotation"`
	Restriction  string        `json:"restriction"`
	Participants []Participant `json:"participants"`
	Anchor       string        `json:"anchor"`
}

// Participant is one place in a rotation.
type Participant struct {
	Handle string `json:"handle"`
	Name   string `json:"name"`
	// Deleted is true when the user was removed: their turns are gaps.
	Deleted bool `json:"deleted"`
}

// Participants is the input of assigning a rotation.
type Participants struct {
	// Layer names the layer assigned; empty is the first layer.
	Layer string
	// Users are handles in rotation order; a user may appear more than once.
	// Empty unassigns the layer.
	Users []string
	// Anchor is the local date (YYYY-MM-DD) on which Users[0]'s turn starts
	// at the handoff time. Empty keeps the layer's anchor, so that changing
	// who rotates does not move the turns' dates; a layer assigned for the
	// first time (or after it was unassigned) is anchored on the most recent
	// handoff date on or before now, so that Users[0] is on call now.
	Anchor string
}

// ParticipantsChange is the answer of assigning a rotation: the schedule
// as it is now, who was on call just before the change and who is just
// after it. When the change hands the schedule to someone else at once, a
// handoff report is made for it at that instant and Handoff is its ID.
type ParticipantsChange struct {
	*ScheduleInfo
	// At is the instant of the change.
	At time.Time `json:"at"`
	// Before and After are the shifts in effect at At without and with the
	// change; a gap when nobody is on call.
	Before Shift `json:"before"`
	After  Shift `json:"after"`
	// Handoff is the ID of the handoff report made for the change, 0 when
	// the person on call did not change (or nobody took over).
	Handoff int64 `json:"handoff"`
}

// OnCallChanged reports whether the change put someone else on call now.
func (c *ParticipantsChange) OnCallChanged() bool { return c.Before.User != c.After.User }

// MaxParticipants bounds one rotation.
const MaxParticipants = 200

// Override puts a user on call for a time range in one schedule, above the
// rotation: someone covers for someone else (or for whoever is on).
type Override struct {
	ID       int64  `json:"id"`
	Schedule string `json:"schedule"`
	User     string `json:"user"`
	// Replaces, if set, limits the override to the time that user would be
	// on call; empty covers the whole range whoever is on.
	Replaces string    `json:"replaces"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	// Swap links the two overrides of one swap; 0 for a plain override.
	Swap      int64     `json:"swap,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// OverrideInput is what adding an override takes.
type OverrideInput struct {
	User     string
	Replaces string
	Start    time.Time
	End      time.Time
}

// MaxOverride bounds how long one override may last.
const MaxOverride = 366 * 24 * time.Hour

// OverrideStartSkew is how far in the past an override may say it starts:
// such a start is read as "now" (the clocks of the client and the server
// differ, and "from now" typed a minute ago is still meant). An earlier
// start is refused, because it would rewrite who was on call — history that
// handoff reports and pages already acted on.
const OverrideStartSkew = time.Minute

// StartFrom returns the input with a start within OverrideStartSkew before
// now moved to now. Returns EUNPROCESSABLE (field start) for an earlier
// start.
func (in OverrideInput) StartFrom(now time.Time) (OverrideInput, error) {
	switch {
	case !in.Start.Before(now):
		return in, nil
	case !in.Start.Before(now.Add(-OverrideStartSkew)):
		in.Start = now
		return in, nil
	}
	return in, FieldErrorf(EUNPROCESSABLE, "start", "an override cannot start in the past (%s is before now, %s): who was on call then is history that handoff reports and pages already acted on; start it now or later",
		in.Start.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
}

// Validate reports an inverted, empty or over-long range and a missing
// user, as EUNPROCESSABLE. Whether the users exist and whether it overlaps
// another override the store checks.
func (in OverrideInput) Validate() error {
	switch {
	case in.User == "":
		return FieldErrorf(EUNPROCESSABLE, "user", "name the user who goes on call (user), e.g. \"user\": \"ada\"")
	case in.Start.IsZero():
		return FieldErrorf(EUNPROCESSABLE, "start", "the override needs a start time (RFC 3339, e.g. 2026-03-09T09:00:00-04:00)")
	case in.End.IsZero():
		return FieldErrorf(EUNPROCESSABLE, "end", "the override needs an end time (RFC 3339, e.g. 2026-03-10T09:00:00-04:00)")
	case !in.End.After(in.Start):
		return FieldErrorf(EUNPROCESSABLE, "end", "the override ends at %s, not after its start %s: the range is inverted or empty; give an end after the start",
			in.End.UTC().Format(time.RFC3339), in.Start.UTC().Format(time.RFC3339))
	case in.End.Sub(in.Start) > MaxOverride:
		return FieldErrorf(EUNPROCESSABLE, "end", "the override lasts %s, over 366 days: change the rotation's participants instead, or add shorter overrides", in.End.Sub(in.Start).Round(time.Hour))
	case in.Replaces == in.User:
		return FieldErrorf(EUNPROCESSABLE, "replaces", "%s cannot cover for themselves: name the person being covered, or leave replaces empty", in.User)
	}
	return nil
}

var dateRE = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

// ParseDate reads a calendar date YYYY-MM-DD. Returns EUNPROCESSABLE for
// anything else, naming field.
func ParseDate(field, s string) (year int, month time.Month, day int, err error) {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, 0, FieldErrorf(EUNPROCESSABLE, field, "%q is not a date: write it as YYYY-MM-DD, e.g. 2026-03-02", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != time.Month(mo) || t.Day() != d {
		return 0, 0, 0, FieldErrorf(EUNPROCESSABLE, field, "%s is not a day of the calendar: check the month and day", s)
	}
	return y, time.Month(mo), d, nil
}

// FormatDate writes a calendar date as YYYY-MM-DD.
func FormatDate(year int, month time.Month, day int) string {
	return fmt.Sprintf("%04d-%02d-%02d", year, month, day)
}
