package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// Results: what a delivery teaches is kept on the incident, through the
// same change path (and planner) as any other change.

func testRecordDelivery(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV1", "Checkout down")
	at := inc.DeclaredAt
	ns := e.queue(p, inc.ID,
		arqir.NotificationIntent{Purpose: arqir.PurposeWarRoom, Target: "zoom", Channel: arqir.ChannelZoom},
		arqir.NotificationIntent{Purpose: arqir.PurposeStatusSync, Target: "pagerduty", Channel: arqir.ChannelPagerDuty, Message: arqir.Message{Event: arqir.EventActionTrigger}},
		arqir.NotificationIntent{Purpose: arqir.PurposeInitialNotice, Target: "#incidents", Channel: arqir.ChannelSlackChannel, Address: "C1"},
		page(inc.ID, 1, "schedule:primary"),
	)
	all := e.claim(e.st, at, time.Minute, 10)
	if len(all) != 4 {
		e.t.Fatalf("claimed %d, want 4", len(all))
	}
	// In the order they were queued (the claim puts the page first).
	claimed := make([]*arqir.Notification, 0, 4)
	for _, n := range ns {
		for _, c := range all {
			if c.ID == n.ID {
				claimed = append(claimed, c)
			}
		}
	}
	version := e.get(inc.ID).Version
	p.take()

	now := at.Add(40 * time.Second)
	e.clock.Set(now)
	war := "https://zoom.example/j/1"
	e.finish(claimed[0], arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: "zoom-1", Refs: map[string]string{arqir.RefWarRoomURL: war}}, now)
	got := e.get(inc.ID)
	if got.Refs[arqir.RefWarRoomURL] != war || !checked(got, "R5") || got.Version != version+1 || !got.UpdatedAt.Equal(now) {
		e.t.Fatalf("after the war room was created: refs %v, R5 %v, version %d (want %d)", got.Refs, checked(got, "R5"), got.Version, version+1)
	}
	events := e.timeline(inc.ID)
	equal(e.t, "events of the war-room delivery", kinds(events[len(events)-3:]), []string{arqir.EventNotificationSent, arqir.EventRefsChanged, arqir.EventChecklistTicked})
	calls := p.take()
	if len(calls) != 1 || len(calls[0].before.Refs) != 0 || calls[0].after.Refs[arqir.RefWarRoomURL] != war {
		e.t.Fatalf("the delivery planned %d times (%+v), want once from no refs to the war room", len(calls), calls)
	}
	equal(e.t, "events the delivery was planned with", kinds(calls[0].events), []string{arqir.EventRefsChanged, arqir.EventChecklistTicked})

	e.finish(claimed[1], arqir.Delivery{State: arqir.NotificationDelivered, Refs: map[string]string{arqir.RefPagerDutyDedupKey: inc.ID.String()}}, now)
	got = e.get(inc.ID)
	if got.Refs[arqir.RefPagerDutyDedupKey] != inc.ID.String() || got.Refs[arqir.RefWarRoomURL] != war || !checked(got, "R4") || got.Version != version+2 {
		e.t.Fatalf("after the PagerDuty trigger: refs %v, R4 %v, version %d", got.Refs, checked(got, "R4"), got.Version)
	}

	e.finish(claimed[2], arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: "1700000000.000100"}, now)
	got = e.get(inc.ID)
	for _, d := range got.Deadlines {
		if d.Kind == arqir.DeadlineInitialNotice && (d.MetAt == nil || !d.MetAt.Equal(now)) {
			e.t.Fatalf("the initial notice deadline after its delivery: %+v", d)
		}
	}
	if got.Version != version+3 {
		e.t.Fatalf("version %d after the initial notice, want %d", got.Version, version+3)
	}

	// A page teaches nothing: its delivery is on the timeline, the incident
	// is not changed.
	e.finish(claimed[3], arqir.Delivery{State: arqir.NotificationDelivered}, now)
	if v := e.get(inc.ID).Version; v != version+3 {
		e.t.Fatalf("a delivered page changed the incident to version %d", v)
	}
	if n := e.countKind(inc.ID, arqir.EventNotificationSent); n != 4 {
		e.t.Fatalf("%d sent events, want 4", n)
	}
	// Refs read back through the listing too.
	listed, err := e.st.Incidents(e.ctx, arqir.IncidentFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the incident listed", listed.Incidents[0], got)
	if ns[0].Purpose != arqir.PurposeWarRoom {
		e.t.Fatalf("queued out of order: %+v", ns)
	}
}

