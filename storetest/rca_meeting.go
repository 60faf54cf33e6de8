package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var rcaMeetingTests = []namedTest{
	{name: "P1_ScheduleSendsAnICalInvitationToEachAttendee", fn: testRCASchedule},
	{name: "P1_ScheduleRefusalsChangeNothing", fn: testRCAScheduleRefusals},
	{name: "P1_RecordingTheMeetingMeetsTheDeadline", fn: testRCAHeld},
	{name: "P1_RecordingRefusalsChangeNothing", fn: testRCAHeldRefusals},
	{name: "P1_MeetingHeldLateBreachesTheDeadline", fn: testRCAHeldLate},
	{name: "P1_MeetingHeldInTimeButRecordedLateMeetsTheDeadline", fn: testRCAHeldInTimeRecordedLate},
}

// invites returns the RCA invitations of an incident, oldest first.
func (e *env) invites(id arqir.IncidentID) []*arqir.Notification {
	e.t.Helper()
	var out []*arqir.Notification
	for _, n := range e.notifications(id) {
		if n.Purpose == arqir.PurposeRCAInvite {
			out = append(out, n)
		}
	}
	return out
}

func testRCASchedule(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors", "checkout")
	e.clock.Advance(30 * time.Minute)
	e.resolve(inc.ID)
	due := e.rca(inc.ID).DueAt
	now := micro(e.clock.Advance(time.Hour))
	at := now.Add(3 * time.Hour)
	r := e.mustRCA(e.st.ScheduleRCAMeeting(e.ctx, inc.ID, at, []string{"ada", " bob ", "ada"}, as))
	if r.MeetingAt == nil || !r.MeetingAt.Equal(at) || r.Version != 2 {
		e.t.Fatalf("scheduled RCA %+v", r)
	}
	equal(e.t, "attendees", r.Attendees, []string{"ada", "bob"})

	ns := e.invites(inc.ID)
	if len(ns) != 2 {
		e.t.Fatalf("%d invitations, want one per attendee", len(ns))
	}
	for i, who := range []struct{ handle, name, email string }{{"ada", "Ada Lovelace", "ada@example.com"}, {"bob", "Bob Kahn", "bob@example.com"}} {
		n := ns[i]
		switch {
		case n.Key != inc.ID.String()+"/rca_invite/0/"+who.handle:
			e.t.Fatalf("key %q", n.Key)
		case n.Target != "user:"+who.handle || n.Channel != arqir.ChannelEmail || n.Address != who.email || n.Recipient != who.name:
			e.t.Fatalf("invitation %d goes to %s via %s at %s (%s), want %s by e-mail", i, n.Target, n.Channel, n.Address, n.Recipient, who.email)
		case n.State != arqir.NotificationQueued || !n.NotBefore.Equal(now):
			e.t.Fatalf("invitation %d is %s not before %s, want queued now", i, n.State, n.NotBefore)
		case n.Message.Headline != "RCA meeting: "+inc.ID.String()+" Checkout errors":
			e.t.Fatalf("headline %q", n.Message.Headline)
		}
		m := n.Message.Meeting
		if m == nil {
			e.t.Fatalf("invitation %d carries no meeting", i)
		}
		details := m.Details
		m.Details = ""
		equal(e.t, "the meeting", *m, arqir.MeetingInvite{
			UID: "rca-" + inc.ID.String() + "@arqir", Start: at, Duration: time.Hour, Summary: "RCA: " + inc.ID.String() + " Checkout errors",
			Attendees: []string{"ada@example.com", "bob@example.com"}, Sequence: 0,
		})
		if !strings.Contains(details, "a bad deploy") || !strings.Contains(details, due.Format(time.RFC3339)) {
			e.t.Fatalf("details %q should give the root cause and the P1 due time", details)
		}
	}
	if got := kinds(e.timeline(inc.ID)); !strings.HasSuffix(strings.Join(got, " "), arqir.EventRCAMeeting+" "+arqir.EventNotificationQueued+" "+arqir.EventNotificationQueued) {
		e.t.Fatalf("timeline %v, want the meeting and the two invitations queued", got)
	}

	// Moved: everyone invited gets the same meeting again, one sequence on.
	moved := at.Add(24 * time.Hour)
	r = e.mustRCA(e.st.ScheduleRCAMeeting(e.ctx, inc.ID, moved, []string{"bob"}, as))
	equal(e.t, "attendees after the move", r.Attendees, []string{"bob"})
	ns = e.invites(inc.ID)
	if len(ns) != 3 {
		e.t.Fatalf("%d invitations after the move, want 3", len(ns))
	}
	if n := ns[2]; n.Key != inc.ID.String()+"/rca_invite/1/bob" || n.Message.Meeting.Sequence != 1 || !n.Message.Meeting.Start.Equal(moved) {
		e.t.Fatalf("the moved invitation %+v, meeting %+v", n, n.Message.Meeting)
	}
}

