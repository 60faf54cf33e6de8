package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var transitionTests = []namedTest{
	{name: "R1_AcknowledgeMeetsResponseDeadline", fn: testAcknowledge},
	{name: "AcknowledgeTwiceIsRejectedAndChangesNothing", fn: testAcknowledgeTwice},
	{name: "S_ChangeSeverityRetargetsPendingDeadline", fn: testChangeSeverity},
	{name: "R2_ChangeStatusBetweenOpenStatuses", fn: testChangeStatus},
	{name: "AssignRolesAndAddNote", fn: testRolesAndNotes},
	{name: "TickChecklistByPerson", fn: testTickChecklist},
	{name: "C3_ResolveNeedsRootCauseAndCustomerImpact", fn: testResolve},
	{name: "ResolvedIncidentRefusesChanges", fn: testResolvedRefuses},
	{name: "ReopenReturnsToInvestigating", fn: testReopen},
	{name: "StaleVersionIsConflictAndChangesNothing", fn: testStaleVersion},
}

func testAcknowledge(e *env) {
	inc := e.declare("SEV2", "Checkout errors")
	now := micro(e.clock.Advance(2*time.Minute + 3*time.Second))
	acked := e.must(e.st.Acknowledge(e.ctx, inc.ID, arqir.Change{Actor: bob, ExpectedVersion: 1}))
	switch {
	case acked.AcknowledgedAt == nil || !acked.AcknowledgedAt.Equal(now) || acked.AcknowledgedBy != "bob":
		e.t.Fatalf("acknowledged at %v by %q, want %v by bob", acked.AcknowledgedAt, acked.AcknowledgedBy, now)
	case acked.Version != 2 || !acked.UpdatedAt.Equal(now):
		e.t.Fatalf("version %d updated %v, want 2 at %v", acked.Version, acked.UpdatedAt, now)
	case acked.Deadlines[0].MetAt == nil || !acked.Deadlines[0].MetAt.Equal(now) || acked.Deadlines[0].BreachedAt != nil:
		e.t.Fatalf("response deadline %+v, want met at %v", acked.Deadlines[0], now)
	case acked.Checklist[0].ID != "R1" || !acked.Checklist[0].Done || acked.Checklist[0].Who != "bob":
		e.t.Fatalf("R1 = %+v, want ticked by bob", acked.Checklist[0])
	}
	events := e.timeline(inc.ID)
	tail := events[len(events)-2:]
	equal(e.t, "events of the acknowledgement", kinds(tail), []string{arqir.EventAcknowledged, arqir.EventChecklistTicked})
	if tail[0].Actor != "bob" || tail[0].Source != arqir.SourceCLI || !tail[0].At.Equal(now) {
		e.t.Fatalf("acknowledged event %+v, want bob via cli at %v", tail[0], now)
	}
}

func testAcknowledgeTwice(e *env) {
	inc := e.declare("SEV2", "Checkout errors")
	e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	before := e.snap(inc.ID)
	e.clock.Advance(time.Minute)
	_, err := e.st.Acknowledge(e.ctx, inc.ID, arqir.Change{Actor: bob})
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	if !strings.Contains(arqir.ErrorMessage(err), "already acknowledged by alice") {
		e.t.Fatalf("message %q does not say who acknowledged", arqir.ErrorMessage(err))
	}
	e.unchanged(before)
}

func testChangeSeverity(e *env) {
	inc := e.declare("SEV3", "Slow search")
	declared := inc.DeclaredAt
	e.clock.Advance(time.Minute)
	up := e.must(e.st.ChangeSeverity(e.ctx, inc.ID, "SEV1", "checkout affected", as))
	if up.Severity != "SEV1" || up.Version != 2 {
		e.t.Fatalf("severity %s version %d, want SEV1 version 2", up.Severity, up.Version)
	}
	equal(e.t, "re-targeted deadline (from declaration)", up.Deadlines[0].DueAt, declared.Add(5*time.Minute))
	last := e.timeline(inc.ID)
	ev := last[len(last)-1]
	if ev.Kind != arqir.EventSeverityChanged || ev.Data["from"] != "SEV3" || ev.Data["to"] != "SEV1" || !strings.Contains(ev.Message, "checkout affected") {
		e.t.Fatalf("severity event = %+v", ev)
	}

	// Rejections change nothing.
	before := e.snap(inc.ID)
	_, err := e.st.ChangeSeverity(e.ctx, inc.ID, "SEV1", "", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "severity")
	_, err = e.st.ChangeSeverity(e.ctx, inc.ID, "SEV9", "", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "severity")
	e.unchanged(before)

	// A met deadline keeps its due time.
	e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	down := e.must(e.st.ChangeSeverity(e.ctx, inc.ID, "SEV4", "", as))
	equal(e.t, "met deadline after a severity change", down.Deadlines[0].DueAt, declared.Add(5*time.Minute))
}

