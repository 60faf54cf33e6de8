package storetest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// outboxTests check the dispatcher's fast path: results recorded in
// batches, pages claimed first, the send state, one contact role, and the
// hook that wakes a dispatcher (notifications_*.go, contact_role.go).
var outboxTests = []namedTest{
	{name: "BatchRecordsEachResultOnItsOwn", fn: testBatchLostClaim},
	{name: "BatchRefusesBadInput", fn: testBatchBadInput},
	{name: "BatchRetriesAndDefers", fn: testBatchRetries},
	{name: "O4_BatchHandsResolvedPagesToTheCaller", fn: testBatchClaimsChildren},
	{name: "R1_AckBeforeTheBatchStopsItsPages", fn: testBatchAckStops},
	{name: "C1_BatchedInitialNoticeMeetsItsDeadline", fn: testBatchTeaches},
	{name: "ConcurrentBatchesOnSharedIncidents", fn: testConcurrentBatches},
	{name: "O4_PagesAreClaimedBeforeEverythingElse", fn: testPagesFirst},
	{name: "SendStateIsTheIncidentsAckAndRefs", fn: testSendState},
	{name: "X1_ContactResolvesOneRoleAsTheDirectory", fn: testContactRole},
	{name: "QueuedHookFiresAfterCommitsThatQueueDueWork", fn: testQueuedHook},
}

// result is the result of a claimed notification's attempt.
func result(n *arqir.Notification, d arqir.Delivery) arqir.NotificationResult {
	return arqir.NotificationResult{ID: n.ID, Attempt: n.Attempts, Delivery: d}
}

// finishAll records results in one batch, failing the test on a batch error.
func (e *env) finishAll(st arqir.Store, results []arqir.NotificationResult, now time.Time, lease time.Duration) []arqir.FinishOutcome {
	e.t.Helper()
	out, err := st.FinishNotifications(e.ctx, results, now, lease)
	if err != nil {
		e.t.Fatalf("finish %d notifications: %v", len(results), err)
	}
	if len(out) != len(results) {
		e.t.Fatalf("%d outcomes for %d results", len(out), len(results))
	}
	return out
}

