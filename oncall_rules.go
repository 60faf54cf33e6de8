package arqir

import (
	"fmt"
	"strings"
	"time"
)

// OnCallRules is what the on-call service needs from the active policy
// (O1–O6, X1): the structure of each schedule, the duties around a shift and
// the contacts directory. People, participants and overrides are
// operational data kept by the store; the structure is procedures as code.
// app builds these from the policy; tests state them directly.
type OnCallRules struct {
	// Schedules in policy order, e.g. primary then secondary.
	Schedules []ScheduleRule
	// HandoffTasks are what the outgoing engineer does at a handoff (O5).
	HandoffTasks []string
	// PostShiftTasks are the post-shift checklist of every shift (O6).
	PostShiftTasks []string
	// NotesPrompt is how long before a handoff the outgoing engineer is
	// asked for handoff notes; zero means DefaultNotesPrompt.
	NotesPrompt time.Duration
	// Availability is what an on-call engineer commits to (O4).
	Availability AvailabilityRule
	// Contacts is the contacts directory of the procedures (X1).
	Contacts ContactRules
}

// DefaultNotesPrompt is how long before a handoff the outgoing engineer is
// asked for notes when the policy does not say: two hours leaves time to
// write them without being so early that the shift's last hours are missed.
const DefaultNotesPrompt = 2 * time.Hour

// Prompt returns NotesPrompt or its default.
func (r OnCallRules) Prompt() time.Duration {
	if r.NotesPrompt > 0 {
		return r.NotesPrompt
	}
	return DefaultNotesPrompt
}

// Schedule returns the rule of the named schedule.
func (r OnCallRules) Schedule(name string) (ScheduleRule, bool) {
	for _, s := range r.Schedules {
		if s.ID == name {
			return s, true
		}
	}
	return ScheduleRule{}, false
}

// ScheduleNames lists the schedule IDs in policy order.
func (r OnCallRules) ScheduleNames() []string {
	out := make([]string, len(r.Schedules))
	for i, s := range r.Schedules {
		out[i] = s.ID
	}
	return out
}

// UnknownSchedule is the error for a schedule the policy does not define.
func (r OnCallRules) UnknownSchedule(name string) error {
	if len(r.Schedules) == 0 {
		return FieldErrorf(ENOTFOUND, "schedule", "there is no schedule %q: the active policy defines no on-call schedules (add them under oncall.schedules)", name)
	}
	return FieldErrorf(ENOTFOUND, "schedule", "there is no schedule %q: the policy defines %s", name, strings.Join(r.ScheduleNames(), ", "))
}

// ScheduleRule is the structure of one on-call schedule from the policy:
// one rotation handing off at a weekday and time in a zone, optionally
// restricted to a weekly window (O1–O3).
type ScheduleRule struct {
	ID          string // e.g. primary
	Title       string // e.g. Primary On-Call
	Description string // e.g. 7 days/week
	// Rotation is the length of one turn. Rotations count local calendar
	// days, so it must be whole days (whole weeks for a weekday handoff).
	Rotation time.Duration
	// HandoffWeekday is the day turns change, for rotations of whole weeks.
	HandoffWeekday time.Weekday
	// HasWeekday says whether HandoffWeekday was given.
	HasWeekday bool
	// HandoffHour and HandoffMinute are the local time turns change.
	HandoffHour, HandoffMinute int
	// Zone is the IANA zone of the handoff time; the rotation follows its
	// daylight-saving changes.
	Zone *time.Location
	// Restriction, if set, limits the schedule to a weekly window.
	Restriction *RestrictionRule
}

// RestrictionRule is the weekly window a restricted schedule covers, e.g.
// Mon–Fri 09:00–17:00 America/New_York (O2).
type RestrictionRule struct {
	Weekdays             []time.Weekday
	FromHour, FromMinute int
	// ToHour and ToMinute end the window; at or before From means the next day.
	ToHour, ToMinute int
	Zone             *time.Location
}

