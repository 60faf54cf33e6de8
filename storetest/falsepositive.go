package storetest

import (
	"time"

	"github.com/arqir/arqir"
)

var falsePositiveTests = []namedTest{
	{name: "K5_MarkAnIncidentFalsePositive", fn: testIncidentFalsePositive},
	{name: "K5_MarkAnAlertFalsePositive", fn: testAlertFalsePositive},
}

func testIncidentFalsePositive(e *env) {
	inc := e.declare("SEV3", "Disk alarm")
	e.clock.Advance(time.Minute)
	got := e.must(e.st.MarkFalsePositive(e.ctx, inc.ID, "  the disk check misread a tmpfs ", arqir.Change{Actor: bob, ExpectedVersion: 1}))
	if !got.FalsePositive || got.FalsePositiveReason != "the disk check misread a tmpfs" || got.Version != 2 {
		e.t.Fatalf("marked incident = %v %q version %d", got.FalsePositive, got.FalsePositiveReason, got.Version)
	}
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventFalsePositive || last.Actor != bob.Name || last.Message != "Marked a false positive: the disk check misread a tmpfs" {
		e.t.Fatalf("event = %+v", last)
	}
	before := e.snap(inc.ID)
	_, err := e.st.MarkFalsePositive(e.ctx, inc.ID, "again", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	e.unchanged(before)

	// After resolution, as in a review; a stale version is refused.
	other := e.declare("SEV2", "Checkout errors")
	e.must(e.st.Resolve(e.ctx, other.ID, arqir.Resolution{RootCause: "none", CustomerImpact: "none"}, as))
	_, err = e.st.MarkFalsePositive(e.ctx, other.ID, "noise", arqir.Change{Actor: alice, ExpectedVersion: 1})
	wantCode(e.t, err, arqir.ECONFLICT)
	_, err = e.st.MarkFalsePositive(e.ctx, other.ID, " ", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "reason")
	if got := e.must(e.st.MarkFalsePositive(e.ctx, other.ID, "noise", as)); !got.FalsePositive || got.Status != arqir.StatusResolved {
		e.t.Fatalf("after resolve: %+v", got)
	}
	_, err = e.st.MarkFalsePositive(e.ctx, 999999, "noise", as)
	wantCode(e.t, err, arqir.ENOTFOUND)
}

func testAlertFalsePositive(e *env) {
	in := e.prom()
	res := e.ingest(in, "", firing("fp", "alertname", "CPU"))
	a, inc := res.Alerts[0], e.only(res)
	e.clock.Advance(time.Minute)
	marked, err := e.st.MarkAlertFalsePositive(e.ctx, a.ID, "load test traffic", bob)
	if err != nil {
		e.t.Fatal(err)
	}
	switch {
	case !marked.FalsePositive || marked.FalsePositiveReason != "load test traffic" || marked.FalsePositiveBy != bob.Name:
		e.t.Fatalf("marked alert = %+v", marked)
	case marked.FalsePositiveAt == nil || !marked.FalsePositiveAt.Equal(micro(Start.Add(time.Minute))):
		e.t.Fatalf("marked at %v", marked.FalsePositiveAt)
	}
	equal(e.t, "the alert read back", e.alert(a.ID), marked)
	got := e.get(inc.ID)
	if got.Version != inc.Version+1 || got.FalsePositive {
		e.t.Fatalf("incident version %d false positive %v: the alert's verdict is noted, the incident's is separate", got.Version, got.FalsePositive)
	}
	if n := e.countKind(inc.ID, arqir.EventAlertFalsePositive); n != 1 {
		e.t.Fatalf("%d alert false-positive events, want 1", n)
	}
	_, err = e.st.MarkAlertFalsePositive(e.ctx, a.ID, "again", bob)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, err = e.st.MarkAlertFalsePositive(e.ctx, a.ID+1000, "x", bob)
	wantCode(e.t, err, arqir.ENOTFOUND)
	// The verdict survives the alert firing again.
	if again := e.ingest(in, "", firing("fp", "alertname", "CPU")).Alerts[0]; !again.FalsePositive || again.Count != 2 {
		e.t.Fatalf("after a repeat: %+v", again)
	}
}