// A lost claim in a batch is that result's ECONFLICT: the batch's other
// results are recorded, the lost one changes nothing, and a second result
// for one notification is refused.
func testBatchLostClaim(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV2", "Checkout errors")
	e.queue(p, inc.ID, page(inc.ID, 1, "a"), page(inc.ID, 1, "b"), page(inc.ID, 1, "c"))
	at := inc.DeclaredAt
	a := e.claim(e.st, at, time.Hour, 1)[0]
	b := e.claim(e.st, at, time.Minute, 1)[0]
	c := e.claim(e.st, at, time.Hour, 1)[0]
	// b's claim lapses and another replica takes it over.
	taken := e.claim(e.another(), at.Add(time.Minute), time.Hour, 10)
	if len(taken) != 1 || taken[0].ID != b.ID || taken[0].Attempts != 2 {
		e.t.Fatalf("the takeover claimed %+v, want b at attempt 2", taken)
	}
	version, events := e.get(inc.ID).Version, len(e.timeline(inc.ID))

	now := at.Add(time.Minute + time.Second)
	out := e.finishAll(e.st, []arqir.NotificationResult{
		result(a, arqir.Delivery{State: arqir.NotificationFailed, Reason: "410 gone"}),
		result(b, arqir.Delivery{State: arqir.NotificationDelivered}),
		result(c, arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: "msg-1"}),
		result(a, arqir.Delivery{State: arqir.NotificationDelivered}),
	}, now, 0)
	if out[0].Err != nil || out[2].Err != nil {
		e.t.Fatalf("the good results: %v, %v", out[0].Err, out[2].Err)
	}
	wantCode(e.t, out[1].Err, arqir.ECONFLICT)
	wantCode(e.t, out[3].Err, arqir.ECONFLICT)
	if !strings.Contains(arqir.ErrorMessage(out[1].Err), "claim lost") {
		e.t.Fatalf("the lost claim's error %q does not say the claim was lost", out[1].Err)
	}
	for i, o := range out {
		if len(o.Claimed) != 0 {
			e.t.Fatalf("outcome %d claimed %+v", i, o.Claimed)
		}
	}
	if got := e.notification(a); got.State != arqir.NotificationFailed || got.Reason != "410 gone" || got.ClaimedUntil != nil {
		e.t.Fatalf("a = %+v, want failed", got)
	}
	if got := e.notification(c); got.State != arqir.NotificationDelivered || got.ProviderRef != "msg-1" || got.DeliveredAt == nil || !got.DeliveredAt.Equal(now) {
		e.t.Fatalf("c = %+v, want delivered now", got)
	}
	equal(e.t, "b, held by the other replica", e.notification(b), taken[0])
	tl := e.timeline(inc.ID)
	equal(e.t, "events of the batch", kinds(tl[events:]), []string{arqir.EventNotificationFailed, arqir.EventNotificationSent})
	if tl[events].Data["notification"] != fmt.Sprint(a.ID) || tl[events+1].Data["notification"] != fmt.Sprint(c.ID) {
		e.t.Fatalf("the batch's events are about %s and %s, want a and c", tl[events].Data["notification"], tl[events+1].Data["notification"])
	}
	if v := e.get(inc.ID).Version; v != version {
		e.t.Fatalf("pages changed the incident to version %d", v)
	}

	// One result alone answers with its error, as FinishNotification.
	wantCode(e.t, e.st.FinishNotification(e.ctx, b.ID, 1, arqir.Delivery{State: arqir.NotificationDelivered}, now), arqir.ECONFLICT)
	out = e.finishAll(e.st, []arqir.NotificationResult{{ID: 1 << 40, Attempt: 1, Delivery: arqir.Delivery{State: arqir.NotificationDelivered}}}, now, 0)
	wantCode(e.t, out[0].Err, arqir.ENOTFOUND)
	if out, err := e.st.FinishNotifications(e.ctx, nil, now, 0); err != nil || len(out) != 0 {
		e.t.Fatalf("an empty batch: %v %v", out, err)
	}
}

// A result in no known end state is that result's EINVALID; a negative
// lease is the batch's.
func testBatchBadInput(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV2", "Checkout errors")
	e.queue(p, inc.ID, page(inc.ID, 1, "a"), page(inc.ID, 1, "b"))
	claimed := e.claim(e.st, inc.DeclaredAt, time.Hour, 10)
	now := inc.DeclaredAt.Add(time.Second)
	_, err := e.st.FinishNotifications(e.ctx, []arqir.NotificationResult{result(claimed[0], arqir.Delivery{State: arqir.NotificationDelivered})}, now, -time.Second)
	wantCode(e.t, err, arqir.EINVALID)
	if got := e.notification(claimed[0]); got.State != arqir.NotificationSending {
		e.t.Fatalf("a batch refused for its lease recorded a result: %+v", got)
	}
	out := e.finishAll(e.st, []arqir.NotificationResult{
		result(claimed[0], arqir.Delivery{State: "sent"}),
		result(claimed[1], arqir.Delivery{State: arqir.NotificationDelivered}),
	}, now, 0)
	wantCode(e.t, out[0].Err, arqir.EINVALID)
	if out[1].Err != nil {
		e.t.Fatalf("the valid result beside an invalid one: %v", out[1].Err)
	}
	if got := e.notification(claimed[0]); got.State != arqir.NotificationSending || got.Attempts != 1 {
		e.t.Fatalf("the invalid result changed its notification: %+v", got)
	}
	if got := e.notification(claimed[1]); got.State != arqir.NotificationDelivered {
		e.t.Fatalf("the valid result was not recorded: %+v", got)
	}
}

