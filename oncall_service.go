package arqir

import (
	"context"
	"time"
)

// PeopleService keeps users, teams and the contacts directory (X1).
type PeopleService interface {
	// CreateUser adds a user. Returns EUNPROCESSABLE for an invalid field
	// (handle, phone, time zone, channels …), ECONFLICT when the handle is
	// taken, also by a deleted user.
	CreateUser(ctx context.Context, in UserInput, a Actor) (*User, error)
	// User returns a user, deleted ones included. Returns ENOTFOUND.
	User(ctx context.Context, handle string) (*User, error)
	// Users lists users by handle; deleted ones only when asked.
	Users(ctx context.Context, includeDeleted bool) ([]*User, error)
	// UpdateUser changes some fields. Returns ENOTFOUND (also for a deleted
	// user), EUNPROCESSABLE for an empty patch or invalid field.
	UpdateUser(ctx context.Context, handle string, p UserPatch, a Actor) (*User, error)
	// DeleteUser removes a user softly: the handle stays reserved, their
	// overrides and contact assignments stop applying. A user who rotates
	// in a schedule is removed only with force, and their turns then become
	// flagged gaps. Returns ENOTFOUND (also when already deleted), ECONFLICT
	// when the user rotates in a schedule and force is false, naming the
	// schedules.
	DeleteUser(ctx context.Context, handle string, force bool, a Actor) (*User, error)

	// CreateTeam adds a team. Returns EUNPROCESSABLE for an invalid field or
	// an unknown member, ECONFLICT when the name is taken.
	CreateTeam(ctx context.Context, in TeamInput, a Actor) (*Team, error)
	// Team returns a team. Returns ENOTFOUND.
	Team(ctx context.Context, name string) (*Team, error)
	// Teams lists teams by name.
	Teams(ctx context.Context) ([]*Team, error)
	// AddTeamMember adds a user to a team; adding a member again changes
	// nothing. Returns ENOTFOUND (team), EUNPROCESSABLE (unknown user).
	AddTeamMember(ctx context.Context, team, handle string, a Actor) (*Team, error)
	// RemoveTeamMember takes a user off a team. Returns ENOTFOUND (team, or
	// the user is not a member).
	RemoveTeamMember(ctx context.Context, team, handle string, a Actor) (*Team, error)

	// Contacts resolves the contacts directory at an instant (zero: the
	// store's now).
	Contacts(ctx context.Context, at time.Time) (*ContactDirectory, error)
	// Contact resolves one contact role of the policy at an instant, as
	// Contacts would, without building the whole directory (a page to a
	// role resolves only that role). Returns ENOTFOUND for a role the
	// policy lacks.
	Contact(ctx context.Context, role string, at time.Time) (Contact, error)
	// AssignContact makes a user fill a contact role of the policy. Returns
	// ENOTFOUND for a role the policy lacks, EUNPROCESSABLE for a role the
	// rotation fills or an unknown user.
	AssignContact(ctx context.Context, role, handle string, a Actor) (*ContactAssignment, error)
	// UnassignContact removes the assignment, so the policy's details (or
	// "not set") apply again. Returns ENOTFOUND if the role had none.
	UnassignContact(ctx context.Context, role string, a Actor) error
}