func testRCAScheduleRefusals(e *env) {
	e.postIncident()
	e.deleteUser("bob", false)
	inc := e.declare("SEV2", "Checkout errors")
	e.resolve(inc.ID)
	now := e.clock.Now()
	before, snap := e.rca(inc.ID), e.snap(inc.ID)
	for _, tc := range []struct {
		name      string
		at        time.Time
		attendees []string
		change    arqir.Change
		code      string
		field     string
		says      string
	}{
		{"now is not ahead", now, []string{"ada"}, as, arqir.EUNPROCESSABLE, "meeting_at", "not in the future"},
		{"in the past", now.Add(-time.Hour), []string{"ada"}, as, arqir.EUNPROCESSABLE, "meeting_at", "not in the future"},
		{"nobody", now.Add(time.Hour), []string{" "}, as, arqir.EUNPROCESSABLE, "attendees", "at least one"},
		{"unknown user", now.Add(time.Hour), []string{"ada", "zed"}, as, arqir.EUNPROCESSABLE, "attendees", "zed"},
		{"deleted user", now.Add(time.Hour), []string{"bob"}, as, arqir.EUNPROCESSABLE, "attendees", "deleted"},
		{"no e-mail", now.Add(time.Hour), []string{"carol"}, as, arqir.EUNPROCESSABLE, "attendees", "no e-mail address"},
		{"stale version", now.Add(time.Hour), []string{"ada"}, arqir.Change{Actor: alice, ExpectedVersion: 2}, arqir.ECONFLICT, "", "version"},
	} {
		_, err := e.st.ScheduleRCAMeeting(e.ctx, inc.ID, tc.at, tc.attendees, tc.change)
		if tc.field != "" {
			wantCode(e.t, err, tc.code, tc.field)
		} else {
			wantCode(e.t, err, tc.code)
		}
		if !strings.Contains(arqir.ErrorMessage(err), tc.says) {
			e.t.Fatalf("%s: message %q should say %q", tc.name, arqir.ErrorMessage(err), tc.says)
		}
	}
	e.rcaUnchanged(before, snap)
	if n := e.invites(inc.ID); len(n) != 0 {
		e.t.Fatalf("refused schedulings queued %d invitations", len(n))
	}
}

func testRCAHeld(e *env) {
	e.postIncident()
	p := &testPlanner{}
	e.st.SetPlanner(p)
	inc := e.declare("SEV2", "Checkout errors")
	resolvedAt := micro(e.clock.Advance(20 * time.Minute))
	e.resolve(inc.ID)
	at := micro(e.clock.Advance(time.Hour)).Add(time.Hour)
	e.mustRCA(e.st.ScheduleRCAMeeting(e.ctx, inc.ID, at, []string{"ada", "bob"}, as))
	e.clock.Set(at.Add(90 * time.Minute))
	p.take()

	// No attendees named: those invited came.
	r := e.mustRCA(e.st.RecordRCAMeeting(e.ctx, inc.ID, at, nil, arqir.Change{Actor: alice, ExpectedVersion: 2}))
	if r.HeldAt == nil || !r.HeldAt.Equal(at) || r.Overdue || r.Version != 3 {
		e.t.Fatalf("held RCA %+v", r)
	}
	equal(e.t, "attendees", r.Attendees, []string{"ada", "bob"})
	dl := e.get(inc.ID).Deadlines
	equal(e.t, "the RCA deadline", dl[len(dl)-1], arqir.Deadline{Kind: arqir.DeadlineRCA, DueAt: resolvedAt.Add(24 * time.Hour), MetAt: &at})
	events := e.timeline(inc.ID)
	if last := events[len(events)-1]; last.Kind != arqir.EventRCAMeetingHeld || !strings.Contains(last.Message, "P1 met") {
		e.t.Fatalf("last event %+v, want the meeting held, P1 met", last)
	}
	calls := p.take()
	if len(calls) != 1 || len(calls[0].events) != 1 || calls[0].events[0].Kind != arqir.EventRCAMeetingHeld {
		e.t.Fatalf("the planner saw %+v, want the meeting held once", calls)
	}
	if n, err := e.st.SweepDeadlines(e.ctx, resolvedAt.Add(48*time.Hour)); err != nil || n != 0 {
		e.t.Fatalf("a met RCA deadline was breached %d times (%v)", n, err)
	}
}