// A retry in a batch waits for its time and counts its attempt; a deferred
// one (nothing was attempted) gives its attempt back and says nothing on
// the timeline.
func testBatchRetries(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV2", "Checkout errors")
	e.queue(p, inc.ID, page(inc.ID, 1, "a"), page(inc.ID, 1, "b"))
	claimed := e.claim(e.st, inc.DeclaredAt, time.Hour, 10)
	events := len(e.timeline(inc.ID))
	now := inc.DeclaredAt.Add(time.Second)
	out := e.finishAll(e.st, []arqir.NotificationResult{
		result(claimed[0], arqir.Delivery{State: arqir.NotificationQueued, RetryAt: now.Add(5 * time.Second), Reason: "503", Ambiguous: true}),
		result(claimed[1], arqir.Delivery{State: arqir.NotificationQueued, RetryAt: now.Add(time.Second), Deferred: true, Reason: "rate limited"}),
	}, now, 0)
	if out[0].Err != nil || out[1].Err != nil {
		e.t.Fatalf("outcomes: %v, %v", out[0].Err, out[1].Err)
	}
	a, b := e.notification(claimed[0]), e.notification(claimed[1])
	if a.State != arqir.NotificationQueued || a.Attempts != 1 || a.Ambiguous != 1 || !a.NotBefore.Equal(now.Add(5*time.Second)) || a.ClaimedUntil != nil {
		e.t.Fatalf("the retry = %+v", a)
	}
	if b.State != arqir.NotificationQueued || b.Attempts != 0 || b.Ambiguous != 0 || !b.NotBefore.Equal(now.Add(time.Second)) || b.ClaimedUntil != nil {
		e.t.Fatalf("the deferred one = %+v", b)
	}
	tl := e.timeline(inc.ID)[events:]
	if len(tl) != 1 || tl[0].Kind != arqir.EventNotificationRetry || tl[0].Data["notification"] != fmt.Sprint(a.ID) {
		e.t.Fatalf("events of the batch = %+v, want the retry's alone", tl)
	}
	if got := e.claim(e.st, now.Add(time.Second), time.Minute, 10); len(got) != 1 || got[0].ID != b.ID || got[0].Attempts != 1 {
		e.t.Fatalf("claimed %+v a second later, want the deferred page at attempt 1", got)
	}
}

