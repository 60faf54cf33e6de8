package storetest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// The planner hook: every change of an incident consults the planner in
// its transaction, and what the planner decides commits with the change.

func testPlannerSeesChanges(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV1", "Checkout down")
	calls := p.take()
	if len(calls) != 1 {
		e.t.Fatalf("declare planned %d times, want once", len(calls))
	}
	c := calls[0]
	switch {
	case c.before != nil:
		e.t.Fatalf("a new incident was planned with a before: %+v", c.before)
	case c.after.ID != inc.ID || c.after.Version != 1 || !c.now.Equal(inc.DeclaredAt):
		e.t.Fatalf("declare planned after %s v%d at %v, want %s v1 at %v", c.after.ID, c.after.Version, c.now, inc.ID, inc.DeclaredAt)
	case kinds(c.events)[0] != arqir.EventDeclared:
		e.t.Fatalf("declare planned with events %v", kinds(c.events))
	}

	now := micro(e.clock.Advance(time.Minute))
	acked := e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	calls = p.take()
	if len(calls) != 1 {
		e.t.Fatalf("acknowledge planned %d times, want once", len(calls))
	}
	c = calls[0]
	switch {
	case c.before == nil || c.before.AcknowledgedAt != nil || c.before.Version != 1:
		e.t.Fatalf("acknowledge planned with before %+v, want the unacknowledged version 1", c.before)
	case c.after.AcknowledgedAt == nil || c.after.Version != acked.Version || !c.now.Equal(now):
		e.t.Fatalf("acknowledge planned with after v%d acknowledged %v at %v", c.after.Version, c.after.AcknowledgedAt, c.now)
	}
	equal(e.t, "events the acknowledgement was planned with", kinds(c.events), []string{arqir.EventAcknowledged, arqir.EventChecklistTicked})

	// A refused change is not planned; a change of nothing plans nothing.
	if _, err := e.st.Acknowledge(e.ctx, inc.ID, as); err == nil {
		e.t.Fatal("a second acknowledgement succeeded")
	}
	if n, err := e.st.SweepDeadlines(e.ctx, now); err != nil || n != 0 {
		e.t.Fatalf("sweep before anything is due breached %d (%v)", n, err)
	}
	if calls := p.take(); len(calls) != 0 {
		e.t.Fatalf("a refused change and an idle sweep planned %d times", len(calls))
	}

	e.must(e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "none"}, as))
	calls = p.take()
	if len(calls) != 1 || !calls[0].before.Status.Open() || calls[0].after.Status != arqir.StatusResolved {
		e.t.Fatalf("resolve planned %d times (%+v)", len(calls), calls)
	}

	// The deadline sweep plans its breaches (an escalation starts there).
	other := e.declare("SEV1", "Search down")
	p.take()
	at := other.DeclaredAt.Add(5 * time.Minute)
	if n, err := e.st.SweepDeadlines(e.ctx, at); err != nil || n != 2 {
		e.t.Fatalf("sweep breached %d (%v), want the response and initial notice deadlines", n, err)
	}
	calls = p.take()
	if len(calls) != 1 || calls[0].after.ID != other.ID || !calls[0].now.Equal(at) {
		e.t.Fatalf("the sweep planned %d times (%+v), want once for %s", len(calls), calls, other.ID)
	}
	equal(e.t, "events the sweep was planned with", kinds(calls[0].events), []string{arqir.EventDeadlineBreached, arqir.EventDeadlineBreached})

	// Every other door: severity, status, roles, checklist, reopen, false positive, update.
	e.must(e.st.ChangeSeverity(e.ctx, other.ID, "SEV2", "", as))
	e.must(e.st.ChangeStatus(e.ctx, other.ID, arqir.StatusIdentified, "", as))
	e.must(e.st.AssignRoles(e.ctx, other.ID, arqir.RoleChange{Commander: ptr("alice")}, as))
	e.must(e.st.TickChecklist(e.ctx, other.ID, "R4", as))
	e.must(e.st.PostUpdate(e.ctx, other.ID, arqir.StatusUpdate{Investigating: "the index"}, as))
	e.must(e.st.MarkFalsePositive(e.ctx, other.ID, "a test alert", as))
	e.must(e.st.Resolve(e.ctx, other.ID, arqir.Resolution{RootCause: "x", CustomerImpact: "none"}, as))
	e.must(e.st.Reopen(e.ctx, other.ID, "came back", as))
	calls = p.take()
	var got []string
	for _, c := range calls {
		got = append(got, c.events[0].Kind)
		if c.after.Version != c.before.Version+1 {
			e.t.Fatalf("%s planned with versions %d → %d", c.events[0].Kind, c.before.Version, c.after.Version)
		}
	}
	equal(e.t, "changes planned", got, []string{arqir.EventSeverityChanged, arqir.EventStatusChanged, arqir.EventRolesChanged,
		arqir.EventChecklistTicked, arqir.EventStatusUpdate, arqir.EventFalsePositive, arqir.EventResolved, arqir.EventReopened})
}

