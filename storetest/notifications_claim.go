package storetest

import (
	"fmt"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// Claims: a notification is never taken before it is due, one claimer
// holds it at a time, and a claim that lapses is taken over.

func testClaimTiming(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV3", "Slow search")
	due := micro(Start).Add(time.Minute)
	var intents []arqir.NotificationIntent
	for _, target := range []string{"a", "b", "c"} {
		in := page(inc.ID, 1, target)
		in.NotBefore = due
		intents = append(intents, in)
	}
	queued := e.queue(p, inc.ID, intents...)

	if got := e.claim(e.st, due.Add(-time.Microsecond), 30*time.Second, 10); len(got) != 0 {
		e.t.Fatalf("claimed %d a microsecond before they are due (delivery contract 4)", len(got))
	}
	if next, err := e.st.NextNotificationAt(e.ctx); err != nil || next == nil || !next.Equal(due) {
		e.t.Fatalf("next notification at %v (%v), want %v", next, err, due)
	}
	got := e.claim(e.st, due, 30*time.Second, 2)
	if len(got) != 2 || got[0].ID != queued[0].ID || got[1].ID != queued[1].ID {
		e.t.Fatalf("claimed %+v with limit 2, want a and b", got)
	}
	until := due.Add(30 * time.Second)
	want := *queued[0]
	want.State, want.Attempts, want.ClaimedUntil, want.UpdatedAt = arqir.NotificationSending, 1, &until, due
	equal(e.t, "the claimed notification", got[0], &want)
	equal(e.t, "the claimed notification read back", e.notification(got[0]), &want)

	if rest := e.claim(e.st, due, 30*time.Second, 2); len(rest) != 1 || rest[0].Target != "c" {
		e.t.Fatalf("the second claim took %+v, want c alone", rest)
	}
	if more := e.claim(e.another(), due.Add(time.Second), 30*time.Second, 10); len(more) != 0 {
		e.t.Fatalf("claimed %d notifications another claim holds", len(more))
	}
	if next, err := e.st.NextNotificationAt(e.ctx); err != nil || next == nil || !next.Equal(until) {
		e.t.Fatalf("next notification at %v (%v), want the claims' lapse at %v", next, err, until)
	}
	if more := e.claim(e.st, until.Add(-time.Microsecond), 30*time.Second, 10); len(more) != 0 {
		e.t.Fatalf("claimed %d before their claims lapsed", len(more))
	}

	_, err := e.st.ClaimNotifications(e.ctx, due, 0, 10)
	wantCode(e.t, err, arqir.EINVALID)
	_, err = e.st.ClaimNotifications(e.ctx, due, time.Second, 0)
	wantCode(e.t, err, arqir.EINVALID)
}

// Delivery contract 6: replicas claiming at once never send one
// notification twice, and together they send every one.
func testConcurrentClaims(e *env) {
	const incidents, perIncident = 20, 10
	e.pager(func(before, after *arqir.Incident, _ []arqir.TimelineEvent, _ time.Time) arqir.Plan {
		var plan arqir.Plan
		for i := range perIncident {
			plan.Notify = append(plan.Notify, page(after.ID, 1, fmt.Sprint("target-", i)))
		}
		return plan
	})
	var ids []arqir.IncidentID
	for i := range incidents {
		ids = append(ids, e.declare("SEV3", fmt.Sprint("Incident ", i)).ID)
	}
	e.st.SetPlanner(nil)
	at := micro(Start)
	stores := []arqir.Store{e.st, e.another()}
	var (
		mu      sync.Mutex
		claimed = map[int64]int{}
		wg      sync.WaitGroup
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := stores[w%2]
			for {
				ns, err := st.ClaimNotifications(e.ctx, at, time.Minute, 7)
				if err != nil {
					e.t.Errorf("claim: %v", err)
					return
				}
				if len(ns) == 0 {
					return
				}
				for _, n := range ns {
					mu.Lock()
					claimed[n.ID]++
					mu.Unlock()
					if n.Attempts != 1 {
						e.t.Errorf("notification %d claimed at attempt %d, want 1", n.ID, n.Attempts)
					}
					if err := st.FinishNotification(e.ctx, n.ID, n.Attempts, arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: fmt.Sprint("ref-", n.ID)}, at); err != nil {
						e.t.Errorf("finish %d: %v", n.ID, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if e.t.Failed() {
		return
	}
	all, err := e.st.Notifications(e.ctx, arqir.NotificationFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(all) != incidents*perIncident || len(claimed) != len(all) {
		e.t.Fatalf("%d notifications, %d claimed; want %d of each", len(all), len(claimed), incidents*perIncident)
	}
	for _, n := range all {
		if claimed[n.ID] != 1 || n.State != arqir.NotificationDelivered || n.Attempts != 1 || n.ProviderRef != fmt.Sprint("ref-", n.ID) {
			e.t.Fatalf("notification %d claimed %d times, %s after %d attempts (ref %q): want delivered once", n.ID, claimed[n.ID], n.State, n.Attempts, n.ProviderRef)
		}
	}
	sent := 0
	for _, id := range ids {
		sent += e.countKind(id, arqir.EventNotificationSent)
	}
	if sent != incidents*perIncident {
		e.t.Fatalf("%d sent events, want %d", sent, incidents*perIncident)
	}
	if next, err := e.st.NextNotificationAt(e.ctx); err != nil || next != nil {
		e.t.Fatalf("next notification at %v (%v), want none", next, err)
	}
}

func testLapsedClaim(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV3", "Slow search")
	at := micro(Start)
	e.queue(p, inc.ID, page(inc.ID, 1, "schedule:primary"))
	first := e.claim(e.st, at, 30*time.Second, 10)[0]

	// The dispatcher holding it dies; another replica takes over when the
	// lease lapses, not before.
	other := e.another()
	if got := e.claim(other, at.Add(30*time.Second-time.Microsecond), 30*time.Second, 10); len(got) != 0 {
		e.t.Fatalf("took over %d claims before they lapsed", len(got))
	}
	lapse := at.Add(30 * time.Second)
	got := e.claim(other, lapse, 30*time.Second, 10)
	if len(got) != 1 {
		e.t.Fatalf("took over %d lapsed claims, want 1", len(got))
	}
	second := got[0]
	if second.ID != first.ID || second.Attempts != 2 || second.Ambiguous != 1 || !second.ClaimedUntil.Equal(lapse.Add(30*time.Second)) {
		e.t.Fatalf("the taken-over notification = %+v, want attempt 2 with 1 ambiguous", second)
	}
	retry := e.eventsOf(inc.ID, arqir.EventNotificationRetry)
	if len(retry) != 1 || retry[0].Message != "Retrying page (step 1) to schedule:primary after an interrupted send (outcome unknown)" || !retry[0].At.Equal(lapse) {
		e.t.Fatalf("retry events = %+v", retry)
	}

	// The first dispatcher wakes up: its result is refused and changes nothing.
	before, beforeEvents := e.notification(first), e.timeline(inc.ID)
	err := e.st.FinishNotification(e.ctx, first.ID, first.Attempts, arqir.Delivery{State: arqir.NotificationDelivered}, lapse.Add(time.Second))
	wantCode(e.t, err, arqir.ECONFLICT)
	equal(e.t, "the notification after a stale result", e.notification(first), before)
	equal(e.t, "the timeline after a stale result", e.timeline(inc.ID), beforeEvents)

	done := lapse.Add(2 * time.Second)
	if err := other.FinishNotification(e.ctx, second.ID, second.Attempts, arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: "msg-1"}, done); err != nil {
		e.t.Fatal(err)
	}
	n := e.notification(first)
	if n.State != arqir.NotificationDelivered || n.DeliveredAt == nil || !n.DeliveredAt.Equal(done) || n.ClaimedUntil != nil || n.ProviderRef != "msg-1" || n.Ambiguous != 1 {
		e.t.Fatalf("delivered notification = %+v", n)
	}
	sent := e.eventsOf(inc.ID, arqir.EventNotificationSent)
	if len(sent) != 1 || sent[0].Message != "Delivered page (step 1) to schedule:primary" || sent[0].Data["provider_ref"] != "msg-1" {
		e.t.Fatalf("sent events = %+v", sent)
	}
	// Finished is final; unknown is unknown; a state a delivery cannot end in is refused.
	err = other.FinishNotification(e.ctx, second.ID, second.Attempts, arqir.Delivery{State: arqir.NotificationFailed}, done)
	wantCode(e.t, err, arqir.ECONFLICT)
	err = e.st.FinishNotification(e.ctx, 999999, 1, arqir.Delivery{State: arqir.NotificationFailed}, done)
	wantCode(e.t, err, arqir.ENOTFOUND)
	err = e.st.FinishNotification(e.ctx, second.ID, second.Attempts, arqir.Delivery{State: arqir.NotificationSending}, done)
	wantCode(e.t, err, arqir.EINVALID)
}

func testRetryThenFail(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV3", "Slow search")
	at := micro(Start)
	in := page(inc.ID, 1, "schedule:primary")
	in.Recipient = "Ada Lovelace"
	in.Channel, in.Address = arqir.ChannelSlack, "U1"
	e.queue(p, inc.ID, in)
	n := e.claim(e.st, at, 30*time.Second, 10)[0]
	retryAt := at.Add(10 * time.Second)
	e.finish(n, arqir.Delivery{State: arqir.NotificationQueued, RetryAt: retryAt, Reason: "slack answered 429", Ambiguous: true}, at.Add(time.Second))
	got := e.notification(n)
	if got.State != arqir.NotificationQueued || !got.NotBefore.Equal(retryAt) || got.ClaimedUntil != nil || got.Ambiguous != 1 || got.Reason != "slack answered 429" || got.Attempts != 1 {
		e.t.Fatalf("after a retryable failure: %+v", got)
	}
	retry := e.eventsOf(inc.ID, arqir.EventNotificationRetry)
	want := "Retrying page (step 1) to Ada Lovelace via slack at " + retryAt.Format(time.RFC3339) + ": slack answered 429 (outcome unknown: the provider may have acted)"
	if len(retry) != 1 || retry[0].Message != want {
		e.t.Fatalf("retry events = %+v, want %q", retry, want)
	}
	if early := e.claim(e.st, retryAt.Add(-time.Microsecond), 30*time.Second, 10); len(early) != 0 {
		e.t.Fatalf("claimed %d before the retry time", len(early))
	}
	again := e.claim(e.st, retryAt, 30*time.Second, 10)
	if len(again) != 1 || again[0].Attempts != 2 || again[0].Ambiguous != 1 {
		e.t.Fatalf("the retry claim = %+v", again)
	}
	reason := "slack answered channel_not_found — invite the arqir app"
	e.finish(again[0], arqir.Delivery{State: arqir.NotificationFailed, Reason: reason}, retryAt.Add(time.Second))
	got = e.notification(n)
	if got.State != arqir.NotificationFailed || got.Reason != reason || got.ClaimedUntil != nil || got.DeliveredAt != nil {
		e.t.Fatalf("after a failure: %+v", got)
	}
	failed := e.eventsOf(inc.ID, arqir.EventNotificationFailed)
	if len(failed) != 1 || failed[0].Message != "Failed to send page (step 1) to Ada Lovelace via slack: "+reason || failed[0].Data["reason"] != reason {
		e.t.Fatalf("failed events = %+v", failed)
	}
	if next, err := e.st.NextNotificationAt(e.ctx); err != nil || next != nil {
		e.t.Fatalf("next notification at %v (%v), want none once it failed", next, err)
	}
}

func testExpiry(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV3", "Slow search")
	at := micro(Start)
	late := page(inc.ID, 2, "cto")
	late.NotBefore = at.Add(5 * time.Minute)
	ns := e.queue(p, inc.ID, page(inc.ID, 1, "schedule:primary"), late)
	// Nobody dispatched for 10 minutes: the step 1 page is stale and
	// expires; the step 2 page, due 5 minutes later, still goes.
	got := e.claim(e.st, at.Add(stale), time.Minute, 10)
	if len(got) != 1 || got[0].ID != ns[1].ID {
		e.t.Fatalf("claimed %+v, want only the step 2 page", got)
	}
	expired := e.notification(ns[0])
	reason := "stale: not sent within 10m0s of being due"
	if expired.State != arqir.NotificationExpired || expired.Reason != reason || expired.Attempts != 0 {
		e.t.Fatalf("the stale page = %+v", expired)
	}
	events := e.eventsOf(inc.ID, arqir.EventNotificationExpired)
	if len(events) != 1 || events[0].Message != "Expired page (step 1) to schedule:primary: "+reason {
		e.t.Fatalf("expired events = %+v", events)
	}
	// The step 2 page's dispatcher dies and its claim lapses after the
	// page went stale: it expires, its interrupted attempt counted ambiguous.
	if more := e.claim(e.st, at.Add(5*time.Minute+stale), time.Minute, 10); len(more) != 0 {
		e.t.Fatalf("claimed %+v past their expiry", more)
	}
	expired = e.notification(ns[1])
	if expired.State != arqir.NotificationExpired || expired.Ambiguous != 1 || expired.ClaimedUntil != nil {
		e.t.Fatalf("the stale lapsed page = %+v", expired)
	}
	// A dispatcher may also give up on one itself.
	third := e.queue(p, inc.ID, page(inc.ID, 3, "vp"))[0]
	now := micro(e.clock.Now())
	n := e.claim(e.st, now, time.Minute, 10)[0]
	e.finish(n, arqir.Delivery{State: arqir.NotificationExpired, Reason: "the incident was resolved meanwhile"}, now)
	if got := e.notification(third); got.State != arqir.NotificationExpired || got.Reason != "the incident was resolved meanwhile" {
		e.t.Fatalf("expired by the dispatcher: %+v", got)
	}
	if n := e.countKind(inc.ID, arqir.EventNotificationExpired); n != 3 {
		e.t.Fatalf("%d expired events, want 3", n)
	}
}

// O4 under a backlog: a due page is claimed before notices and copies due
// earlier, and a lapsed claim before both.
func testPagesFirst(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV1", "Checkout down")
	at := micro(Start).Add(time.Minute)
	var copies []arqir.NotificationIntent
	for i := range 50 {
		copies = append(copies, arqir.NotificationIntent{Purpose: arqir.PurposeStakeholder, Target: fmt.Sprint("subscriber-", i),
			Channel: arqir.ChannelEmail, Address: fmt.Sprintf("s%d@example.com", i), NotBefore: at.Add(time.Duration(i) * time.Millisecond)})
	}
	queued := e.queue(p, inc.ID, copies...)
	pg := page(inc.ID, 1, "schedule:primary")
	pg.NotBefore = at.Add(time.Second)
	paged := e.queue(p, inc.ID, pg)[0]

	now := at.Add(time.Second)
	if got := e.claim(e.st, now, time.Minute, 1); len(got) != 1 || got[0].ID != paged.ID {
		e.t.Fatalf("claimed %+v with limit 1, want the page due after 50 copies", got)
	}
	got := e.claim(e.st, now, time.Hour, 3)
	if len(got) != 3 || got[0].ID != queued[0].ID || got[1].ID != queued[1].ID || got[2].ID != queued[2].ID {
		e.t.Fatalf("then claimed %+v, want the three oldest copies", got)
	}
	// The page's claim lapses; a new page is due: the lapsed claim goes first.
	pg2 := page(inc.ID, 2, "cto")
	pg2.NotBefore = now
	second := e.queue(p, inc.ID, pg2)[0]
	lapse := now.Add(time.Minute)
	got = e.claim(e.st, lapse, time.Minute, 2)
	if len(got) != 2 || got[0].ID != paged.ID || got[0].Attempts != 2 || got[1].ID != second.ID {
		e.t.Fatalf("after the lapse claimed %+v, want the lapsed page, then the new one", got)
	}
}