func testRCAHeldRefusals(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	resolvedAt := micro(e.clock.Advance(20 * time.Minute))
	e.resolve(inc.ID)
	now := micro(e.clock.Advance(time.Hour))
	before, snap := e.rca(inc.ID), e.snap(inc.ID)
	for _, tc := range []struct {
		name      string
		held      time.Time
		attendees []string
		field     string
	}{
		{"in the future", now.Add(time.Minute), []string{"ada"}, "held_at"},
		{"before the resolution", resolvedAt.Add(-time.Microsecond), []string{"ada"}, "held_at"},
		{"nobody, nobody invited", now, nil, "attendees"},
		{"unknown user", now, []string{"zed"}, "attendees"},
	} {
		_, err := e.st.RecordRCAMeeting(e.ctx, inc.ID, tc.held, tc.attendees, as)
		wantCode(e.t, err, arqir.EUNPROCESSABLE, tc.field)
	}
	_, err := e.st.RecordRCAMeeting(e.ctx, inc.ID, now, []string{"ada"}, arqir.Change{Actor: alice, ExpectedVersion: 9})
	wantCode(e.t, err, arqir.ECONFLICT)
	e.rcaUnchanged(before, snap)

	e.mustRCA(e.st.RecordRCAMeeting(e.ctx, inc.ID, now, []string{"ada"}, as))
	before, snap = e.rca(inc.ID), e.snap(inc.ID)
	_, err = e.st.RecordRCAMeeting(e.ctx, inc.ID, now, []string{"ada"}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	if !strings.Contains(arqir.ErrorMessage(err), "already recorded") {
		e.t.Fatalf("message %q", arqir.ErrorMessage(err))
	}
	e.rcaUnchanged(before, snap)

	// Reopened, the incident is not resolved: no meeting to record yet.
	other := e.declare("SEV3", "Slow search")
	e.resolve(other.ID)
	e.must(e.st.Reopen(e.ctx, other.ID, "slow again", as))
	before, snap = e.rca(other.ID), e.snap(other.ID)
	_, err = e.st.RecordRCAMeeting(e.ctx, other.ID, now, []string{"ada"}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	e.rcaUnchanged(before, snap)
}

func testRCAHeldLate(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	resolvedAt := micro(e.clock.Advance(20 * time.Minute))
	e.resolve(inc.ID)
	due := resolvedAt.Add(24 * time.Hour)
	// No sweep ran since the deadline passed; recording the late meeting
	// breaches it then, as the sweep would have.
	now := due.Add(2 * time.Hour)
	e.clock.Set(now)
	e.mustRCA(e.st.RecordRCAMeeting(e.ctx, inc.ID, due.Add(time.Hour), []string{"ada"}, as))
	dl := e.get(inc.ID).Deadlines
	equal(e.t, "the RCA deadline", dl[len(dl)-1], arqir.Deadline{Kind: arqir.DeadlineRCA, DueAt: due, BreachedAt: &now})
	events := e.timeline(inc.ID)
	equal(e.t, "the last events", kinds(events[len(events)-2:]), []string{arqir.EventRCAMeetingHeld, arqir.EventDeadlineBreached})
	if !strings.Contains(events[len(events)-2].Message, "after the P1 deadline") {
		e.t.Fatalf("message %q should say the meeting came after the deadline", events[len(events)-2].Message)
	}
	if n, err := e.st.SweepDeadlines(e.ctx, now); err != nil || n != 0 {
		e.t.Fatalf("the sweep breached %d (%v) again", n, err)
	}
}

// A meeting held in time but recorded after the sweep breached the deadline
// meets it: the meeting's time decides P1, and the breach is withdrawn on
// the timeline.
func testRCAHeldInTimeRecordedLate(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	resolvedAt := micro(e.clock.Advance(20 * time.Minute))
	e.resolve(inc.ID)
	due := resolvedAt.Add(24 * time.Hour)
	if n, err := e.st.SweepDeadlines(e.ctx, due); err != nil || n != 1 {
		e.t.Fatalf("the sweep at the deadline breached %d (%v), want the RCA deadline", n, err)
	}
	e.clock.Set(due.Add(time.Hour))
	heldAt := due.Add(-4 * time.Hour)
	e.mustRCA(e.st.RecordRCAMeeting(e.ctx, inc.ID, heldAt, []string{"ada"}, as))
	dl := e.get(inc.ID).Deadlines
	equal(e.t, "the RCA deadline", dl[len(dl)-1], arqir.Deadline{Kind: arqir.DeadlineRCA, DueAt: due, MetAt: &heldAt})
}
