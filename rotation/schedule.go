package rotation

import (
	"slices"
	"time"
)

// Schedule is an on-call schedule: layers of rotations in one time zone, plus
// overrides. The zero value is not valid; see Validate.
type Schedule struct {
	// Name identifies the schedule in shifts and calendar events, e.g. "primary".
	Name string
	// Zone is the IANA zone that handoff times, anchors and restrictions are
	// read in; rotations follow its daylight-saving changes. Required; not
	// time.Local, whose meaning depends on the machine.
	Zone *time.Location
	// Layers in ascending priority: a later layer wins wherever it has someone.
	// At least one.
	Layers []Layer
	// Overrides put someone on call for a time range, above the layers.
	Overrides []Override
	// Vacant lists participants who can no longer be on call (e.g. deleted
	// users). Their turns stay in place, so nobody else's turns move, but
	// yield nobody; an uncovered one is a gap naming them in Part.Vacant.
	// Set it with Without.
	Vacant []string
}

// Layer is one rotation of a schedule, e.g. the weekly primary rotation.
type Layer struct {
	// Name identifies the layer in shifts and in Override.Layer; unique
	// within the schedule. Required.
	Name string
	// Participants are user ids in rotation order; a user may appear more
	// than once. Required, none empty.
	Participants []string
	// Rotation is the length of one turn.
	Rotation Rotation
	// Handoff is when turns change, in the schedule's zone.
	Handoff HandoffTime
	// Anchor is the local date on which Participants[0]'s turn starts at the
	// handoff time; turns repeat every Rotation before and after it. For
	// weekly rotations it falls on Handoff.Weekday. The zero Date means the
	// first possible handoff date on or after 1970-01-01; a store should set
	// it when the layer is created so the first participant starts when the
	// team expects.
	Anchor Date
	// Restriction, if set, limits the layer to weekly windows; outside them
	// the layer has nobody and lower layers show through.
	Restriction *Restriction
}

// Unit is the unit of a Rotation: days or weeks of the local calendar.
type Unit int

// Units of a Rotation.
const (
	Days  Unit = 1 // calendar days in the schedule's zone
	Weeks Unit = 7 // calendar weeks in the schedule's zone
)

// Rotation is the length of one turn in whole local calendar days or weeks,
// so turns keep their wall-clock handoff time across daylight saving.
type Rotation struct {
	Length int  // number of Units, 1 or more
	Unit   Unit // Days or Weeks
}

// Weekly returns a rotation of n weeks.
func Weekly(n int) Rotation { return Rotation{Length: n, Unit: Weeks} }

// Daily returns a rotation of n days.
func Daily(n int) Rotation { return Rotation{Length: n, Unit: Days} }

// days returns the turn length in calendar days.
func (r Rotation) days() int64 { return int64(r.Length) * int64(r.Unit) }

// HandoffTime is the local time at which a layer's turns change, e.g.
// Monday 09:00.
type HandoffTime struct {
	// Weekday of the handoff; used by weekly rotations only.
	Weekday time.Weekday
	// At is the time of day.
	At Clock
}

// Restriction limits a layer to a window on some days of the week, e.g.
// Mon–Fri 09:00–17:00 in the schedule's zone.
type Restriction struct {
	// Weekdays on which a window starts. At least one.
	Weekdays []time.Weekday
	// From is when each window starts, 00:00–23:59.
	From Clock
	// To is when it ends; at or before From means the next day, and EndOfDay
	// (24:00) means midnight at the end of the From day. Not equal to From.
	To Clock
}

// Override puts User on call for [Start, End), above the rotations.
type Override struct {
	// ID identifies the override in shifts and errors; unique. Required.
	ID string
	// Start and End are instants; End is after Start.
	Start, End time.Time
	// User goes on call. Required.
	User string
	// Replaces, if set, limits the override to the time that user would be
	// on call from the rotations (a "cover for Bob"); empty covers the whole
	// range, whoever was on and even if nobody was.
	Replaces string
	// Layer, if set, names the layer whose rotation the override replaces;
	// higher layers then still win over it. Empty applies above all layers.
	Layer string
}

// Without returns a copy of s in which user can no longer be on call, e.g.
// because the account was deleted: the user's turns become vacant (gaps
// flagged with Part.Vacant unless a lower layer or an override covers them)
// and the user's own overrides are dropped and returned, so the caller can
// say what changed. Overrides replacing the user still cover their turns.
func (s Schedule) Without(user string) (Schedule, []Override) {
	out := s
	out.Vacant = append(slices.Clip(s.Vacant), user)
	out.Overrides = nil
	var dropped []Override
	for _, o := range s.Overrides {
		if o.User == user {
			dropped = append(dropped, o)
			continue
		}
		out.Overrides = append(out.Overrides, o)
	}
	return out, dropped
}

// vacant reports whether user is one of s.Vacant.
func (s *Schedule) vacant(user string) bool {
	return len(s.Vacant) > 0 && slices.Contains(s.Vacant, user)
}