func testPlannerSeesIngest(e *env) {
	in := e.prom()
	p := &testPlanner{fn: func(before, after *arqir.Incident, _ []arqir.TimelineEvent, now time.Time) arqir.Plan {
		if before != nil {
			return arqir.Plan{}
		}
		return arqir.Plan{Notify: []arqir.NotificationIntent{{Purpose: arqir.PurposePage, Step: 1, Target: "schedule:primary"}}}
	}}
	e.st.SetPlanner(p)
	disk := func(key, instance string) arqir.AlertEvent {
		return firing(key, "alertname", "DiskFull", "service", "storage", "instance", instance)
	}
	// Two alerts of one group in one request: one new incident, planned once.
	inc := e.only(e.ingest(in, "r1", disk("d1", "a"), disk("d2", "b")))
	calls := p.take()
	if len(calls) != 1 || calls[0].before != nil || calls[0].after.ID != inc.ID {
		e.t.Fatalf("the request opening %s planned %d times (%+v), want once with no before", inc.ID, len(calls), calls)
	}
	if k := kinds(calls[0].events); k[0] != arqir.EventDeclared || !slices.Contains(k, arqir.EventAlertAttached) {
		e.t.Fatalf("the opening was planned with events %v, want the declaration and the second alert attached", k)
	}
	ns := e.notifications(inc.ID)
	if len(ns) != 1 || ns[0].Key != fmt.Sprintf("%s/v1/page/schedule:primary/:", inc.ID) || ns[0].State != arqir.NotificationQueued {
		e.t.Fatalf("notifications of the opening = %+v", ns)
	}
	if got := e.eventsOf(inc.ID, arqir.EventNotificationQueued); len(got) != 1 || got[0].Message != "Queued page (step 1) to schedule:primary" {
		e.t.Fatalf("queued events = %+v", got)
	}
	if inc.Version != 1 {
		e.t.Fatalf("the new incident is at version %d, want 1", inc.Version)
	}

	// Repeats change no incident: no plan.
	res := e.ingest(in, "r2", disk("d1", "a"))
	if calls := p.take(); len(calls) != 0 {
		e.t.Fatalf("a repeat planned %d times", len(calls))
	}
	// A verdict on one alert notes it on the incident: planned too.
	if _, err := e.st.MarkAlertFalsePositive(e.ctx, res.Alerts[0].ID, "a test disk", alice); err != nil {
		e.t.Fatal(err)
	}
	if calls := p.take(); len(calls) != 1 || kinds(calls[0].events)[0] != arqir.EventAlertFalsePositive || calls[0].after.Version != 2 {
		e.t.Fatalf("an alert's false-positive verdict planned %d times (%+v), want once", len(calls), calls)
	}

	// Both alerts resolve in one request: the incident (SEV4 auto-resolves)
	// is planned once, from how the request found it to how it left it.
	e.ingest(in, "r3", resolvedEvent("d1"), resolvedEvent("d2"))
	calls = p.take()
	if len(calls) != 1 {
		e.t.Fatalf("the resolving request planned %d times, want once", len(calls))
	}
	c := calls[0]
	if c.before == nil || !c.before.Status.Open() || c.before.Version != 2 || c.after.Status != arqir.StatusResolved || c.after.Version != 3 {
		e.t.Fatalf("planned before %+v after %+v", c.before, c.after)
	}
	// The RCA of the resolution is created before the planner is asked (P1).
	equal(e.t, "events of the resolving request", kinds(c.events), []string{arqir.EventAlertsResolved, arqir.EventResolved, arqir.EventRCACreated})
	if got := e.get(inc.ID); got.Version != 3 {
		e.t.Fatalf("version %d after resolving, want 3", got.Version)
	}
}