func testChangeStatus(e *env) {
	inc := e.declare("SEV2", "Checkout errors")
	version := inc.Version
	for _, to := range []arqir.Status{arqir.StatusIdentified, arqir.StatusMonitoring, arqir.StatusInvestigating} {
		e.clock.Advance(time.Minute)
		got := e.must(e.st.ChangeStatus(e.ctx, inc.ID, to, "because", as))
		version++
		if got.Status != to || got.Version != version {
			e.t.Fatalf("status %s version %d, want %s version %d", got.Status, got.Version, to, version)
		}
	}
	events := e.timeline(inc.ID)
	var moves []string
	for _, ev := range events {
		if ev.Kind == arqir.EventStatusChanged {
			moves = append(moves, ev.Data["from"]+"→"+ev.Data["to"])
		}
	}
	equal(e.t, "status events", moves, []string{"INVESTIGATING→IDENTIFIED", "IDENTIFIED→MONITORING", "MONITORING→INVESTIGATING"})

	before := e.snap(inc.ID)
	_, err := e.st.ChangeStatus(e.ctx, inc.ID, arqir.StatusResolved, "", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "status")
	_, err = e.st.ChangeStatus(e.ctx, inc.ID, arqir.StatusInvestigating, "", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "status")
	_, err = e.st.ChangeStatus(e.ctx, inc.ID, "PANICKING", "", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "status")
	e.unchanged(before)
}

func testRolesAndNotes(e *env) {
	inc := e.declare("SEV2", "Checkout errors")
	got := e.must(e.st.AssignRoles(e.ctx, inc.ID, arqir.RoleChange{Commander: ptr("carol"), AddResponders: []string{"dave", "erin"}}, as))
	if got.Commander != "carol" {
		e.t.Fatalf("commander = %q, want carol", got.Commander)
	}
	equal(e.t, "responders", got.Responders, []string{"dave", "erin"})
	got = e.must(e.st.AssignRoles(e.ctx, inc.ID, arqir.RoleChange{RemoveResponders: []string{"dave"}}, as))
	equal(e.t, "responders", got.Responders, []string{"erin"})

	got = e.must(e.st.AddNote(e.ctx, inc.ID, "  rolled back deploy 42  ", as))
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventNote || last.Message != "rolled back deploy 42" || got.Version != 4 {
		e.t.Fatalf("note event %+v at version %d", last, got.Version)
	}
	if n := len(events); kinds(events)[n-2] != arqir.EventRolesChanged || kinds(events)[n-3] != arqir.EventRolesChanged {
		e.t.Fatalf("timeline = %v, want two roles_changed events before the note", kinds(events))
	}

	before := e.snap(inc.ID)
	_, err := e.st.AssignRoles(e.ctx, inc.ID, arqir.RoleChange{Commander: ptr("carol")}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, err = e.st.AddNote(e.ctx, inc.ID, "   ", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "text")
	e.unchanged(before)
}

func testTickChecklist(e *env) {
	inc := e.declare("SEV1", "Checkout down")
	now := micro(e.clock.Advance(time.Minute))
	got := e.must(e.st.TickChecklist(e.ctx, inc.ID, "r4", arqir.Change{Actor: bob}))
	for _, c := range got.Checklist {
		if c.ID == "R4" && (!c.Done || c.Who != "bob" || c.DoneAt == nil || !c.DoneAt.Equal(now)) {
			e.t.Fatalf("R4 = %+v, want done by bob at %v", c, now)
		}
	}
	events := e.timeline(inc.ID)
	if last := events[len(events)-1]; last.Kind != arqir.EventChecklistTicked || last.Data["item"] != "R4" {
		e.t.Fatalf("last event %+v, want R4 ticked", last)
	}
	before := e.snap(inc.ID)
	_, err := e.st.TickChecklist(e.ctx, inc.ID, "R4", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, err = e.st.TickChecklist(e.ctx, inc.ID, "R99", as)
	wantCode(e.t, err, arqir.ENOTFOUND, "item")
	e.unchanged(before)
}

func testResolve(e *env) {
	inc := e.declare("SEV2", "Checkout errors")
	before := e.snap(inc.ID)
	_, err := e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{CustomerImpact: "none"}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "root_cause")
	_, err = e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "  "}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "customer_impact")
	e.unchanged(before)

	now := micro(e.clock.Advance(10 * time.Minute))
	got := e.must(e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "5% of checkouts failed", FalsePositive: false}, as))
	switch {
	case got.Status != arqir.StatusResolved || got.ResolvedAt == nil || !got.ResolvedAt.Equal(now):
		e.t.Fatalf("status %s resolved %v, want RESOLVED at %v", got.Status, got.ResolvedAt, now)
	case got.RootCause != "bad deploy" || got.CustomerImpact != "5% of checkouts failed":
		e.t.Fatalf("root cause %q, impact %q", got.RootCause, got.CustomerImpact)
	case got.Deadlines[0].MetAt != nil || got.Deadlines[0].CancelledAt == nil || !got.Deadlines[0].CancelledAt.Equal(now):
		e.t.Fatalf("a deadline pending at resolution is moot (cancelled, neither met nor breached), got %+v", got.Deadlines[0])
	}
	events := e.timeline(inc.ID)
	// The resolution, then the RCA it creates (P1, tested in rca.go).
	if last := events[len(events)-2]; last.Kind != arqir.EventResolved || last.Data["to"] != string(arqir.StatusResolved) {
		e.t.Fatalf("last but one event %+v, want resolved", last)
	}
	if n, err := e.st.SweepDeadlines(e.ctx, now.Add(time.Hour)); err != nil || n != 0 {
		e.t.Fatalf("sweeping a resolved incident breached %d (%v), want 0", n, err)
	}
}

