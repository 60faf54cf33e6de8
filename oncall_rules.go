package arqir

import (
	"fmt"
	"slices"
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
// one or more layers of rotations, each handing off at a weekday and time
// in the schedule's zone and optionally restricted to a weekly window
// (O1–O3).
type ScheduleRule struct {
	ID          string // e.g. primary
	Title       string // e.g. Primary On-Call
	Description string // e.g. 7 days/week
	// Layers in ascending priority: a later layer wins wherever it has
	// someone on call, and outside its restriction the layers below show
	// through. A schedule the policy writes with a single rotation is one
	// layer named DefaultLayer. At least one.
	Layers []LayerRule
	// Layered says the policy listed the layers (oncall.schedules[].layers)
	// rather than writing one rotation; it only decides where problems are
	// reported.
	Layered bool
}

// DefaultLayer names the one layer of a schedule written with a single
// rotation. A policy that later lists layers keeps that layer's
// participants by naming a layer so.
const DefaultLayer = "rotation"

// LayerRule is one rotation of a schedule: who rotates is operational data
// (participants per layer); how is the policy's.
type LayerRule struct {
	// Name identifies the layer within its schedule, e.g. business-hours.
	Name string
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
	// daylight-saving changes. Every layer of a schedule has the same one.
	Zone *time.Location
	// Restriction, if set, limits the layer to a weekly window.
	Restriction *RestrictionRule
}

// RestrictionRule is the weekly window a restricted layer covers, e.g.
// Mon–Fri 09:00–17:00 America/New_York (O2).
type RestrictionRule struct {
	Weekdays             []time.Weekday
	FromHour, FromMinute int
	// ToHour and ToMinute end the window; at or before From means the next day.
	ToHour, ToMinute int
	Zone             *time.Location
}

// Zone is the zone the schedule is read in: its first layer's handoff
// zone, which Check requires of every layer. Nil without layers.
func (s ScheduleRule) Zone() *time.Location {
	if len(s.Layers) == 0 {
		return nil
	}
	return s.Layers[0].Zone
}

// Layer returns the named layer; "" names the first (the base layer).
func (s ScheduleRule) Layer(name string) (LayerRule, bool) {
	for i, l := range s.Layers {
		if l.Name == name || name == "" && i == 0 {
			return l, true
		}
	}
	return LayerRule{}, false
}

// LayerNames lists the layer names in priority order, lowest first.
func (s ScheduleRule) LayerNames() []string {
	out := make([]string, len(s.Layers))
	for i, l := range s.Layers {
		out[i] = l.Name
	}
	return out
}

// UnknownLayer is the error for a layer the schedule does not have.
func (s ScheduleRule) UnknownLayer(name string) error {
	return FieldErrorf(EUNPROCESSABLE, "layer", "schedule %s has no layer %q: its layers are %s (leave layer out for the first)", s.ID, name, strings.Join(s.LayerNames(), ", "))
}

// Restricted reports whether some layer is restricted to a window.
func (s ScheduleRule) Restricted() bool {
	for _, l := range s.Layers {
		if l.Restriction != nil {
			return true
		}
	}
	return false
}

// Check reports why the schedule cannot be evaluated exactly, as
// EUNPROCESSABLE with the field relative to the schedule's path in the
// policy: no layers, a rotation that is not whole days, layers or a
// restriction read in different zones. The policy loads such a schedule;
// the on-call service refuses it with this message.
func (s ScheduleRule) Check() error {
	if len(s.Layers) == 0 {
		return FieldErrorf(EUNPROCESSABLE, "layers", "schedule %s has no layers: give it a rotation, or list layers under oncall.schedules[%s].layers", s.ID, s.ID)
	}
	zone := s.Zone()
	for i, l := range s.Layers {
		at := ""
		if s.Layered {
			at = fmt.Sprintf("layers[%d].", i)
		}
		if err := l.check(s.ID, at, zone); err != nil {
			return err
		}
		if l.Name == "" || slices.IndexFunc(s.Layers, func(o LayerRule) bool { return o.Name == l.Name }) < i {
			return FieldErrorf(EUNPROCESSABLE, at+"name", "schedule %s has a layer named %q twice or without a name: give each layer its own name", s.ID, l.Name)
		}
	}
	return nil
}

// check reports why one layer cannot be evaluated exactly; at is its path
// prefix ("" for the single-rotation form) and zone the schedule's.
func (l LayerRule) check(schedule, at string, zone *time.Location) error {
	day := 24 * time.Hour
	what := "schedule " + schedule
	if at != "" {
		what = fmt.Sprintf("layer %s of schedule %s", l.Name, schedule)
	}
	r := l.Restriction
	switch {
	case l.Zone == nil:
		return FieldErrorf(EUNPROCESSABLE, at+"rotation.handoff.zone", "%s has no handoff zone: set its rotation.handoff.zone, e.g. America/New_York", what)
	case l.Zone.String() != zone.String():
		return FieldErrorf(EUNPROCESSABLE, at+"rotation.handoff.zone", "%s hands off in %s but the schedule's first layer in %s: one schedule is read in one zone; give every layer the same zone (%s)", what, l.Zone, zone, zone)
	case l.Rotation <= 0 || l.Rotation%day != 0:
		return FieldErrorf(EUNPROCESSABLE, at+"rotation.length", "%s rotates every %s, which is not a whole number of days: turns count local calendar days so that handoffs keep their wall-clock time across daylight saving; use a length such as 1d, 2d or 1w", what, l.Rotation)
	case l.HasWeekday && l.Rotation%(7*day) != 0:
		return FieldErrorf(EUNPROCESSABLE, at+"rotation.handoff.weekday", "%s hands off on %ss but rotates every %s: a weekday handoff needs whole weeks, such as 1w or 2w", what, l.HandoffWeekday, l.Rotation)
	case r != nil && (r.Zone == nil || r.Zone.String() != l.Zone.String()):
		rz := "no zone"
		if r.Zone != nil {
			rz = r.Zone.String()
		}
		return FieldErrorf(EUNPROCESSABLE, at+"restriction.zone", "%s hands off in %s but restricts its window in %s: one schedule is read in one zone; give the restriction the handoff's zone (%s)", what, l.Zone, rz, l.Zone)
	case r != nil && len(r.Weekdays) == 0:
		return FieldErrorf(EUNPROCESSABLE, at+"restriction.weekdays", "%s has a restriction with no weekdays, which covers nothing: list the covered days", what)
	case r != nil && r.FromHour == r.ToHour && r.FromMinute == r.ToMinute:
		return FieldErrorf(EUNPROCESSABLE, at+"restriction.to", "%s has a window from %02d:%02d to %02d:%02d, which covers nothing", what,
			r.FromHour, r.FromMinute, r.ToHour, r.ToMinute)
	}
	return nil
}

// Weekly reports whether turns are whole weeks handing off on a weekday.
func (l LayerRule) Weekly() bool {
	return l.HasWeekday && l.Rotation > 0 && l.Rotation%(7*24*time.Hour) == 0
}

// RotationText describes the rotation, e.g. "weekly, Monday 09:00 America/New_York".
func (l LayerRule) RotationText() string {
	days := int(l.Rotation / (24 * time.Hour))
	var every string
	switch {
	case l.Weekly() && days == 7:
		every = "weekly, " + l.HandoffWeekday.String()
	case l.Weekly():
		every = fmt.Sprintf("every %d weeks, %s", days/7, l.HandoffWeekday)
	case days == 1 && l.Rotation%(24*time.Hour) == 0:
		every = "daily,"
	case l.Rotation%(24*time.Hour) == 0:
		every = fmt.Sprintf("every %d days,", days)
	default:
		every = "every " + l.Rotation.String() + ","
	}
	zone := ""
	if l.Zone != nil {
		zone = " " + l.Zone.String()
	}
	return fmt.Sprintf("%s %02d:%02d%s", every, l.HandoffHour, l.HandoffMinute, zone)
}

// RestrictionText describes the window, e.g. "Mon,Tue,Wed,Thu,Fri
// 09:00–17:00 America/New_York", or "" when the layer always covers.
func (l LayerRule) RestrictionText() string {
	r := l.Restriction
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