// With a lease the per-channel pages a role resolved into come back claimed
// by the caller, who sends them at once: sending, attempt 1, fenced like
// any claim. A key queued before is not inserted again, nor returned.
func testBatchClaimsChildren(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV1", "Checkout down")
	parents := e.queue(p, inc.ID, page(inc.ID, 1, "schedule:primary"), page(inc.ID, 1, "cto"))
	existing := e.queue(p, inc.ID, arqir.NotificationIntent{Key: parents[1].Key + "/sms", Purpose: arqir.PurposePage, Step: 1,
		Target: "cto", Channel: arqir.ChannelSMS, Address: "+15550100", NotBefore: inc.DeclaredAt.Add(time.Hour)})[0]
	claimed := e.claim(e.st, inc.DeclaredAt, time.Minute, 10)
	if len(claimed) != 2 {
		e.t.Fatalf("claimed %d, want the two pages", len(claimed))
	}
	version := e.get(inc.ID).Version
	now := inc.DeclaredAt.Add(time.Second)
	e.clock.Set(now)
	const lease = 30 * time.Second
	out := e.finishAll(e.st, []arqir.NotificationResult{
		result(claimed[0], arqir.Delivery{State: arqir.NotificationDelivered, Reason: "schedule:primary is Ada", Resolved: []arqir.NotificationIntent{
			{Channel: arqir.ChannelSlack, Address: "U1", Recipient: "Ada (schedule:primary)"},
			{Channel: arqir.ChannelEmail, Address: "ada@example.com", Recipient: "Ada (schedule:primary)"},
		}}),
		result(claimed[1], arqir.Delivery{State: arqir.NotificationDelivered, Reason: "cto is Grace", Resolved: []arqir.NotificationIntent{
			{Key: existing.Key, Channel: arqir.ChannelSMS, Address: "+15550100"},
		}}),
	}, now, lease)
	if out[0].Err != nil || out[1].Err != nil {
		e.t.Fatalf("outcomes: %v, %v", out[0].Err, out[1].Err)
	}
	if len(out[1].Claimed) != 0 {
		e.t.Fatalf("a key queued before came back claimed: %+v", out[1].Claimed)
	}
	if len(out[0].Claimed) != 2 {
		e.t.Fatalf("claimed %d channels, want slack and email", len(out[0].Claimed))
	}
	until := now.Add(lease)
	for i, c := range out[0].Claimed {
		switch {
		case c.ID == 0 || c.Parent != claimed[0].ID || c.Purpose != arqir.PurposePage || c.Target != "schedule:primary":
			e.t.Fatalf("child %d = %+v, want a page of schedule:primary with its ID and parent", i, c)
		case c.State != arqir.NotificationSending || c.Attempts != 1 || c.ClaimedUntil == nil || !c.ClaimedUntil.Equal(until):
			e.t.Fatalf("child %d is %s at attempt %d until %v, want sending, attempt 1, until %v", i, c.State, c.Attempts, c.ClaimedUntil, until)
		}
		equal(e.t, fmt.Sprintf("child %d read back", i), e.notification(c), c)
	}
	if out[0].Claimed[0].Channel != arqir.ChannelSlack || out[0].Claimed[1].Channel != arqir.ChannelEmail {
		e.t.Fatalf("children in the order %s, %s; want the intents' order", out[0].Claimed[0].Channel, out[0].Claimed[1].Channel)
	}
	if n := len(e.notifications(inc.ID)); n != 5 {
		e.t.Fatalf("%d notifications, want the two pages, the queued SMS and two channels", n)
	}
	if got := e.eventsOf(inc.ID, arqir.EventNotificationQueued); got[len(got)-1].Data["parent"] != claimed[0].Key {
		e.t.Fatalf("the last queued event is %+v, want a child of the resolved page", got[len(got)-1])
	}
	// Held by the caller: nobody else takes them before the lease lapses.
	if more := e.claim(e.another(), until.Add(-time.Microsecond), time.Minute, 10); len(more) != 0 {
		e.t.Fatalf("another replica claimed %+v while the caller holds them", more)
	}
	// Their results are fenced by attempt 1.
	slack, email := out[0].Claimed[0], out[0].Claimed[1]
	res := e.finishAll(e.st, []arqir.NotificationResult{
		result(slack, arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: "ts-1"}),
		{ID: email.ID, Attempt: 2, Delivery: arqir.Delivery{State: arqir.NotificationDelivered}},
	}, now.Add(time.Second), lease)
	if res[0].Err != nil {
		e.t.Fatalf("finishing a child claimed with the batch: %v", res[0].Err)
	}
	wantCode(e.t, res[1].Err, arqir.ECONFLICT)
	if got := e.notification(slack); got.State != arqir.NotificationDelivered || got.ProviderRef != "ts-1" {
		e.t.Fatalf("slack = %+v", got)
	}
	if v := e.get(inc.ID).Version; v != version {
		e.t.Fatalf("resolving and delivering pages changed the incident to version %d", v)
	}
	// The lease lapses like any claim's.
	if lapsed := e.claim(e.another(), until, time.Minute, 10); len(lapsed) != 1 || lapsed[0].ID != email.ID || lapsed[0].Attempts != 2 {
		e.t.Fatalf("after the lease: %+v, want the email page taken over", lapsed)
	}
}