func testResolvedRefuses(e *env) {
	inc := e.declare("SEV3", "Slow search")
	e.must(e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{RootCause: "cache", CustomerImpact: "none"}, as))
	before := e.snap(inc.ID)
	_, err := e.st.ChangeStatus(e.ctx, inc.ID, arqir.StatusIdentified, "", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "status")
	_, err = e.st.Acknowledge(e.ctx, inc.ID, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, err = e.st.ChangeSeverity(e.ctx, inc.ID, "SEV1", "", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, err = e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{RootCause: "cache", CustomerImpact: "none"}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	e.unchanged(before)
}

func testReopen(e *env) {
	inc := e.declare("SEV3", "Slow search")
	before := e.snap(inc.ID)
	_, err := e.st.Reopen(e.ctx, inc.ID, "again", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	e.unchanged(before)

	e.must(e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{RootCause: "cache", CustomerImpact: "none"}, as))
	_, err = e.st.Reopen(e.ctx, inc.ID, " ", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "reason")
	reopenedAt := micro(e.clock.Advance(time.Hour))
	got := e.must(e.st.Reopen(e.ctx, inc.ID, "errors are back", as))
	if got.Status != arqir.StatusInvestigating || got.ResolvedAt != nil || got.Version != 3 || got.RootCause != "" {
		e.t.Fatalf("reopened: status %s resolved %v version %d root cause %q", got.Status, got.ResolvedAt, got.Version, got.RootCause)
	}
	// Live again: a new response deadline (SEV3: 30 min) that the sweep
	// breaches; the RCA deadline of the resolution is moot until the next.
	if len(got.Deadlines) != 3 || !got.Deadlines[2].DueAt.Equal(reopenedAt.Add(30*time.Minute)) || got.Deadlines[0].CancelledAt == nil ||
		got.Deadlines[1].Kind != arqir.DeadlineRCA || got.Deadlines[1].CancelledAt == nil {
		e.t.Fatalf("deadlines after reopening %+v, want the old one and the RCA's moot and a new one due in 30m", got.Deadlines)
	}
	if reread := e.must(e.st.Incident(e.ctx, inc.ID)); len(reread.Deadlines) != 3 {
		e.t.Fatalf("deadlines read back %+v", reread.Deadlines)
	}
	if n, err := e.st.SweepDeadlines(e.ctx, reopenedAt.Add(30*time.Minute)); err != nil || n != 1 {
		e.t.Fatalf("reopened and unacknowledged for 30m: breached %d (%v), want 1", n, err)
	}
	equal(e.t, "timeline after reopening", kinds(e.timeline(inc.ID))[len(before.events):],
		[]string{arqir.EventResolved, arqir.EventRCACreated, arqir.EventReopened, arqir.EventDeadlineBreached})
}

func testStaleVersion(e *env) {
	inc := e.declare("SEV2", "Checkout errors")
	e.must(e.st.Acknowledge(e.ctx, inc.ID, arqir.Change{Actor: alice, ExpectedVersion: 1}))
	before := e.snap(inc.ID)
	_, err := e.st.AddNote(e.ctx, inc.ID, "based on version 1", arqir.Change{Actor: bob, ExpectedVersion: 1})
	wantCode(e.t, err, arqir.ECONFLICT)
	msg := arqir.ErrorMessage(err)
	if !strings.Contains(msg, "version 1") || !strings.Contains(msg, "version 2") || !strings.Contains(msg, "reload") {
		e.t.Fatalf("message %q should name both versions and say to reload", msg)
	}
	e.unchanged(before)
	got := e.must(e.st.AddNote(e.ctx, inc.ID, "based on version 2", arqir.Change{Actor: bob, ExpectedVersion: 2}))
	if got.Version != 3 {
		e.t.Fatalf("version = %d, want 3", got.Version)
	}
}
