package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// changeTests are the changes people make to a schedule while it runs:
// a roster change, an override starting now, a user leaving.
var changeTests = []namedTest{
	{name: "O3_RosterChangeKeepsTheAnchorAndReportsTheHandoverAtOnce", fn: testRosterChange},
	{name: "O3_OverrideCannotStartInThePast", fn: testOverrideStart},
	{name: "O1_DeletingAUserInARotationIsRefusedUnlessForced", fn: testDeleteRotatingUser},
}

// reports lists a schedule's handoff reports, oldest first.
func (e *env) reports(schedule string) []*arqir.HandoffReport {
	e.t.Helper()
	list, err := e.st.Handoffs(e.ctx, schedule, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

// handoffMessages are the handoff reports in a user's inbox.
func (e *env) handoffMessages(handle string) []*arqir.InAppMessage {
	e.t.Helper()
	var out []*arqir.InAppMessage
	for _, m := range e.inbox(handle) {
		if m.Kind == arqir.MessageHandoffReport {
			out = append(out, m)
		}
	}
	return out
}

// testRosterChange: adding someone to the roster mid-rotation leaves the
// anchor, who is on call and the past as they were; a change that does
// put someone else on call is a handoff at that instant, reported and
// delivered once, after the handoffs of the old roster that were still
// due.
func testRosterChange(e *env) {
	e.threeOnPrimary() // anchored Monday 10 March: ada, then bob from the 17th, then carol
	e.user("dan", "Dan")
	// Wednesday of bob's week; the scheduler has not run since ada's turn.
	e.clock.Set(ny(2025, 3, 19, 12, 0))
	change := e.assignLayer("primary", "", "", "ada", "bob", "carol", "dan")
	if change.Anchor != "2025-03-10" {
		e.t.Fatalf("anchor after adding dan = %q, want the stored 2025-03-10", change.Anchor)
	}
	if change.Before.User != "bob" || change.After.User != "bob" || change.OnCallChanged() || change.Handoff != 0 {
		e.t.Fatalf("adding dan: before %q, after %q, handoff %d; want bob on call throughout and no handoff", change.Before.User, change.After.User, change.Handoff)
	}
	e.sameInstant("the change", change.At, ny(2025, 3, 19, 12, 0))
	if got := e.onCall("primary", ny(2025, 3, 12, 12, 0)); got.Shift.User != "ada" {
		e.t.Fatalf("last week after adding dan = %q, want ada still", got.Shift.User)
	}
	if got := e.onCall("primary", ny(2025, 3, 31, 12, 0)); got.Shift.User != "dan" {
		e.t.Fatalf("the fourth week = %q, want dan", got.Shift.User)
	}

	// Taking bob out puts carol on call now: a handoff at 12:00.
	e.clock.Set(ny(2025, 3, 19, 12, 30))
	change = e.assignLayer("primary", "", "", "ada", "carol", "dan")
	if change.Before.User != "bob" || change.After.User != "carol" || change.Handoff == 0 {
		e.t.Fatalf("taking bob out: before %q, after %q, handoff %d; want bob → carol with a report", change.Before.User, change.After.User, change.Handoff)
	}
	e.sameInstant("carol's shift start", change.After.Start, ny(2025, 3, 17, 9, 0))
	got := e.reports("primary")
	if len(got) != 2 {
		e.t.Fatalf("%d reports, want the old roster's Monday handoff and the change", len(got))
	}
	// The Monday handoff was due before the change: it is reported as it
	// happened, to bob, not recomputed from the new roster.
	e.sameInstant("the Monday handoff", got[0].At, ny(2025, 3, 17, 9, 0))
	if got[0].Outgoing != "ada" || got[0].Incoming != "bob" {
		e.t.Fatalf("the Monday report = %s → %s, want ada → bob", got[0].Outgoing, got[0].Incoming)
	}
	r := got[1]
	e.sameInstant("the change's handoff", r.At, ny(2025, 3, 19, 12, 30))
	if r.ID != change.Handoff || r.Outgoing != "bob" || r.Incoming != "carol" || r.OutgoingEnd == nil || !r.OutgoingEnd.Equal(r.At) {
		e.t.Fatalf("the change's report = %+v", r)
	}
	for _, who := range []string{"bob", "carol"} {
		if msgs := e.handoffMessages(who); len(msgs) == 0 || msgs[0].HandoffID != r.ID {
			e.t.Fatalf("%s's handoff messages = %+v, want the change's report first", who, msgs)
		}
	}

	// Again, and the sweeps after: nothing more.
	change = e.assignLayer("primary", "", "", "ada", "carol", "dan")
	if change.OnCallChanged() || change.Handoff != 0 {
		e.t.Fatalf("the same roster again: %+v", change)
	}
	for range 2 {
		if res, err := e.st.SweepOnCall(e.ctx, e.clock.Now()); err != nil || res.Reports != 0 {
			e.t.Fatalf("sweep after the change = %+v, %v", res, err)
		}
		e.clock.Advance(time.Hour)
	}
	if n := len(e.reports("primary")); n != 2 {
		e.t.Fatalf("%d reports after repeating the change and sweeping, want 2", n)
	}
	if msgs := e.handoffMessages("carol"); len(msgs) != 1 {
		e.t.Fatalf("carol got %d handoff reports, want 1", len(msgs))
	}
	// The next rotation handoff follows the kept anchor: Monday 24 March.
	e.clock.Set(ny(2025, 3, 24, 9, 1))
	if res, err := e.st.SweepOnCall(e.ctx, e.clock.Now()); err != nil || res.Reports != 1 {
		e.t.Fatalf("sweep after Monday 24 March = %+v, %v", res, err)
	}
	if last := e.reports("primary")[2]; last.Outgoing != "carol" || last.Incoming != "dan" {
		e.t.Fatalf("the next handoff = %s → %s, want carol → dan", last.Outgoing, last.Incoming)
	}
}

// testOverrideStart: an override starting over a minute ago is refused;
// one starting within the minute starts now, and hands over at once.
func testOverrideStart(e *env) {
	e.threeOnPrimary()
	e.user("dan", "Dan")
	if _, err := e.st.SweepOnCall(e.ctx, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	before, err := e.st.Schedule(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	now := e.clock.Now()
	_, err = e.st.AddOverride(e.ctx, "primary", arqir.OverrideInput{User: "dan", Start: now.Add(-time.Hour), End: now.Add(time.Hour)}, alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "start")
	if msg := arqir.ErrorMessage(err); !strings.Contains(msg, "cannot start in the past") || !strings.Contains(msg, "start it now or later") {
		e.t.Fatalf("message %q", msg)
	}
	after, err := e.st.Schedule(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the schedule after a refused override", after, before)
	if got := e.onCall("primary", now.Add(-30*time.Minute)); got.Shift.User != "ada" {
		e.t.Fatalf("half an hour ago = %q, want ada still", got.Shift.User)
	}

	// Thirty seconds ago is now: the clocks differ, the intent does not.
	o, err := e.st.AddOverride(e.ctx, "primary", arqir.OverrideInput{User: "dan", Replaces: "ada", Start: now.Add(-30 * time.Second), End: now.Add(time.Hour)}, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	e.sameInstant("the override's start", o.Start, micro(now))
	if got := e.onCall("primary", time.Time{}); got.Shift.User != "dan" {
		e.t.Fatalf("now = %q, want dan", got.Shift.User)
	}
	// The scheduler had run through now: the handover at now is reported
	// with the override.
	reports := e.reports("primary")
	if len(reports) != 1 || reports[0].Outgoing != "ada" || reports[0].Incoming != "dan" || !reports[0].At.Equal(o.Start) {
		e.t.Fatalf("reports = %+v, want ada → dan now", reports)
	}
	if res, err := e.st.SweepOnCall(e.ctx, e.clock.Now()); err != nil || res.Reports != 0 {
		e.t.Fatalf("sweep after = %+v, %v", res, err)
	}
	// Removing it ten minutes in hands back to ada at once, reported too.
	e.clock.Advance(10 * time.Minute)
	if err := e.st.RemoveOverride(e.ctx, "primary", o.ID, alice); err != nil {
		e.t.Fatal(err)
	}
	reports = e.reports("primary")
	if len(reports) != 2 || reports[1].Outgoing != "dan" || reports[1].Incoming != "ada" || !reports[1].At.Equal(micro(e.clock.Now())) {
		e.t.Fatalf("reports after removing the override = %+v, want dan → ada now", reports)
	}
}

// testDeleteRotatingUser: deleting someone who rotates is refused, naming
// the schedules and what to do; forced, the schedule keeps answering with
// the gap flagged. Someone taken out of the rotation first goes without
// force.
func testDeleteRotatingUser(e *env) {
	e.threeOnPrimary()
	e.assign("secondary", "", "bob")
	e.user("dan", "Dan")
	_, err := e.st.DeleteUser(e.ctx, "bob", false, alice)
	wantCode(e.t, err, arqir.ECONFLICT, "handle")
	msg := arqir.ErrorMessage(err)
	for _, want := range []string{"bob rotates in primary, secondary", "take them out", "arqir oncall participants --schedule primary", "--force"} {
		if !strings.Contains(msg, want) {
			e.t.Fatalf("message %q lacks %q", msg, want)
		}
	}
	if u, err := e.st.User(e.ctx, "bob"); err != nil || u.Deleted() {
		e.t.Fatalf("bob after the refusal = %+v, %v", u, err)
	}
	e.deleteUser("dan", false) // in no rotation

	e.assign("secondary", "", "carol")
	e.assign("primary", "", "ada", "carol")
	e.deleteUser("bob", false)

	e.deleteUser("carol", true)
	got := e.onCall("primary", ny(2025, 3, 18, 12, 0))
	if !got.Shift.Gap || !strings.Contains(strings.Join(got.Shift.Notes, ";"), "gap: user carol was deleted") {
		e.t.Fatalf("carol's turn after a forced delete = %+v", got.Shift)
	}
	if got := e.onCall("primary", ny(2025, 3, 25, 12, 0)); got.Shift.User != "ada" {
		e.t.Fatalf("ada's next turn = %+v", got.Shift)
	}
}