// Delivery contract 5 in a batch: an ack committed before the batch stops
// the pages in it from retrying or resolving into channels, while a notice
// in the same batch is recorded as delivered.
func testBatchAckStops(e *env) {
	e.pager(func(before, after *arqir.Incident, _ []arqir.TimelineEvent, now time.Time) arqir.Plan {
		if before == nil {
			return arqir.Plan{Notify: []arqir.NotificationIntent{page(after.ID, 1, "schedule:primary"), page(after.ID, 1, "cto"),
				{Purpose: arqir.PurposeInitialNotice, Target: "#incidents", Channel: arqir.ChannelSlackChannel, Address: "C1"}}}
		}
		return arqir.Plan{}
	})
	inc := e.declare("SEV1", "Checkout down")
	claimed := e.claim(e.st, inc.DeclaredAt, time.Hour, 10)
	if len(claimed) != 3 || claimed[2].Purpose != arqir.PurposeInitialNotice {
		e.t.Fatalf("claimed %+v, want the two pages then the notice", claimed)
	}
	e.clock.Advance(time.Second)
	e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	now := e.clock.Now()
	out := e.finishAll(e.st, []arqir.NotificationResult{
		result(claimed[0], arqir.Delivery{State: arqir.NotificationDelivered, Reason: "schedule:primary is ada",
			Resolved: []arqir.NotificationIntent{{Channel: arqir.ChannelEmail, Address: "ada@example.com"}}}),
		result(claimed[1], arqir.Delivery{State: arqir.NotificationQueued, RetryAt: now.Add(time.Second), Reason: "503", Ambiguous: true}),
		result(claimed[2], arqir.Delivery{State: arqir.NotificationDelivered}),
	}, now, time.Minute)
	for i, o := range out {
		if o.Err != nil || len(o.Claimed) != 0 {
			e.t.Fatalf("outcome %d: %v, claimed %+v", i, o.Err, o.Claimed)
		}
	}
	ns := e.notifications(inc.ID)
	if len(ns) != 3 {
		e.t.Fatalf("%d notifications after the ack; want no per-channel copies", len(ns))
	}
	for _, n := range ns[:2] {
		if n.State != arqir.NotificationCancelled || !strings.Contains(n.Reason, "acknowledged by alice") {
			e.t.Errorf("page to %s is %s (%q) after the ack; want cancelled", n.Target, n.State, n.Reason)
		}
	}
	if ns[1].Ambiguous != 1 {
		e.t.Errorf("the stopped retry lost its ambiguous attempt: %+v", ns[1])
	}
	if ns[2].State != arqir.NotificationDelivered {
		e.t.Errorf("the notice is %s, want delivered", ns[2].State)
	}
	if got := e.claim(e.st, now.Add(time.Hour), time.Minute, 10); len(got) != 0 {
		e.t.Fatalf("claimed %d after the ack, want none", len(got))
	}
}

// What a delivery teaches is still applied in a batch (the initial notice
// meets C1), and only such deliveries change the incident: a page or a
// war room without a link does not.
func testBatchTeaches(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV1", "Checkout down")
	other := e.declare("SEV1", "Search down")
	e.queue(p, inc.ID,
		page(inc.ID, 1, "schedule:primary"),
		arqir.NotificationIntent{Purpose: arqir.PurposeInitialNotice, Target: "#incidents", Channel: arqir.ChannelSlackChannel, Address: "C1"},
		arqir.NotificationIntent{Purpose: arqir.PurposeWarRoom, Target: "zoom", Channel: arqir.ChannelZoom},
	)
	e.queue(p, other.ID, arqir.NotificationIntent{Purpose: arqir.PurposeWarRoom, Target: "zoom", Channel: arqir.ChannelZoom})
	claimed := e.claim(e.st, inc.DeclaredAt, time.Minute, 10)
	if len(claimed) != 4 || claimed[0].Purpose != arqir.PurposePage {
		e.t.Fatalf("claimed %+v, want the page first, then the rest", claimed)
	}
	versions := map[arqir.IncidentID]int{inc.ID: e.get(inc.ID).Version, other.ID: e.get(other.ID).Version}
	now := inc.DeclaredAt.Add(30 * time.Second)
	e.clock.Set(now)
	war := "https://zoom.example/j/2"
	var results []arqir.NotificationResult
	for _, n := range claimed {
		d := arqir.Delivery{State: arqir.NotificationDelivered}
		if n.IncidentID == other.ID {
			d.Refs = map[string]string{arqir.RefWarRoomURL: war}
		}
		results = append(results, result(n, d))
	}
	for i, o := range e.finishAll(e.st, results, now, 0) {
		if o.Err != nil {
			e.t.Fatalf("outcome %d: %v", i, o.Err)
		}
	}
	got := e.get(inc.ID)
	met := false
	for _, d := range got.Deadlines {
		if d.Kind == arqir.DeadlineInitialNotice {
			met = d.MetAt != nil && d.MetAt.Equal(now)
		}
	}
	if !met || got.Version != versions[inc.ID]+1 {
		e.t.Fatalf("after the batch: deadlines %+v, version %d (want the initial notice met now, version %d)", got.Deadlines, got.Version, versions[inc.ID]+1)
	}
	if got.Refs[arqir.RefWarRoomURL] != "" {
		e.t.Fatalf("a war room delivered without a link set refs %v", got.Refs)
	}
	if o := e.get(other.ID); o.Refs[arqir.RefWarRoomURL] != war || !checked(o, "R5") || o.Version != versions[other.ID]+1 {
		e.t.Fatalf("the other incident: refs %v, R5 %v, version %d", o.Refs, checked(o, "R5"), o.Version)
	}
	if n := e.countKind(inc.ID, arqir.EventNotificationSent); n != 3 {
		e.t.Fatalf("%d sent events, want 3", n)
	}
}