// OnCallService answers who is on call and keeps what changes it:
// participants, overrides, swaps; and the duties around shifts: handoff
// reports and notes (O5), post-shift checklists (O6), calendar feeds and the
// in-app message log. Every answer is computed by package rotation from the
// policy's schedule structure and the stored data.
type OnCallService interface {
	// SetOnCallRules installs the on-call part of the active policy. Safe
	// for concurrent use.
	SetOnCallRules(r OnCallRules)

	// Schedules describes every schedule of the policy.
	Schedules(ctx context.Context) ([]*ScheduleInfo, error)
	// Schedule describes one. Returns ENOTFOUND.
	Schedule(ctx context.Context, name string) (*ScheduleInfo, error)
	// SetParticipants assigns the rotation of one layer. A change that puts
	// someone else on call at once is a handoff at that instant: its report
	// is made and delivered with the change, once. Returns ENOTFOUND
	// (schedule), EUNPROCESSABLE for an unknown layer, an unknown or
	// deleted user, a bad anchor, or a schedule arqir cannot evaluate.
	SetParticipants(ctx context.Context, schedule string, p Participants, a Actor) (*ParticipantsChange, error)
	// AddOverride puts a user on call for a range that starts now or later
	// (a start up to OverrideStartSkew before now is now). Returns ENOTFOUND
	// (schedule), EUNPROCESSABLE for an unknown user, an inverted range, a
	// start in the past, or one overlapping another override for the same
	// person.
	AddOverride(ctx context.Context, schedule string, in OverrideInput, a Actor) (*Override, error)
	// RemoveOverride deletes an override (both halves of a swap). Returns
	// ENOTFOUND.
	RemoveOverride(ctx context.Context, schedule string, id int64, a Actor) error
	// SwapShifts swaps the shifts starting at a and b: each person covers
	// the other's, from now on for a shift in progress. Returns ENOTFOUND
	// (schedule), EUNPROCESSABLE when no shift starts at a or b, for gaps,
	// the same person, shifts that ended or overlap an override.
	SwapShifts(ctx context.Context, schedule string, a, b time.Time, by Actor) ([]*Override, error)

	// WhoIsOnCall answers for one schedule ("" for all) at an instant (zero:
	// the store's now). Returns ENOTFOUND for an unknown schedule.
	WhoIsOnCall(ctx context.Context, schedule string, at time.Time) ([]*OnCallAnswer, error)
	// ScheduleShifts returns the shifts covering [from, to), gaps included;
	// a zero from is now, a zero to two weeks after from. Returns ENOTFOUND, EINVALID for an empty range or one over 366 days,
	// EUNPROCESSABLE for a schedule arqir cannot evaluate.
	ScheduleShifts(ctx context.Context, schedule string, from, to time.Time) ([]Shift, error)
	// UserShifts returns up to n shifts of a user in any schedule that end
	// after `after` (zero: now), in time order. Returns ENOTFOUND for an
	// unknown user, EINVALID for n outside 1..100.
	UserShifts(ctx context.Context, handle string, after time.Time, n int) ([]Shift, error)

	// AddHandoffNote records a note for the next handoff of a schedule by
	// the engineer on call now, or by an admin (admin true). Returns
	// ENOTFOUND, EFORBIDDEN when the author is neither, EUNPROCESSABLE for
	// an empty or over-long text.
	AddHandoffNote(ctx context.Context, schedule, text string, author Actor, admin bool) (*HandoffNote, error)
	// HandoffNotes lists the notes written during the shift in effect now.
	HandoffNotes(ctx context.Context, schedule string) ([]HandoffNote, error)
	// Handoffs lists a schedule's handoff reports, newest first. Returns
	// ENOTFOUND.
	Handoffs(ctx context.Context, schedule string, limit int) ([]*HandoffReport, error)
	// Handoff returns one report. Returns ENOTFOUND.
	Handoff(ctx context.Context, id int64) (*HandoffReport, error)

	// PostShift returns the post-shift checklist (O6) of the shift starting
	// at start. Returns ENOTFOUND (schedule), EUNPROCESSABLE when no shift
	// with someone on call starts then.
	PostShift(ctx context.Context, schedule string, start time.Time) (*PostShiftChecklist, error)
	// TickPostShift ticks one item ("1", "2", … or the task text) with who
	// and when. Returns ENOTFOUND (schedule or item), EUNPROCESSABLE when no
	// shift starts then, it has not started, or the item is already ticked.
	TickPostShift(ctx context.Context, schedule string, start time.Time, item string, a Actor) (*PostShiftChecklist, error)

	// Inbox lists a user's in-app messages, newest first.
	Inbox(ctx context.Context, handle string, limit int) ([]*InAppMessage, error)

	// CreateCalendarFeed makes a feed and returns its secret token, which
	// cannot be read again. Returns EUNPROCESSABLE for a bad target,
	// ENOTFOUND for an unknown schedule or user.
	CreateCalendarFeed(ctx context.Context, t CalendarTarget, a Actor) (secret string, f *CalendarFeed, err error)
	// CalendarFeeds lists feeds, revoked ones included, never tokens.
	CalendarFeeds(ctx context.Context) ([]*CalendarFeed, error)
	// RevokeCalendarFeed stops a feed at once. Returns ENOTFOUND.
	RevokeCalendarFeed(ctx context.Context, id int64) error
	// CalendarContent returns what the feed with this secret shows over
	// [from, to); both zero means CalendarPast before now to CalendarFuture
	// after it. Returns ENOTFOUND for an unknown or revoked secret, without
	// saying which, EINVALID for a range over 366 days.
	CalendarContent(ctx context.Context, secret string, from, to time.Time) (*CalendarContent, error)

	// SweepOnCall is the scheduler's on-call tick: it stores a handoff report
	// for every handoff between the last sweep and now and delivers it to
	// both engineers, and prompts each engineer handing off soon for notes.
	// Safe on several replicas at once: each report and message exists once.
	SweepOnCall(ctx context.Context, now time.Time) (OnCallSweep, error)

	// Availability reports response numbers per responder for incidents
	// declared in [from, to); a zero to is now, a zero from 30 days before
	// to. Returns EINVALID for an empty range or one
	// over 366 days.
	Availability(ctx context.Context, from, to time.Time) (*AvailabilityReport, error)
}
