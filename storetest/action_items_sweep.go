package storetest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

var actionItemSweepTests = []namedTest{
	{name: "P4_OverdueActionItemsRemindTheirOwnerOnceADay", fn: testRemindOverdue},
	{name: "P4_ReplicasRemindEachItemOnce", fn: testRemindOnReplicas},
	{name: "P4_HandoffListsOverdueActionItems", fn: testHandoffActionItems},
}

// reminders returns the action-item reminders of an incident, oldest first.
func (e *env) reminders(id arqir.IncidentID) []*arqir.Notification {
	e.t.Helper()
	var out []*arqir.Notification
	for _, n := range e.notifications(id) {
		if n.Purpose == arqir.PurposeActionItemReminder {
			out = append(out, n)
		}
	}
	return out
}

// sweepItems sweeps action items at t on st, failing the test on error.
func (e *env) sweepItems(st arqir.Store, t time.Time) int {
	e.t.Helper()
	n, err := st.SweepActionItems(e.ctx, t)
	if err != nil {
		e.t.Fatalf("sweep action items at %s: %v", t, err)
	}
	return n
}

func testRemindOverdue(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors") // the clock stands on 2025-03-10 14:00
	late := e.file(item(inc.ID, "Rotate the leaked key", day(9, 0, 0)))
	dueToday := e.file(arqir.ActionItemInput{IncidentID: inc.ID, Category: "detection", Title: "Alert on key use", Owner: "bob", DueOn: day(10, 0, 0)})
	done := e.file(item(inc.ID, "Revoke the old key", day(8, 0, 0)))
	e.mustItem(e.st.UpdateActionItem(e.ctx, done.ID, arqir.ActionItemPatch{Status: ptr(arqir.ActionItemDone)}, as))

	now := micro(e.clock.Now())
	if n := e.sweepItems(e.st, now); n != 1 {
		e.t.Fatalf("first sweep queued %d reminders, want the one overdue item's", n)
	}
	rs := e.reminders(inc.ID)
	if len(rs) != 1 {
		e.t.Fatalf("%d reminders", len(rs))
	}
	r := rs[0]
	switch {
	case r.Key != fmt.Sprintf("%s/action_item/%d/reminder/2025-03-10", inc.ID, late.ID):
		e.t.Fatalf("key %q", r.Key)
	case r.Target != "user:ada" || r.Channel != "" || r.State != arqir.NotificationQueued || !r.NotBefore.Equal(now):
		e.t.Fatalf("reminder to %s via %q (%s, not before %s), want ada's channels, now", r.Target, r.Channel, r.State, r.NotBefore)
	case !strings.Contains(r.Message.Headline, "Rotate the leaked key") || !strings.Contains(r.Message.Headline, "overdue") || r.Message.IncidentID != inc.ID:
		e.t.Fatalf("headline %q", r.Message.Headline)
	}
	if got := e.actionItem(late.ID); got.RemindedAt == nil || !got.RemindedAt.Equal(now) || got.Version != late.Version {
		e.t.Fatalf("reminded item %+v, want reminded now, same version", got)
	}
	if q := e.eventsOf(inc.ID, arqir.EventNotificationQueued); len(q) == 0 || q[len(q)-1].Data["purpose"] != arqir.PurposeActionItemReminder {
		e.t.Fatalf("the timeline does not show the reminder queued: %+v", q)
	}

	// Within the day: nothing more, however often it runs.
	for _, t := range []time.Duration{time.Minute, time.Hour} {
		if n := e.sweepItems(e.st, now.Add(t)); n != 0 {
			e.t.Fatalf("a sweep %s later queued %d", t, n)
		}
	}
	// At midnight UTC bob's item, due on the 10th, is overdue; ada's was
	// reminded less than a day ago.
	if n := e.sweepItems(e.st, day(11, 0, 0)); n != 1 {
		e.t.Fatalf("at midnight: %d reminders, want bob's", n)
	}
	if n := e.sweepItems(e.st, now.Add(24*time.Hour-time.Microsecond)); n != 0 {
		e.t.Fatalf("just under a day after the first: %d reminders, want none", n)
	}
	if n := e.sweepItems(e.st, now.Add(24*time.Hour)); n != 1 {
		e.t.Fatalf("a day after the first: %d reminders, want ada's again", n)
	}
	rs = e.reminders(inc.ID)
	keys := []string{}
	for _, r := range rs {
		keys = append(keys, r.Key)
	}
	equal(e.t, "reminder keys", keys, []string{
		fmt.Sprintf("%s/action_item/%d/reminder/2025-03-10", inc.ID, late.ID),
		fmt.Sprintf("%s/action_item/%d/reminder/2025-03-11", inc.ID, dueToday.ID),
		fmt.Sprintf("%s/action_item/%d/reminder/2025-03-11", inc.ID, late.ID),
	})
	if rs[1].Target != "user:bob" {
		e.t.Fatalf("bob's reminder goes to %s", rs[1].Target)
	}
}

