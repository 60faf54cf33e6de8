// Package rotation answers the on-call questions exactly: who is on call for a
// schedule at an instant, the shifts in a range, a user's next shifts and the
// handoffs between people. It is pure: every function takes the instants it
// needs as arguments and does no I/O, so the store, the API, the CLI, the
// calendar feed and the handoff job all share one answer.
//
// # Model
//
// A Schedule has a time zone and Layers. Each Layer rotates its Participants
// in order: a turn lasts Rotation (whole days or weeks of the schedule's local
// calendar) and turns change at the layer's Handoff time of day. Because the
// length counts calendar days, not hours, a weekly handoff stays at Monday
// 09:00 local time on both sides of a daylight-saving change; the turn that
// spans the change is an hour shorter or longer.
//
// The Anchor of a layer is a local calendar date: Participants[0]'s turn
// starts at the handoff time on that date, and turn k (any integer, negative
// before the anchor) starts k rotation lengths later with Participants[k mod
// n]. That makes "who is on at t" defined for every t, past and future, and
// computable with arithmetic on day numbers instead of walking weeks.
//
// # Layering and overrides
//
// Like PagerDuty, a later layer in Schedule.Layers sits above the earlier
// ones and wins wherever it has someone; outside its Restriction (e.g.
// Mon–Fri 09:00–17:00) it has no one and the layers below show through.
// Overrides win over all layers (or, with Override.Layer, over one layer's
// rotation). An override with Replaces only takes the time that person would
// have been on call; Replaces is matched against the rotation, never against
// other overrides, so overrides do not chain. A time with nobody on call is a
// gap; gaps are explicit Shifts with an empty User.
//
// # Daylight saving
//
// A wall-clock time T on a local date resolves to the first instant at which
// the zone's clock reads T or later on that date:
//
//   - a time skipped by spring-forward (02:30 on a day the clock jumps from
//     02:00 to 03:00) resolves to the jump itself, 03:00 local;
//   - a time repeated by fall-back (01:30 on a day the clock goes from 02:00
//     back to 01:00) resolves to its first occurrence, before the clocks
//     change.
//
// The same rule places restriction windows.
package rotation