// checked reports whether the incident's checklist item is done.
func checked(inc *arqir.Incident, id string) bool {
	for _, c := range inc.Checklist {
		if c.ID == id {
			return c.Done
		}
	}
	return false
}

func testResolvedChildren(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV2", "Checkout errors")
	at := inc.DeclaredAt
	parent := e.queue(p, inc.ID, page(inc.ID, 1, "schedule:primary"))[0]
	claimed := e.claim(e.st, at, time.Minute, 10)[0]
	version := e.get(inc.ID).Version

	now := at.Add(time.Second)
	reason := "schedule:primary is Ada Lovelace: sending via slack, email"
	e.finish(claimed, arqir.Delivery{State: arqir.NotificationDelivered, Reason: reason, Resolved: []arqir.NotificationIntent{
		{Key: parent.Key + "/slack", Channel: arqir.ChannelSlack, Address: "U1", Recipient: "Ada Lovelace (schedule:primary)"},
		{Channel: arqir.ChannelEmail, Address: "ada@example.com", Recipient: "Ada Lovelace (schedule:primary)"},
	}}, now)

	ns := e.notifications(inc.ID)
	if len(ns) != 3 {
		e.t.Fatalf("%d notifications, want the page and one per channel", len(ns))
	}
	if p := ns[0]; p.State != arqir.NotificationDelivered || p.Reason != reason || p.DeliveredAt == nil {
		e.t.Fatalf("the resolved page = %+v", p)
	}
	for i, want := range []struct{ key, channel, address string }{
		{parent.Key + "/slack", arqir.ChannelSlack, "U1"},
		{parent.Key + "/email:ada@example.com", arqir.ChannelEmail, "ada@example.com"},
	} {
		c := ns[i+1]
		switch {
		case c.Key != want.key || c.Channel != want.channel || c.Address != want.address || c.Parent != parent.ID:
			e.t.Fatalf("child %d = %+v, want key %s via %s:%s of %d", i, c, want.key, want.channel, want.address, parent.ID)
		case c.Purpose != arqir.PurposePage || c.Step != 1 || c.Target != "schedule:primary" || c.State != arqir.NotificationQueued:
			e.t.Fatalf("child %d = %+v, want a queued step 1 page of schedule:primary", i, c)
		case !c.NotBefore.Equal(now) || !c.ExpiresAt.Equal(parent.ExpiresAt) || c.Message.Headline != parent.Message.Headline:
			e.t.Fatalf("child %d due %v stale %v message %+v; want due now, stale with its parent, its parent's message", i, c.NotBefore, c.ExpiresAt, c.Message)
		}
	}
	queued := e.eventsOf(inc.ID, arqir.EventNotificationQueued)
	last := queued[len(queued)-1]
	if last.Message != "Queued page (step 1) to Ada Lovelace (schedule:primary) via email" || last.Data["parent"] != parent.Key {
		e.t.Fatalf("the child's queued event = %+v", last)
	}
	if n := e.countKind(inc.ID, arqir.EventNotificationSent); n != 0 {
		e.t.Fatalf("%d sent events for a page that was only resolved", n)
	}
	if v := e.get(inc.ID).Version; v != version {
		e.t.Fatalf("resolving a page changed the incident to version %d", v)
	}
	if got := e.claim(e.st, now, time.Minute, 10); len(got) != 2 || !strings.HasPrefix(got[0].Key, parent.Key+"/") {
		e.t.Fatalf("claimed %+v, want the two channels", got)
	}
}