func testRemindOnReplicas(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	const items = 130 // more than one sweep batch
	for i := range items {
		e.file(item(inc.ID, fmt.Sprint("Item ", i), day(1+i%9, 0, 0)))
	}
	replicas := []arqir.Store{e.st, e.another(), e.another()}
	now := e.clock.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, st := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := st.SweepActionItems(e.ctx, now)
			if err != nil {
				e.t.Errorf("sweep: %v", err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != items {
		e.t.Fatalf("three replicas queued %d reminders, want %d: one per overdue item", total, items)
	}
	if n := len(e.reminders(inc.ID)); n != items {
		e.t.Fatalf("%d reminders stored, want %d", n, items)
	}
	if n := e.sweepItems(e.another(), now); n != 0 {
		e.t.Fatalf("a later sweep queued %d more", n)
	}
}

func testHandoffActionItems(e *env) {
	e.threeOnPrimary()
	e.st.SetRules(PostIncidentRules(e.policy.Revision))
	inc := e.declare("SEV2", "Checkout errors")
	overdue := e.file(item(inc.ID, "Rotate the leaked key", day(12, 0, 0)))
	soon := e.file(arqir.ActionItemInput{IncidentID: inc.ID, Category: "detection", Title: "Alert on key use", Owner: "bob", DueOn: day(20, 0, 0)})
	e.file(item(inc.ID, "Move secrets to the vault", day(30, 0, 0))) // due after the week ahead
	closed := e.file(item(inc.ID, "Revoke the old key", day(11, 0, 0)))
	e.mustItem(e.st.UpdateActionItem(e.ctx, closed.ID, arqir.ActionItemPatch{Status: ptr(arqir.ActionItemDone)}, as))

	// The handoff on Monday 2025-03-17 09:00 New York time.
	e.clock.Set(ny(2025, 3, 17, 9, 1))
	if res := e.sweepBoth(e.st, e.replica()); res.Reports != 1 {
		e.t.Fatalf("sweep after the handoff = %+v, want one report", res)
	}
	reports, err := e.st.Handoffs(e.ctx, "primary", 10)
	if err != nil || len(reports) != 1 {
		e.t.Fatalf("%d reports (%v)", len(reports), err)
	}
	equal(e.t, "the action items of the report", reports[0].ActionItems, arqir.HandoffActionItems{
		Tracked: true,
		Note:    "1 overdue, 1 due within 7 days",
		Items: []string{
			fmt.Sprintf("#%d %s Rotate the leaked key — ada, due 2025-03-12 (overdue)", overdue.ID, inc.ID),
			fmt.Sprintf("#%d %s Alert on key use — bob, due 2025-03-20", soon.ID, inc.ID),
		},
	})
	if text := reports[0].Text(); !strings.Contains(text, "Rotate the leaked key") {
		e.t.Fatalf("the report's text lacks the overdue item:\n%s", text)
	}
}