func testIntentsQueue(e *env) {
	p := e.pager(func(before, after *arqir.Incident, _ []arqir.TimelineEvent, now time.Time) arqir.Plan {
		if before != nil {
			return arqir.Plan{}
		}
		after.Deadlines = append(after.Deadlines, arqir.Deadline{Kind: arqir.DeadlinePageAck, DueAt: now.Add(2 * time.Minute), Step: 1})
		later := page(after.ID, 2, "cto")
		later.NotBefore = now.Add(2 * time.Minute)
		return arqir.Plan{
			Notify: []arqir.NotificationIntent{
				page(after.ID, 1, "schedule:primary"),
				{Purpose: arqir.PurposeInitialNotice, Target: "#incidents", Channel: arqir.ChannelSlackChannel, Address: "C123",
					Message: arqir.Message{Headline: "SEV1 declared: Checkout down", Fields: []arqir.MessageField{{Label: "Severity", Value: "SEV1"}}}},
				later,
			},
			Events: []arqir.TimelineEvent{{Kind: arqir.EventEscalated, Actor: "system", Source: arqir.SourceSystem, Message: "Paging step 1"}},
		}
	})
	inc := e.declare("SEV1", "Checkout down")
	e.stored(inc)
	at := inc.DeclaredAt
	last := inc.Deadlines[len(inc.Deadlines)-1]
	if last.Kind != arqir.DeadlinePageAck || last.Step != 1 || !last.DueAt.Equal(at.Add(2*time.Minute)) || inc.Version != 1 {
		e.t.Fatalf("the deadline the planner added = %+v (version %d)", last, inc.Version)
	}
	p.take()

	ns := e.notifications(inc.ID)
	if len(ns) != 3 {
		e.t.Fatalf("%d notifications queued, want 3", len(ns))
	}
	notice := ns[1]
	want := &arqir.Notification{
		ID: notice.ID, IncidentID: inc.ID, Key: fmt.Sprintf("%s/v1/initial_notice/#incidents/slack_channel:C123", inc.ID),
		Purpose: arqir.PurposeInitialNotice, Target: "#incidents", Channel: arqir.ChannelSlackChannel, Address: "C123",
		Message: arqir.Message{IncidentID: inc.ID, Headline: "SEV1 declared: Checkout down", Fields: []arqir.MessageField{{Label: "Severity", Value: "SEV1"}}},
		State:   arqir.NotificationQueued, NotBefore: at, ExpiresAt: at.Add(stale), CreatedAt: at, UpdatedAt: at,
	}
	equal(e.t, "the queued initial notice", notice, want)
	if ns[0].Key != fmt.Sprintf("%s/page/1/schedule:primary", inc.ID) || ns[0].Step != 1 || ns[0].Message.Headline == "" {
		e.t.Fatalf("the page = %+v", ns[0])
	}
	if !ns[2].NotBefore.Equal(at.Add(2*time.Minute)) || !ns[2].ExpiresAt.Equal(at.Add(2*time.Minute+stale)) {
		e.t.Fatalf("the deferred page is due %v, stale %v", ns[2].NotBefore, ns[2].ExpiresAt)
	}

	events := e.timeline(inc.ID)
	tail := events[len(events)-4:]
	equal(e.t, "the planner's event, then one per queued notification", kinds(tail), []string{
		arqir.EventEscalated, arqir.EventNotificationQueued, arqir.EventNotificationQueued, arqir.EventNotificationQueued})
	msgs := []string{tail[1].Message, tail[2].Message, tail[3].Message}
	equal(e.t, "queued messages", msgs, []string{
		"Queued page (step 1) to schedule:primary",
		"Queued initial_notice to #incidents via slack_channel",
		"Queued page (step 2) to cto, not before " + at.Add(2*time.Minute).Format(time.RFC3339),
	})
	if d := tail[2].Data; d["purpose"] != arqir.PurposeInitialNotice || d["channel"] != arqir.ChannelSlackChannel || d["target"] != "#incidents" || d["key"] != notice.Key {
		e.t.Fatalf("queued event data = %v", d)
	}
	if !tail[0].At.Equal(at) {
		e.t.Fatalf("the planner's event without a time was stamped %v, want %v", tail[0].At, at)
	}
	next, err := e.st.NextNotificationAt(e.ctx)
	if err != nil || next == nil || !next.Equal(at) {
		e.t.Fatalf("next notification at %v (%v), want %v", next, err, at)
	}
}