// Check reports why the schedule cannot be evaluated exactly, as
// EUNPROCESSABLE: a rotation that is not whole days, or a restriction read
// in another zone than the handoff. The policy loads such a schedule; the
// on-call service refuses it with this message.
func (s ScheduleRule) Check() error {
	day := 24 * time.Hour
	switch {
	case s.Zone == nil:
		return FieldErrorf(EUNPROCESSABLE, "rotation.handoff.zone", "schedule %s has no handoff zone: set oncall.schedules[%s].rotation.handoff.zone, e.g. America/New_York", s.ID, s.ID)
	case s.Rotation <= 0 || s.Rotation%day != 0:
		return FieldErrorf(EUNPROCESSABLE, "rotation.length", "schedule %s rotates every %s, which is not a whole number of days: turns count local calendar days so that handoffs keep their wall-clock time across daylight saving; use a length such as 1d, 2d or 1w", s.ID, s.Rotation)
	case s.HasWeekday && s.Rotation%(7*day) != 0:
		return FieldErrorf(EUNPROCESSABLE, "rotation.handoff.weekday", "schedule %s hands off on %ss but rotates every %s: a weekday handoff needs whole weeks, such as 1w or 2w", s.ID, s.HandoffWeekday, s.Rotation)
	case s.Restriction != nil && (s.Restriction.Zone == nil || s.Restriction.Zone.String() != s.Zone.String()):
		rz := "no zone"
		if s.Restriction.Zone != nil {
			rz = s.Restriction.Zone.String()
		}
		return FieldErrorf(EUNPROCESSABLE, "restriction.zone", "schedule %s hands off in %s but restricts its window in %s: one schedule is read in one zone; give the restriction the handoff's zone (%s)", s.ID, s.Zone, rz, s.Zone)
	case s.Restriction != nil && len(s.Restriction.Weekdays) == 0:
		return FieldErrorf(EUNPROCESSABLE, "restriction.weekdays", "schedule %s has a restriction with no weekdays, which covers nothing: list the covered days", s.ID)
	case s.Restriction != nil && s.Restriction.FromHour == s.Restriction.ToHour && s.Restriction.FromMinute == s.Restriction.ToMinute:
		return FieldErrorf(EUNPROCESSABLE, "restriction.to", "schedule %s has a window from %02d:%02d to %02d:%02d, which covers nothing", s.ID,
			s.Restriction.FromHour, s.Restriction.FromMinute, s.Restriction.ToHour, s.Restriction.ToMinute)
	}
	return nil
}

// Weekly reports whether turns are whole weeks handing off on a weekday.
func (s ScheduleRule) Weekly() bool {
	return s.HasWeekday && s.Rotation > 0 && s.Rotation%(7*24*time.Hour) == 0
}

// RotationText describes the rotation, e.g. "weekly, Monday 09:00 America/New_York".
func (s ScheduleRule) RotationText() string {
	days := int(s.Rotation / (24 * time.Hour))
	var every string
	switch {
	case s.Weekly() && days == 7:
		every = "weekly, " + s.HandoffWeekday.String()
	case s.Weekly():
		every = fmt.Sprintf("every %d weeks, %s", days/7, s.HandoffWeekday)
	case days == 1 && s.Rotation%(24*time.Hour) == 0:
		every = "daily,"
	case s.Rotation%(24*time.Hour) == 0:
		every = fmt.Sprintf("every %d days,", days)
	default:
		every = "every " + s.Rotation.String() + ","
	}
	zone := ""
	if s.Zone != nil {
		zone = " " + s.Zone.String()
	}
	return fmt.Sprintf("%s %02d:%02d%s", every, s.HandoffHour, s.HandoffMinute, zone)
}

// RestrictionText describes the window, e.g. "Mon–Fri 09:00–17:00
// America/New_York", or "" when the schedule always covers.
func (s ScheduleRule) RestrictionText() string {
	r := s.Restriction
	if r == nil {
		return ""
	}
	days := make([]string, len(r.Weekdays))
	for i, d := range r.Weekdays {
		days[i] = d.String()[:3]
	}
	zone := ""
	if r.Zone != nil {
		zone = " " + r.Zone.String()
	}
	return fmt.Sprintf("%s %02d:%02d–%02d:%02d%s", strings.Join(days, ","), r.FromHour, r.FromMinute, r.ToHour, r.ToMinute, zone)
}

// AvailabilityRule is what an on-call engineer commits to (O4).
type AvailabilityRule struct {
	RespondWithin         time.Duration // respond to an alert, e.g. 5m
	AcknowledgePageWithin time.Duration // acknowledge a page, e.g. 2m
	JoinCallsWithin       time.Duration // join an incident call; 0 means at once
}

// ContactRules is the contacts directory of the policy (X1).
type ContactRules struct {
	People          []ContactPersonRule
	Groups          []ContactGroupRule
	EscalationEmail string
	WarRoom         string
	IncidentChannel string
}

// ContactPersonRule is one contact role of the policy, e.g. the CTO. The
// policy may name the person; an admin may instead assign a user to it.
type ContactPersonRule struct {
	ID    string // e.g. cto
	Title string // e.g. CTO
	Name  string
	Email string
	Phone string
	// Schedule, when set, means whoever is on call in that schedule fills
	// the role (the on-call lead).
	Schedule string
}

// ContactGroupRule names several contact roles at once, e.g. executives.
type ContactGroupRule struct {
	ID      string
	Title   string
	Members []string // ids of ContactPersonRule
}

// Person returns the contact role with the given id.
func (c ContactRules) Person(id string) (ContactPersonRule, bool) {
	for _, p := range c.People {
		if p.ID == id {
			return p, true
		}
	}
	return ContactPersonRule{}, false
}
