package storetest

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

var handoffTests = []namedTest{
	{name: "O5_HandoffReportOncePerHandoffAcrossReplicas", fn: testHandoffReport},
	{name: "O5_HandoffNotesByTheOutgoingEngineerOrAnAdmin", fn: testHandoffNotes},
	{name: "O6_PostShiftChecklistAndUnfinishedOnTheNextReport", fn: testPostShift},
}

// sweepBoth runs one on-call sweep on two replicas at once and returns the
// total they did.
func (e *env) sweepBoth(a, b arqir.Store) arqir.OnCallSweep {
	e.t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total arqir.OnCallSweep
		errs  []error
	)
	for _, st := range []arqir.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := st.SweepOnCall(e.ctx, e.clock.Now())
			mu.Lock()
			defer mu.Unlock()
			total.Reports += res.Reports
			total.Prompts += res.Prompts
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		e.t.Fatalf("sweep: %v", errs)
	}
	return total
}

func (e *env) inbox(handle string) []*arqir.InAppMessage {
	e.t.Helper()
	msgs, err := e.st.Inbox(e.ctx, handle, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return msgs
}

func messageKinds(msgs []*arqir.InAppMessage) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Kind
	}
	return out
}

func testHandoffReport(e *env) {
	e.threeOnPrimary()
	other := e.replica()
	// During ada's shift: one incident still open at the handoff, one
	// resolved before it.
	e.clock.Set(ny(2025, 3, 12, 3, 0))
	open := e.declare("SEV2", "Checkout errors")
	closed := e.declare("SEV3", "Slow search")
	e.must(e.st.Resolve(e.ctx, closed.ID, arqir.Resolution{RootCause: "cache", CustomerImpact: "none"}, as))

	// Two hours before the handoff nothing is sent; within them ada is
	// prompted once, however many sweeps and replicas run.
	e.clock.Set(ny(2025, 3, 17, 6, 59))
	if res := e.sweepBoth(e.st, other); res.Prompts != 0 || res.Reports != 0 {
		e.t.Fatalf("sweep 2h01m before = %+v", res)
	}
	e.clock.Set(ny(2025, 3, 17, 7, 30))
	if res := e.sweepBoth(e.st, other); res.Prompts != 1 || res.Reports != 0 {
		e.t.Fatalf("sweep 1h30m before = %+v, want one prompt", res)
	}
	if res := e.sweepBoth(e.st, other); res.Prompts != 0 {
		e.t.Fatalf("a second sweep prompted again: %+v", res)
	}
	prompts := e.inbox("ada")
	if len(prompts) != 1 || prompts[0].Kind != arqir.MessageHandoffPrompt || !strings.Contains(prompts[0].Body, "arqir oncall handoff --schedule primary") || !strings.Contains(prompts[0].Body, "Bob (bob)") {
		e.t.Fatalf("ada's prompt = %+v", prompts)
	}

	e.clock.Set(ny(2025, 3, 17, 8, 55))
	due := e.declare("SEV4", "Typo on the status page") // response due 10:55, after the handoff

	// The handoff: Monday 09:00 New York time (EDT), swept a minute late by
	// two replicas at once, makes exactly one report.
	e.clock.Set(ny(2025, 3, 17, 9, 1))
	if res := e.sweepBoth(e.st, other); res.Reports != 1 {
		e.t.Fatalf("sweep after the handoff = %+v, want one report", res)
	}
	e.clock.Advance(time.Hour)
	if res := e.sweepBoth(e.st, other); res.Reports != 0 {
		e.t.Fatalf("a later sweep made another report: %+v", res)
	}
	reports, err := e.st.Handoffs(e.ctx, "primary", 10)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(reports) != 1 {
		e.t.Fatalf("%d reports, want 1", len(reports))
	}
	r := reports[0]
	e.sameInstant("the handoff", r.At, ny(2025, 3, 17, 9, 0))
	if r.Outgoing != "ada" || r.OutgoingName != "Ada Lovelace" || r.Incoming != "bob" || r.Schedule != "primary" || r.Zone != "America/New_York" {
		e.t.Fatalf("report = %+v", r)
	}
	e.sameInstant("the outgoing shift's start", *r.OutgoingStart, ny(2025, 3, 10, 9, 0))
	var openIDs, duringIDs []arqir.IncidentID
	for _, inc := range r.OpenIncidents {
		openIDs = append(openIDs, inc.ID)
	}
	for _, inc := range r.DeclaredDuringShift {
		duringIDs = append(duringIDs, inc.ID)
	}
	if !slices.Equal(openIDs, []arqir.IncidentID{open.ID, due.ID}) || !slices.Equal(duringIDs, []arqir.IncidentID{open.ID, closed.ID, due.ID}) {
		e.t.Fatalf("open %v (want %v %v), during %v", openIDs, open.ID, due.ID, duringIDs)
	}
	if o := r.OpenIncidents[0]; o.Severity != "SEV2" || o.Status != arqir.StatusInvestigating || o.Acknowledged || o.AgeSeconds < 5*24*3600 {
		e.t.Fatalf("open incident = %+v", o)
	}
	if len(r.DeadlinesDue) != 1 || r.DeadlinesDue[0].Incident != due.ID || r.DeadlinesDue[0].Kind != arqir.DeadlineResponse {
		e.t.Fatalf("deadlines due = %+v", r.DeadlinesDue)
	}
	// No action item was filed: the section says so, with none invented
	// (P4_HandoffListsOverdueActionItems files some).
	if !r.ActionItems.Tracked || r.ActionItems.Note != "0 overdue, 0 due within 7 days" || len(r.ActionItems.Items) != 0 {
		e.t.Fatalf("action items = %+v, want tracked and none", r.ActionItems)
	}
	if !slices.Equal(r.HandoffTasks, handoffTasks) {
		e.t.Fatalf("handoff tasks = %v", r.HandoffTasks)
	}
	byID, err := other.Handoff(e.ctx, r.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the report read by ID on the other replica", byID, r)
	_, err = e.st.Handoff(e.ctx, r.ID+100)
	wantCode(e.t, err, arqir.ENOTFOUND)

	// Both engineers got it, once.
	for _, who := range []string{"ada", "bob"} {
		msgs := e.inbox(who)
		var got []*arqir.InAppMessage
		for _, m := range msgs {
			if m.Kind == arqir.MessageHandoffReport {
				got = append(got, m)
			}
		}
		if len(got) != 1 || got[0].HandoffID != r.ID || got[0].Schedule != "primary" || !strings.Contains(got[0].Body, open.ID.String()) ||
			!strings.Contains(got[0].Subject, "Ada Lovelace (ada) → Bob (bob)") {
			e.t.Fatalf("%s's handoff messages = %+v", who, got)
		}
	}
	if msgs := e.inbox("carol"); len(msgs) != 0 {
		e.t.Fatalf("carol, not in this handoff, got %v", messageKinds(msgs))
	}
}

func testHandoffNotes(e *env) {
	e.threeOnPrimary()
	_, err := e.st.AddHandoffNote(e.ctx, "primary", "DB failover pending", arqir.Actor{Name: "bob", Source: arqir.SourceCLI}, false)
	wantCode(e.t, err, arqir.EFORBIDDEN)
	_, err = e.st.AddHandoffNote(e.ctx, "primary", "  ", arqir.Actor{Name: "ada"}, false)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "text")
	_, err = e.st.AddHandoffNote(e.ctx, "tertiary", "x", arqir.Actor{Name: "ada"}, true)
	wantCode(e.t, err, arqir.ENOTFOUND)
	n, err := e.st.AddHandoffNote(e.ctx, "primary", "DB failover pending", arqir.Actor{Name: "ada", Source: arqir.SourceCLI}, false)
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.st.AddHandoffNote(e.ctx, "primary", "INC-7 needs a follow-up with support", alice, true); err != nil {
		e.t.Fatal(err)
	}
	notes, err := e.st.HandoffNotes(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	if len(notes) != 2 || notes[0].ID != n.ID || notes[0].Author != "ada" || notes[1].Author != "alice" {
		e.t.Fatalf("notes = %+v", notes)
	}
	e.clock.Set(ny(2025, 3, 17, 9, 0))
	if _, err := e.st.SweepOnCall(e.ctx, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	reports, err := e.st.Handoffs(e.ctx, "primary", 1)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(reports) != 1 || len(reports[0].Notes) != 2 || reports[0].Notes[0].Text != "DB failover pending" {
		e.t.Fatalf("report notes = %+v", reports)
	}
	if !strings.Contains(reports[0].Text(), "DB failover pending") {
		e.t.Fatalf("the report text lacks the note:\n%s", reports[0].Text())
	}
	// Bob is on call now: his notes are for the next handoff, ada's were for this one.
	if notes, err := e.st.HandoffNotes(e.ctx, "primary"); err != nil || len(notes) != 0 {
		e.t.Fatalf("notes of bob's shift = %+v, %v", notes, err)
	}
}

func testPostShift(e *env) {
	e.threeOnPrimary()
	adaShift := ny(2025, 3, 10, 9, 0)
	c, err := e.st.PostShift(e.ctx, "primary", adaShift)
	if err != nil {
		e.t.Fatal(err)
	}
	if c.User != "ada" || len(c.Items) != 3 || c.Done || c.Items[0].ID != "1" || c.Items[0].Task != postShiftTasks[0] {
		e.t.Fatalf("checklist = %+v", c)
	}
	c, err = e.st.TickPostShift(e.ctx, "primary", adaShift, "1", arqir.Actor{Name: "ada", Source: arqir.SourceCLI})
	if err != nil {
		e.t.Fatal(err)
	}
	if !c.Items[0].Done || c.Items[0].Who != "ada" || c.Items[0].At == nil || !c.Items[0].At.Equal(micro(Start)) || c.Items[1].Done {
		e.t.Fatalf("after ticking 1 = %+v", c.Items)
	}
	_, err = e.st.TickPostShift(e.ctx, "primary", adaShift, "1", alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "item")
	_, err = e.st.TickPostShift(e.ctx, "primary", adaShift, "9", alice)
	wantCode(e.t, err, arqir.ENOTFOUND, "item")
	_, err = e.st.TickPostShift(e.ctx, "primary", adaShift.Add(time.Hour), "2", alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "start")
	_, err = e.st.TickPostShift(e.ctx, "primary", ny(2025, 3, 17, 9, 0), "2", alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "start")
	if c, err = e.st.TickPostShift(e.ctx, "primary", adaShift, "update runbooks", alice); err != nil || !c.Items[1].Done {
		e.t.Fatalf("tick by task text: %+v, %v", c, err)
	}

	// Ada's unfinished item shows on her handoff report and on the next one.
	e.clock.Set(ny(2025, 3, 17, 9, 0))
	if _, err := e.st.SweepOnCall(e.ctx, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	e.clock.Set(ny(2025, 3, 24, 9, 0))
	if _, err := e.st.SweepOnCall(e.ctx, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	reports, err := e.st.Handoffs(e.ctx, "primary", 10)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(reports) != 2 {
		e.t.Fatalf("%d reports, want 2", len(reports))
	}
	first, second := reports[1], reports[0]
	if len(first.PostShift) != 1 || first.PostShift[0].User != "ada" || len(first.PostShift[0].Unfinished()) != 1 || first.PostShift[0].Unfinished()[0].ID != "3" {
		e.t.Fatalf("first report's post-shift = %+v", first.PostShift)
	}
	var users []string
	for _, c := range second.PostShift {
		users = append(users, c.User)
	}
	if !slices.Equal(users, []string{"ada", "bob"}) {
		e.t.Fatalf("second report's unfinished post-shift lists = %v, want ada's (left over) and bob's", users)
	}
	if !strings.Contains(second.Text(), "[ ] 3. Participate in RCA meetings") {
		e.t.Fatalf("the report text lacks ada's unfinished item:\n%s", second.Text())
	}
}