func testRejectedQueuesNothing(e *env) {
	e.pager(func(before, after *arqir.Incident, _ []arqir.TimelineEvent, now time.Time) arqir.Plan {
		return arqir.Plan{
			Notify: []arqir.NotificationIntent{{Purpose: arqir.PurposeStatusSync, Target: "pagerduty", Channel: arqir.ChannelPagerDuty}},
			Events: []arqir.TimelineEvent{{At: now, Kind: arqir.EventNote, Actor: "planner", Message: "planned"}},
		}
	})
	inc := e.declare("SEV2", "Checkout errors")
	e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	if n := len(e.notifications(inc.ID)); n != 2 {
		e.t.Fatalf("%d notifications after two changes, want 2", n)
	}
	before := e.snap(inc.ID)
	e.clock.Advance(time.Minute)
	_, err := e.st.Acknowledge(e.ctx, inc.ID, arqir.Change{Actor: bob})
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, err = e.st.AddNote(e.ctx, inc.ID, "late", arqir.Change{Actor: bob, ExpectedVersion: 1})
	wantCode(e.t, err, arqir.ECONFLICT)
	_, err = e.st.PostUpdate(e.ctx, inc.ID, arqir.StatusUpdate{}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	e.unchanged(before)
	if n := len(e.notifications(inc.ID)); n != 2 {
		e.t.Fatalf("%d notifications after refused changes, want still 2", n)
	}
}

func testSameKeyQueuesOnce(e *env) {
	e.pager(func(_, after *arqir.Incident, _ []arqir.TimelineEvent, _ time.Time) arqir.Plan {
		return arqir.Plan{Notify: []arqir.NotificationIntent{page(after.ID, 1, "cto"), page(after.ID, 1, "cto")}}
	})
	inc := e.declare("SEV2", "Checkout errors")
	e.must(e.st.AddNote(e.ctx, inc.ID, "one", as))
	got := e.must(e.st.AddNote(e.ctx, inc.ID, "two", as))
	if ns := e.notifications(inc.ID); len(ns) != 1 {
		e.t.Fatalf("a page planned by three changes (twice each) queued %d times, want once", len(ns))
	}
	if n := e.countKind(inc.ID, arqir.EventNotificationQueued); n != 1 || got.Version != 3 {
		e.t.Fatalf("%d queued events at version %d, want 1 at 3", n, got.Version)
	}
}

func testAckCancelsPages(e *env) {
	e.pager(func(before, after *arqir.Incident, _ []arqir.TimelineEvent, now time.Time) arqir.Plan {
		switch {
		case before == nil:
			step2 := page(after.ID, 2, "cto")
			step2.NotBefore = now.Add(2 * time.Minute)
			notice := arqir.NotificationIntent{Purpose: arqir.PurposeInitialNotice, Target: "#incidents", Channel: arqir.ChannelSlackChannel, Address: "C1"}
			return arqir.Plan{Notify: []arqir.NotificationIntent{page(after.ID, 1, "schedule:primary"), step2, notice}}
		case after.AcknowledgedAt != nil:
			return arqir.Plan{Cancel: []string{arqir.PurposePage, arqir.PurposeEscalation}, CancelReason: "acknowledged by " + after.AcknowledgedBy}
		}
		return arqir.Plan{}
	})
	inc := e.declare("SEV1", "Checkout down")
	at := inc.DeclaredAt
	// The step 1 page and the notice are being sent when the ack comes.
	if got := e.claim(e.st, at, time.Hour, 10); len(got) != 2 {
		e.t.Fatalf("claimed %d, want the step 1 page and the notice", len(got))
	}
	e.clock.Advance(30 * time.Second)
	acked := e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	ns := e.notifications(inc.ID)
	states := []arqir.NotificationState{ns[0].State, ns[1].State, ns[2].State}
	equal(e.t, "states after the ack", states, []arqir.NotificationState{arqir.NotificationSending, arqir.NotificationCancelled, arqir.NotificationSending})
	if ns[1].Reason != "acknowledged by alice" || !ns[1].UpdatedAt.Equal(*acked.AcknowledgedAt) {
		e.t.Fatalf("the cancelled page = %+v", ns[1])
	}
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventNotificationsStopped || last.Message != "Stopped 1 queued notification: acknowledged by alice" || acked.Version != 2 {
		e.t.Fatalf("last event %+v at version %d", last, acked.Version)
	}
	// Nothing left to stop: no event. The cancelled page never goes out.
	e.must(e.st.AddNote(e.ctx, inc.ID, "still on it", as))
	if n := e.countKind(inc.ID, arqir.EventNotificationsStopped); n != 1 {
		e.t.Fatalf("%d stopped events, want 1", n)
	}
	if got := e.claim(e.st, at.Add(3*time.Minute), time.Minute, 10); len(got) != 0 {
		e.t.Fatalf("claimed %d after the ack, want none", len(got))
	}
}

func testSweepEscalates(e *env) {
	p := e.pager(func(before, after *arqir.Incident, events []arqir.TimelineEvent, now time.Time) arqir.Plan {
		if before == nil {
			after.Deadlines = append(after.Deadlines, arqir.Deadline{Kind: arqir.DeadlinePageAck, DueAt: now.Add(2 * time.Minute), Step: 1})
			return arqir.Plan{Notify: []arqir.NotificationIntent{page(after.ID, 1, "schedule:primary")}}
		}
		for _, ev := range events {
			if ev.Kind == arqir.EventDeadlineBreached && ev.Data["deadline"] == arqir.DeadlinePageAck {
				after.Deadlines = append(after.Deadlines, arqir.Deadline{Kind: arqir.DeadlinePageAck, DueAt: now.Add(2 * time.Minute), Step: 2})
				return arqir.Plan{
					Notify: []arqir.NotificationIntent{page(after.ID, 2, "cto")},
					Events: []arqir.TimelineEvent{{At: now, Kind: arqir.EventEscalated, Actor: "system", Source: arqir.SourceSystem, Message: "Escalated to step 2: cto"}},
				}
			}
		}
		return arqir.Plan{}
	})
	inc := e.declare("SEV1", "Checkout down")
	p.take()
	at := inc.DeclaredAt.Add(2 * time.Minute)
	if n, err := e.st.SweepDeadlines(e.ctx, at); err != nil || n != 1 {
		e.t.Fatalf("sweep at +2m breached %d (%v), want the step 1 page", n, err)
	}
	got := e.get(inc.ID)
	last := got.Deadlines[len(got.Deadlines)-1]
	if got.Version != 2 || last.Kind != arqir.DeadlinePageAck || last.Step != 2 || !last.Pending() || !last.DueAt.Equal(at.Add(2*time.Minute)) {
		e.t.Fatalf("after the sweep: version %d, last deadline %+v", got.Version, last)
	}
	events := e.timeline(inc.ID)
	tail := events[len(events)-3:]
	equal(e.t, "events of the escalation", kinds(tail), []string{arqir.EventDeadlineBreached, arqir.EventEscalated, arqir.EventNotificationQueued})
	if !strings.Contains(tail[0].Message, "step 1 page") || tail[2].Message != "Queued page (step 2) to cto" {
		e.t.Fatalf("escalation events = %+v", tail)
	}
	if ns := e.notifications(inc.ID); len(ns) != 2 || ns[1].Step != 2 || !ns[1].NotBefore.Equal(at) {
		e.t.Fatalf("notifications = %+v", ns)
	}
	// The next sweep breaches step 2 from the stored step.
	if n, err := e.st.SweepDeadlines(e.ctx, at.Add(2*time.Minute)); err != nil || n < 1 {
		e.t.Fatalf("sweep at +4m breached %d (%v)", n, err)
	}
	found := false
	for _, ev := range e.eventsOf(inc.ID, arqir.EventDeadlineBreached) {
		found = found || (ev.Data["step"] == "2" && strings.Contains(ev.Message, "step 2 page"))
	}
	if !found {
		e.t.Fatal("no breach of the step 2 page deadline")
	}
}

func testNotificationsListing(e *env) {
	p := e.pager(nil)
	a := e.declare("SEV2", "Checkout errors")
	b := e.declare("SEV3", "Slow search")
	e.queue(p, a.ID, page(a.ID, 1, "x"), page(a.ID, 1, "y"))
	e.queue(p, b.ID, page(b.ID, 1, "z"))
	all, err := e.st.Notifications(e.ctx, arqir.NotificationFilter{})
	if err != nil || len(all) != 3 || all[0].Target != "x" || all[2].Target != "z" {
		e.t.Fatalf("all notifications = %+v (%v), want x, y, z oldest first", all, err)
	}
	e.claim(e.st, micro(Start), time.Minute, 1) // x
	sending, err := e.st.Notifications(e.ctx, arqir.NotificationFilter{States: []arqir.NotificationState{arqir.NotificationSending}})
	if err != nil || len(sending) != 1 || sending[0].Target != "x" {
		e.t.Fatalf("sending = %+v (%v)", sending, err)
	}
	queuedOfA, err := e.st.Notifications(e.ctx, arqir.NotificationFilter{IncidentID: a.ID, States: []arqir.NotificationState{arqir.NotificationQueued}})
	if err != nil || len(queuedOfA) != 1 || queuedOfA[0].Target != "y" {
		e.t.Fatalf("queued of %s = %+v (%v)", a.ID, queuedOfA, err)
	}
	one, err := e.st.Notifications(e.ctx, arqir.NotificationFilter{Limit: 1})
	if err != nil || len(one) != 1 || one[0].Target != "x" {
		e.t.Fatalf("limit 1 = %+v (%v)", one, err)
	}
	_, err = e.st.Notifications(e.ctx, arqir.NotificationFilter{Limit: 501})
	wantCode(e.t, err, arqir.EINVALID, "limit")
	_, err = e.st.Notifications(e.ctx, arqir.NotificationFilter{States: []arqir.NotificationState{"lost"}})
	wantCode(e.t, err, arqir.EINVALID, "state")
}

// Plan.CancelLater cancels only what is not due yet: an escalation target
// told "at once" still hears of an incident acknowledged a moment later,
// one told "after 10 minutes unless acknowledged" does not.
func testCancelLaterKeepsWhatIsDue(e *env) {
	e.pager(func(before, after *arqir.Incident, _ []arqir.TimelineEvent, now time.Time) arqir.Plan {
		switch {
		case before == nil:
			atOnce := arqir.NotificationIntent{Key: after.ID.String() + "/escalation/cto", Purpose: arqir.PurposeEscalation, Target: "cto"}
			later := arqir.NotificationIntent{Key: after.ID.String() + "/escalation/vp", Purpose: arqir.PurposeEscalation, Target: "vp_engineering", NotBefore: now.Add(10 * time.Minute)}
			return arqir.Plan{Notify: []arqir.NotificationIntent{atOnce, later}}
		case after.AcknowledgedAt != nil:
			return arqir.Plan{CancelLater: []string{arqir.PurposeEscalation}, CancelReason: "acknowledged by " + after.AcknowledgedBy}
		}
		return arqir.Plan{}
	})
	inc := e.declare("SEV1", "Checkout down")
	e.clock.Advance(time.Second)
	e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	ns := e.notifications(inc.ID)
	if len(ns) != 2 || ns[0].State != arqir.NotificationQueued || ns[1].State != arqir.NotificationCancelled {
		e.t.Fatalf("after the ack: %s %s; want the due one still queued and the later one cancelled", ns[0].State, ns[1].State)
	}
	if got := e.claim(e.st, inc.DeclaredAt.Add(time.Second), time.Minute, 10); len(got) != 1 || got[0].Target != "cto" {
		e.t.Fatalf("claimed %d; want the escalation due at once", len(got))
	}
}

// An acknowledgement that commits while a page is being sent stops it there:
// its retry is cancelled, and a role it was resolving is not turned into
// per-channel pages (delivery contract 5).
func testAckStopsPagesInFlight(e *env) {
	e.pager(func(before, after *arqir.Incident, _ []arqir.TimelineEvent, now time.Time) arqir.Plan {
		if before == nil {
			return arqir.Plan{Notify: []arqir.NotificationIntent{page(after.ID, 1, "schedule:primary"), page(after.ID, 1, "cto")}}
		}
		return arqir.Plan{}
	})
	inc := e.declare("SEV1", "Checkout down")
	claimed := e.claim(e.st, inc.DeclaredAt, time.Hour, 10)
	if len(claimed) != 2 {
		e.t.Fatalf("claimed %d, want both pages", len(claimed))
	}
	e.clock.Advance(time.Second)
	e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	now := e.clock.Now()
	resolving := arqir.Delivery{State: arqir.NotificationDelivered, Reason: "schedule:primary is ada",
		Resolved: []arqir.NotificationIntent{{Purpose: arqir.PurposePage, Channel: arqir.ChannelEmail, Address: "ada@example.com"}}}
	if err := e.st.FinishNotification(e.ctx, claimed[0].ID, claimed[0].Attempts, resolving, now); err != nil {
		e.t.Fatal(err)
	}
	retry := arqir.Delivery{State: arqir.NotificationQueued, RetryAt: now.Add(time.Second), Reason: "503"}
	if err := e.st.FinishNotification(e.ctx, claimed[1].ID, claimed[1].Attempts, retry, now); err != nil {
		e.t.Fatal(err)
	}
	ns := e.notifications(inc.ID)
	if len(ns) != 2 {
		e.t.Fatalf("%d notifications after the ack; want the two pages and no per-channel copies", len(ns))
	}
	for _, n := range ns {
		if n.State != arqir.NotificationCancelled || !strings.Contains(n.Reason, "acknowledged by alice") {
			e.t.Errorf("page to %s is %s (%q) after the ack; want cancelled", n.Target, n.State, n.Reason)
		}
	}
	if got := e.claim(e.st, now.Add(time.Hour), time.Minute, 10); len(got) != 0 {
		e.t.Fatalf("claimed %d after the ack, want none", len(got))
	}
}

// A signed inbound request's key is accepted once across replicas until its
// window closes (Slack replays).
func testFirstSeen(e *env) {
	other := e.open(e.t, e.clock.Now)
	now := e.clock.Now()
	until := now.Add(5 * time.Minute)
	if fresh, err := e.st.FirstSeen(e.ctx, "slack:1:v0=ab", now, until); err != nil || !fresh {
		e.t.Fatalf("first sight: %v %v", fresh, err)
	}
	if fresh, err := other.FirstSeen(e.ctx, "slack:1:v0=ab", now.Add(time.Minute), until); err != nil || fresh {
		e.t.Fatalf("a replay to another replica was accepted (%v %v)", fresh, err)
	}
	if fresh, err := other.FirstSeen(e.ctx, "slack:1:v0=ab", until, until.Add(5*time.Minute)); err != nil || !fresh {
		e.t.Fatalf("a key past its window is still remembered (%v %v)", fresh, err)
	}
}