// Two replicas finishing batches on the same incidents at once, each
// teaching the incidents the other only pages on, both get every result
// recorded. Under PostgreSQL such batches can deadlock (each holds the
// rows it changes and waits to append events to the other's): the batch
// is tried again, then result by result.
func testConcurrentBatches(e *env) {
	const incidents, rounds = 6, 6
	p := e.pager(nil)
	var ids []arqir.IncidentID
	for i := range incidents {
		ids = append(ids, e.declare("SEV2", fmt.Sprint("Incident ", i)).ID)
	}
	at := e.clock.Now()
	stores := []arqir.Store{e.st, e.another()}
	for round := range rounds {
		// Each incident gets a war room (its link teaches) and a page per replica.
		for _, id := range ids {
			e.queue(p, id,
				arqir.NotificationIntent{Key: fmt.Sprintf("%s/war/%d", id, round), Purpose: arqir.PurposeWarRoom, Target: "zoom", Channel: arqir.ChannelZoom},
				page(id, round+1, "a"), page(id, round+1, "b"))
		}
		claimed := e.claim(e.st, at, time.Hour, 100)
		if len(claimed) != 3*incidents {
			e.t.Fatalf("round %d claimed %d, want %d", round, len(claimed), 3*incidents)
		}
		byKey := map[string]*arqir.Notification{}
		for _, n := range claimed {
			byKey[n.Key] = n
		}
		// Replica r learns the links of every other incident, from its own
		// end of the list, and delivers its page of each.
		batches := make([][]arqir.NotificationResult, 2)
		for r := range 2 {
			for k := range ids {
				i := k
				if r == 1 {
					i = len(ids) - 1 - k
				}
				id := ids[i]
				if i%2 == r {
					war := byKey[fmt.Sprintf("%s/war/%d", id, round)]
					batches[r] = append(batches[r], result(war, arqir.Delivery{State: arqir.NotificationDelivered,
						Refs: map[string]string{arqir.RefWarRoomURL: fmt.Sprintf("https://zoom.example/%s/%d", id, round)}}))
				}
				pg := byKey[fmt.Sprintf("%s/page/%d/%s", id, round+1, []string{"a", "b"}[r])]
				batches[r] = append(batches[r], result(pg, arqir.Delivery{State: arqir.NotificationDelivered}))
			}
		}
		var wg sync.WaitGroup
		outs := make([][]arqir.FinishOutcome, 2)
		errs := make([]error, 2)
		for r := range 2 {
			wg.Go(func() { outs[r], errs[r] = stores[r].FinishNotifications(e.ctx, batches[r], at, 0) })
		}
		wg.Wait()
		for r := range 2 {
			if errs[r] != nil {
				e.t.Fatalf("round %d, replica %d: %v", round, r, errs[r])
			}
			for i, o := range outs[r] {
				if o.Err != nil {
					e.t.Fatalf("round %d, replica %d, result %d: %v", round, r, i, o.Err)
				}
			}
		}
		for _, n := range claimed {
			if got := e.notification(n); got.State != arqir.NotificationDelivered {
				e.t.Fatalf("round %d: %s is %s, want delivered", round, n.Key, got.State)
			}
		}
		for _, id := range ids {
			if got := e.get(id).Refs[arqir.RefWarRoomURL]; got != fmt.Sprintf("https://zoom.example/%s/%d", id, round) {
				e.t.Fatalf("round %d: %s has the war room %q", round, id, got)
			}
		}
	}
}
