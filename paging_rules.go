package arqir

import (
	"slices"
	"time"
)

// PagingRules is what escalation and the communication cadence need from the
// active policy (O4, S1–S4, C1–C3, R4, R5, R7, X1). The policy package builds
// it; escalate.Planner decides with it.
type PagingRules struct {
	// AckWithin is how long a page may go unacknowledged before the next
	// step of the chain is paged (O4: 2 minutes).
	AckWithin time.Duration
	// Chain is who is paged for every incident, step by step, until
	// someone acknowledges: the on-call primary, the secondary during
	// business hours, then the leads.
	Chain []PagingStep
	// Repeat is how many more times the whole chain is paged after its last
	// step went unacknowledged; then the escalation e-mail is told.
	Repeat int
	// StaleAfter expires a notification not sent within this long of being
	// due: a page that old helps nobody and must be shown, not sent.
	StaleAfter time.Duration
	// BusinessHours is the window in which severities that do not page at
	// night page people; outside it their pages wait for its next start.
	BusinessHours Window
	// Severities holds, per severity name, who is informed and whether it
	// pages at night.
	Severities map[string]SeverityPaging
	// Channel is the incident channel, e.g. #incidents (C1, T2).
	Channel string
	// InitialWithin is the deadline of the initial notice (C1: 5 minutes).
	InitialWithin time.Duration
	// MentionTeams says whether the initial notice @mentions the teams of
	// the incident's services (C1).
	MentionTeams bool
	// Mentions are who the initial notice @mentions per service (C1): Slack
	// user-group or member IDs, or "here"/"channel"; "*" applies to every
	// incident. Used when MentionTeams is set.
	Mentions map[string][]string
	// UpdateEvery is the status-update cadence (C2: 15 minutes); zero: none.
	UpdateEvery time.Duration
	// UpdateSeverities need status updates (C2: SEV1–2); empty means all.
	UpdateSeverities []string
	// UpdateGrace is how long after a missed update the reminder to the
	// incident commander escalates to the on-call lead and the escalation list.
	UpdateGrace time.Duration
	// Stakeholders are told of incidents they subscribed to (R7).
	Stakeholders []Stakeholder
	// EscalationEmail is the shared escalation address (X1).
	EscalationEmail string
	// WarRoomSeverities get a war-room call at declaration (R5: SEV1–2).
	WarRoomSeverities []string
	// PagingTool says whether the paging tool (PagerDuty) mirrors incidents (R4, T1).
	PagingTool bool
	// Groups expands contact groups into their member roles.
	Groups map[string][]string
	// Titles names contact roles and groups in words, e.g. cto → CTO.
	Titles map[string]string
	// BaseURL is where arqir is reached, for links in messages; may be empty.
	BaseURL string
	// Webhook says a generic outgoing webhook is configured: it receives a
	// copy of every message the incident channel gets (set by app, not the
	// policy: it is where this installation sends, not a procedure).
	Webhook bool
}

// PagingStep is one step of the paging chain.
type PagingStep struct {
	// Targets are contact roles, groups or "schedule:<id>", paged together.
	Targets []string
	// Window, if set, limits the step to a weekly window (the secondary is
	// a backup during business hours only, O2); outside it the step is skipped.
	Window *Window
}

// SeverityPaging is the escalation of one severity (S1–S4).
type SeverityPaging struct {
	// Escalation targets informed for this severity, each after a delay
	// from declaration while nobody has acknowledged (zero: at once).
	Escalation []EscalationRule
	// PageAtNight says whether people are paged outside business hours.
	PageAtNight bool
}

// EscalationRule is one escalation target of a severity.
type EscalationRule struct {
	Contact string        // a contact role or group, e.g. executives
	After   time.Duration // zero: at declaration
}

// Stakeholder is a subscriber to incidents (R7), e.g. the Customer Success
// Director for customer-facing SEV 1–2 incidents.
type Stakeholder struct {
	// Contact is a contact role or group.
	Contact string
	// Severities and Services limit the subscription; empty means all.
	Severities []string
	Services   []string
}

// Matches reports whether the stakeholder wants to hear about the incident.
func (s Stakeholder) Matches(inc *Incident) bool {
	if len(s.Severities) > 0 && !slices.Contains(s.Severities, inc.Severity) {
		return false
	}
	if len(s.Services) == 0 {
		return true
	}
	for _, svc := range inc.Services {
		if slices.Contains(s.Services, svc) {
			return true
		}
	}
	return false
}

// Window is a weekly time window in a zone, e.g. Monday–Friday 09:00–17:00
// America/New_York. To before From means the window ends the next day.
type Window struct {
	Weekdays []time.Weekday
	From, To time.Duration // since midnight
	Zone     *time.Location
}

// Contains reports whether t falls inside the window.
func (w Window) Contains(t time.Time) bool {
	if w.Zone == nil || len(w.Weekdays) == 0 {
		return true
	}
	lt := t.In(w.Zone)
	mid := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, w.Zone)
	for _, day := range []time.Time{mid, mid.AddDate(0, 0, -1)} {
		if !slices.Contains(w.Weekdays, day.Weekday()) {
			continue
		}
		start := wallClock(day, w.From)
		end := wallClock(day, w.To)
		if !end.After(start) {
			end = wallClock(day.AddDate(0, 0, 1), w.To)
		}
		if !t.Before(start) && t.Before(end) {
			return true
		}
	}
	return false
}

// Next returns the first instant at or after t inside the window (t itself
// when it is inside); a window with no days contains every instant.
func (w Window) Next(t time.Time) time.Time {
	if w.Contains(t) {
		return t
	}
	lt := t.In(w.Zone)
	mid := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, w.Zone)
	for i := 0; i <= 8; i++ {
		day := mid.AddDate(0, 0, i)
		if !slices.Contains(w.Weekdays, day.Weekday()) {
			continue
		}
		if start := wallClock(day, w.From); !start.Before(t) {
			return start.UTC()
		}
	}
	return t // unreachable with a valid window
}

// wallClock is the instant at the given offset of wall-clock time on day,
// e.g. 09:00 on a day that changes DST still means 09:00 local.
func wallClock(day time.Time, since time.Duration) time.Time {
	h, m := int(since/time.Hour), int(since%time.Hour/time.Minute)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
}

// NeedsUpdates reports whether incidents of the severity need status updates (C2).
func (p PagingRules) NeedsUpdates(severity string) bool {
	return p.UpdateEvery > 0 && (len(p.UpdateSeverities) == 0 || slices.Contains(p.UpdateSeverities, severity))
}
