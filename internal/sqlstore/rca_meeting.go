package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// rcaMeetingLength is how long an RCA meeting invitation blocks in people's
// calendars.
const rcaMeetingLength = time.Hour

// maxAttendees bounds the attendees of one RCA meeting.
const maxAttendees = 100

// ScheduleRCAMeeting sets the RCA meeting's time and attendees and, in the
// same transaction, queues one e-mail invitation per attendee with the
// meeting as an iCal attachment. Rescheduling sends the invitations again
// with a higher sequence, which calendars read as the same meeting moved.
func (s *Store) ScheduleRCAMeeting(ctx context.Context, id arqir.IncidentID, at time.Time, attendees []string, c arqir.Change) (*arqir.RCA, error) {
	at = storable(at)
	handles := cleanHandles(attendees)
	r, err := s.changeRCA(ctx, id, c, func(tx *sql.Tx, r *arqir.RCA, inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, []arqir.NotificationIntent, error) {
		if err := refusePublished(r); err != nil {
			return nil, nil, err
		}
		switch {
		case !at.After(now):
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "meeting_at", "the meeting time %s is not in the future: schedule the meeting ahead (record one that took place as held instead)", at.Format(time.RFC3339))
		case len(handles) == 0:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "attendees", "name at least one attendee: the user handles of the people to invite, e.g. the responders")
		case len(handles) > maxAttendees:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "attendees", "%d attendees is more than %d: invite the responders and the people who own the follow-up", len(handles), maxAttendees)
		}
		users, err := s.invitees(ctx, tx, handles)
		if err != nil {
			return nil, nil, err
		}
		var seq int
		// Each scheduling left one event: the earlier ones number this one
		// (RFC 5545 SEQUENCE: 0 for the first invitation, one more per move).
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM timeline_events WHERE incident_id = ? AND kind = ?`), id, arqir.EventRCAMeeting).Scan(&seq); err != nil {
			return nil, nil, fmt.Errorf("count earlier invitations: %w", err)
		}
		r.MeetingAt, r.Attendees = &at, handles
		msg := inviteMessage(inc, r, users, seq)
		intents := make([]arqir.NotificationIntent, len(users))
		for i, u := range users {
			intents[i] = arqir.NotificationIntent{
				Key:     fmt.Sprintf("%s/%s/%d/%s", id, arqir.PurposeRCAInvite, seq, u.Handle),
				Purpose: arqir.PurposeRCAInvite, Target: "user:" + u.Handle,
				Channel: arqir.ChannelEmail, Address: u.Email, Recipient: u.DisplayName(), Message: msg,
			}
		}
		ev := rcaEvent(c.Actor, now, arqir.EventRCAMeeting, fmt.Sprintf("RCA meeting scheduled for %s with %s", at.Format(time.RFC3339), strings.Join(handles, ", ")),
			map[string]string{"meeting_at": at.Format(time.RFC3339Nano), "attendees": strings.Join(handles, ","), "sequence": fmt.Sprint(seq)})
		return []arqir.TimelineEvent{ev}, intents, nil
	})
	if err != nil {
		return nil, fmt.Errorf("schedule the RCA meeting of %s: %w", id, err)
	}
	return r, nil
}

// invitees reads the attendees of a meeting: active users, each with an
// e-mail address, since the invitation is an e-mail.
func (s *Store) invitees(ctx context.Context, q querier, handles []string) ([]*arqir.User, error) {
	users := make([]*arqir.User, 0, len(handles))
	for _, h := range handles {
		u, err := s.attendee(ctx, q, h)
		if err != nil {
			return nil, err
		}
		if u.Email == "" {
			return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "attendees", "%s (%s) has no e-mail address and the invitation goes by e-mail: set one with arqir user update %s --email …, or leave them out", u.DisplayName(), u.Handle, u.Handle)
		}
		users = append(users, u)
	}
	return users, nil
}

// attendee reads an active user named as an attendee; an unknown or
// deleted one is EUNPROCESSABLE on the attendees.
func (s *Store) attendee(ctx context.Context, q querier, handle string) (*arqir.User, error) {
	u, err := s.activeUser(ctx, q, handle, "attendees")
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "attendees", "%s: attendees are arqir users (add them with arqir user add %s --name …)", arqir.ErrorMessage(err), handle)
	}
	return u, err
}

// inviteMessage is the invitation every attendee gets: the same meeting,
// with everyone's addresses, so calendars show who else comes.
func inviteMessage(inc *arqir.Incident, r *arqir.RCA, users []*arqir.User, seq int) arqir.Message {
	emails, names := make([]string, len(users)), make([]string, len(users))
	for i, u := range users {
		emails[i], names[i] = u.Email, u.DisplayName()
	}
	subject := fmt.Sprintf("%s %s", inc.ID, inc.Title)
	details := fmt.Sprintf("Root cause analysis of %s (%s).", subject, inc.Severity)
	if inc.ResolvedAt != nil {
		details += fmt.Sprintf(" Resolved %s after %s.", inc.ResolvedAt.Format(time.RFC3339), inc.ResolvedAt.Sub(inc.DeclaredAt).Round(time.Second))
	}
	if inc.RootCause != "" {
		details += "\nRoot cause (as resolved): " + inc.RootCause
	}
	details += fmt.Sprintf("\nThe procedures want the meeting held by %s (P1).", r.DueAt.Format(time.RFC3339))
	return arqir.Message{
		IncidentID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status,
		Headline: "RCA meeting: " + subject,
		Fields: []arqir.MessageField{
			{Label: "When", Value: r.MeetingAt.Format(time.RFC3339)},
			{Label: "Attendees", Value: strings.Join(names, ", ")},
			{Label: "Due by", Value: r.DueAt.Format(time.RFC3339)},
		},
		Meeting: &arqir.MeetingInvite{
			UID: "rca-" + inc.ID.String() + "@arqir", Start: *r.MeetingAt, Duration: rcaMeetingLength,
			Summary: "RCA: " + subject, Details: details, Attendees: emails, Sequence: seq,
		},
	}
}

// RecordRCAMeeting records that the RCA meeting took place. Held by the
// incident's pending rca deadline, it meets it; held later, the deadline
// is breached (as the sweep would have), so the P1 compliance is true.
func (s *Store) RecordRCAMeeting(ctx context.Context, id arqir.IncidentID, heldAt time.Time, attendees []string, c arqir.Change) (*arqir.RCA, error) {
	heldAt = storable(heldAt)
	handles := cleanHandles(attendees)
	r, err := s.changeRCA(ctx, id, c, func(tx *sql.Tx, r *arqir.RCA, inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, []arqir.NotificationIntent, error) {
		if err := refusePublished(r); err != nil {
			return nil, nil, err
		}
		if len(handles) == 0 {
			handles = slices.Clone(r.Attendees) // those invited came
		}
		switch {
		case inc.ResolvedAt == nil:
			return nil, nil, arqir.Errorf(arqir.EUNPROCESSABLE, "%s is open again: record its RCA meeting once it is resolved", id)
		case r.HeldAt != nil:
			return nil, nil, arqir.Errorf(arqir.EUNPROCESSABLE, "the RCA meeting of %s was already recorded as held at %s", id, r.HeldAt.Format(time.RFC3339))
		case heldAt.After(now):
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "held_at", "%s is in the future: record the meeting once it took place, or schedule it", heldAt.Format(time.RFC3339))
		case heldAt.Before(*inc.ResolvedAt):
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "held_at", "%s is before %s resolved at %s: the RCA meeting reviews the resolved incident", heldAt.Format(time.RFC3339), id, inc.ResolvedAt.Format(time.RFC3339))
		case len(handles) == 0:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "attendees", "name who attended the meeting (user handles)")
		case len(handles) > maxAttendees:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "attendees", "%d attendees is more than %d", len(handles), maxAttendees)
		}
		for _, h := range handles {
			if _, err := s.attendee(ctx, tx, h); err != nil {
				return nil, nil, err
			}
		}
		r.HeldAt, r.Attendees = &heldAt, handles
		verdict := "no RCA deadline was pending"
		for i, d := range inc.Deadlines {
			if d.Kind != arqir.DeadlineRCA {
				continue
			}
			// Held in time but recorded after the sweep breached it: the
			// meeting's time decides (P1), and the timeline says so.
			if d.BreachedAt != nil && d.MetAt == nil && d.CancelledAt == nil && !heldAt.After(d.DueAt) && d.BreachedAt.After(heldAt) {
				inc.Deadlines[i].BreachedAt, inc.Deadlines[i].MetAt = nil, &heldAt
				verdict = "P1 met: held by " + d.DueAt.Format(time.RFC3339) + ", recorded late; the breach is withdrawn"
				continue
			}
			if !d.Pending() {
				continue
			}
			if heldAt.After(d.DueAt) {
				verdict = "after the P1 deadline of " + d.DueAt.Format(time.RFC3339)
			} else {
				inc.Deadlines[i].MetAt = &heldAt
				verdict = "P1 met: due by " + d.DueAt.Format(time.RFC3339)
			}
		}
		held := rcaEvent(c.Actor, now, arqir.EventRCAMeetingHeld,
			fmt.Sprintf("RCA meeting held at %s with %s (%s)", heldAt.Format(time.RFC3339), strings.Join(handles, ", "), verdict),
			map[string]string{"held_at": heldAt.Format(time.RFC3339Nano), "attendees": strings.Join(handles, ",")})
		// A meeting held late leaves the deadline due and unmet: breached now.
		return append([]arqir.TimelineEvent{held}, inc.BreachDue(now)...), nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("record the RCA meeting of %s: %w", id, err)
	}
	return r, nil
}

// cleanHandles trims a list of user handles and drops empties and repeats.
func cleanHandles(in []string) []string {
	out := []string{}
	for _, h := range in {
		if h = strings.TrimSpace(h); h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
