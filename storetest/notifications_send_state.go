package storetest

import (
	"sync/atomic"
	"time"

	"github.com/arqir/arqir"
)

// SendState is what a dispatcher checks before a provider call: the
// incident's status, acknowledgement and refs, as a full read shows them.
func testSendState(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV2", "Checkout errors")
	same := func(what string) {
		e.t.Helper()
		st, err := e.st.SendState(e.ctx, inc.ID)
		if err != nil {
			e.t.Fatalf("%s: %v", what, err)
		}
		full := e.get(inc.ID)
		want := arqir.SendState{Status: full.Status, Acknowledged: full.AcknowledgedAt != nil, AcknowledgedBy: full.AcknowledgedBy, Refs: full.Refs}
		equal(e.t, "the send state "+what, *st, want)
	}
	same("of a new incident")
	if st, _ := e.st.SendState(e.ctx, inc.ID); st.Acknowledged || st.Refs == nil {
		e.t.Fatalf("a new incident's send state = %+v, want unacknowledged with empty refs", st)
	}
	war := e.queue(p, inc.ID, arqir.NotificationIntent{Purpose: arqir.PurposeWarRoom, Target: "zoom", Channel: arqir.ChannelZoom})[0]
	claimed := e.claim(e.st, war.NotBefore, time.Minute, 1)[0]
	e.finish(claimed, arqir.Delivery{State: arqir.NotificationDelivered, Refs: map[string]string{arqir.RefWarRoomURL: "https://zoom.example/j/3"}}, e.clock.Now())
	e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	same("after a war room and an ack")
	if st, _ := e.st.SendState(e.ctx, inc.ID); !st.Acknowledged || st.AcknowledgedBy != "alice" || st.Refs[arqir.RefWarRoomURL] == "" {
		e.t.Fatalf("the send state after the ack = %+v", st)
	}
	e.must(e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "none"}, as))
	same("after the resolution")
	_, err := e.st.SendState(e.ctx, inc.ID+1000)
	wantCode(e.t, err, arqir.ENOTFOUND)
}

// queuedHooker is a store that wakes a dispatcher after commits that
// queued work due at once.
type queuedHooker interface {
	SetQueuedHook(fn func())
}

// The queued hook fires after a commit that queued a notification due at
// once — a change's plan, ingest, a deadline breach, a role resolved into
// queued channels — and not after reads, claims, notifications due later,
// or channels handed to the caller with a lease.
func testQueuedHook(e *env) {
	h, ok := e.st.(queuedHooker)
	if !ok {
		e.t.Fatalf("%T has no SetQueuedHook", e.st)
	}
	var fired atomic.Int64
	h.SetQueuedHook(func() { fired.Add(1) })
	later := false
	e.pager(func(before, after *arqir.Incident, events []arqir.TimelineEvent, now time.Time) arqir.Plan {
		var plan arqir.Plan
		if before == nil {
			in := page(after.ID, 1, "schedule:primary")
			if later {
				in.NotBefore = now.Add(time.Minute)
			}
			after.Deadlines = append(after.Deadlines, arqir.Deadline{Kind: arqir.DeadlinePageAck, DueAt: now.Add(2 * time.Minute), Step: 1})
			plan.Notify = append(plan.Notify, in)
		}
		for _, ev := range events {
			if ev.Kind == arqir.EventDeadlineBreached && ev.Data["deadline"] == arqir.DeadlinePageAck {
				plan.Notify = append(plan.Notify, page(after.ID, 2, "cto"))
			}
		}
		return plan
	})
	step := func(what string, want int64, fn func() error) {
		e.t.Helper()
		before := fired.Load()
		if err := fn(); err != nil {
			e.t.Fatalf("%s: %v", what, err)
		}
		if got := fired.Load() - before; got != want {
			e.t.Fatalf("%s fired the hook %d times, want %d", what, got, want)
		}
	}
	var inc *arqir.Incident
	step("a declaration that pages", 1, func() (err error) {
		inc, err = e.st.Declare(e.ctx, arqir.Declaration{Title: "Checkout down", Severity: "SEV1"}, alice)
		return err
	})
	step("reads", 0, func() error {
		if _, err := e.st.Incident(e.ctx, inc.ID); err != nil {
			return err
		}
		_, err := e.st.Notifications(e.ctx, arqir.NotificationFilter{IncidentID: inc.ID})
		return err
	})
	step("a change that queues nothing", 0, func() error { _, err := e.st.AddNote(e.ctx, inc.ID, "looking", as); return err })
	var claimed []*arqir.Notification
	step("a claim", 0, func() (err error) {
		claimed, err = e.st.ClaimNotifications(e.ctx, inc.DeclaredAt, time.Minute, 10)
		return err
	})
	resolve := func(n *arqir.Notification) []arqir.NotificationResult {
		return []arqir.NotificationResult{result(n, arqir.Delivery{State: arqir.NotificationDelivered,
			Resolved: []arqir.NotificationIntent{{Channel: arqir.ChannelEmail, Address: "ada@example.com"}}})}
	}
	step("channels handed over with a lease", 0, func() error {
		_, err := e.st.FinishNotifications(e.ctx, resolve(claimed[0]), e.clock.Now(), time.Hour)
		return err
	})
	later = true
	e.clock.Advance(time.Minute) // its deadline is not due with inc's
	var other *arqir.Incident
	step("a declaration that pages in a minute", 0, func() (err error) {
		other, err = e.st.Declare(e.ctx, arqir.Declaration{Title: "Search down", Severity: "SEV1"}, alice)
		return err
	})
	delayed := e.claim(e.st, other.DeclaredAt.Add(time.Minute), time.Minute, 10)
	step("channels queued", 1, func() error {
		_, err := e.st.FinishNotifications(e.ctx, resolve(delayed[0]), e.clock.Now(), 0)
		return err
	})
	step("a breach that escalates", 1, func() error {
		_, err := e.st.SweepDeadlines(e.ctx, inc.DeclaredAt.Add(2*time.Minute))
		return err
	})
	in := e.prom()
	later = false
	step("an ingest that opens an incident", 1, func() error {
		e.ingest(in, "r1", firing("d1", "alertname", "DiskFull", "service", "storage", "instance", "a"))
		return nil
	})
	h.SetQueuedHook(nil)
	step("a declaration without a hook", 0, func() error {
		_, err := e.st.Declare(e.ctx, arqir.Declaration{Title: "Login down", Severity: "SEV1"}, alice)
		return err
	})
}
