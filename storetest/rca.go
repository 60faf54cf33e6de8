package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var rcaTests = []namedTest{
	{name: "P1_ResolvingCreatesTheRCADueWithin24Hours", fn: testRCACreated},
	{name: "P2_DrafterFillsTheSectionsFromTheTimelineAndAlerts", fn: testRCADrafted},
	{name: "P2_AutoResolveByAlertsCreatesTheRCA", fn: testRCAAutoResolved},
	{name: "P1_ResolvingAgainKeepsTheRCAAndMovesItsDueTime", fn: testRCAResolvedAgain},
	{name: "P1_PublishedRCAGoesBackToReviewWhenResolvedAgain", fn: testRCAPublishedThenResolvedAgain},
	{name: "P1_OverdueRCAIsFlaggedByTheClock", fn: testRCAOverdue},
	{name: "P2_EditASection", fn: testRCAEdit},
	{name: "P2_StatesMoveDraftReviewPublished", fn: testRCAStates},
	{name: "I4_FeedbackOnePerAuthor", fn: testRCAFeedback},
	{name: "RCAsListMostUrgentFirst", fn: testRCAList},
}

func testRCACreated(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors", "checkout")
	_, err := e.st.RCA(e.ctx, inc.ID)
	wantCode(e.t, err, arqir.ENOTFOUND)
	if !strings.Contains(arqir.ErrorMessage(err), "created when it resolves") {
		e.t.Fatalf("message %q should say when the RCA comes", arqir.ErrorMessage(err))
	}
	_, err = e.st.RCA(e.ctx, inc.ID+100)
	wantCode(e.t, err, arqir.ENOTFOUND)

	resolvedAt := micro(e.clock.Advance(40 * time.Minute))
	got := e.resolve(inc.ID)
	due := resolvedAt.Add(24 * time.Hour)
	equal(e.t, "the deadline the resolution adds", got.Deadlines[len(got.Deadlines)-1], arqir.Deadline{Kind: arqir.DeadlineRCA, DueAt: due})
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventRCACreated || last.Actor != arqir.SystemActor.Name || !strings.Contains(last.Message, due.Format(time.RFC3339)) {
		e.t.Fatalf("last event %+v, want the RCA created, due %s", last, due.Format(time.RFC3339))
	}
	sections := make([]arqir.RCASection, len(rcaSections))
	for i, s := range rcaSections {
		sections[i] = arqir.RCASection{ID: s.ID, Title: s.Title}
	}
	// No drafter installed: the policy's eight sections, empty (P2).
	equal(e.t, "the new RCA", e.rca(inc.ID), &arqir.RCA{
		IncidentID: inc.ID, State: arqir.RCADraft, DueAt: due, Attendees: []string{}, Sections: sections,
		Feedback: []arqir.RCAFeedback{}, Version: 1, CreatedAt: resolvedAt, UpdatedAt: resolvedAt,
	})
	if n, err := e.st.SweepDeadlines(e.ctx, due.Add(-time.Microsecond)); err != nil || n != 0 {
		e.t.Fatalf("sweeping before the RCA is due breached %d (%v)", n, err)
	}
}

func testRCADrafted(e *env) {
	e.postIncident()
	d := &drafter{}
	e.st.SetRCADrafter(d.draft)
	in, _ := e.newIntegration(arqir.KindAlertmanager, "prom", "platform")
	res := e.ingest(in, "", firing("lat-1", "alertname", "HighLatency"), firing("lat-2", "alertname", "HighLatency"))
	inc := e.only(res)
	if calls := d.take(); len(calls) != 0 {
		e.t.Fatalf("the drafter ran %d times before any resolution", len(calls))
	}
	e.clock.Advance(time.Hour)
	e.resolve(inc.ID)
	calls := d.take()
	if len(calls) != 1 {
		e.t.Fatalf("the drafter ran %d times, want once", len(calls))
	}
	c := calls[0]
	if c.inc.Status != arqir.StatusResolved || c.inc.RootCause != "a bad deploy" || c.inc.ResolvedAt == nil {
		e.t.Fatalf("the drafter saw %+v, want the resolved incident", c.inc)
	}
	// The timeline as stored, with the resolution the transaction is writing.
	if c.timeline[0] != arqir.EventDeclared || c.timeline[len(c.timeline)-1] != arqir.EventResolved {
		e.t.Fatalf("the drafter saw the timeline %v, want it from the declaration to the resolution", c.timeline)
	}
	equal(e.t, "the alerts the drafter saw", c.alerts, []string{"lat-1", "lat-2"})
	r := e.rca(inc.ID)
	want := make([]string, len(rcaSections))
	for i, s := range rcaSections {
		want[i] = s.ID
	}
	equal(e.t, "the sections, in the template's order (P2)", sectionIDs(r.Sections), want)
	for _, s := range r.Sections {
		if want := "draft 1 of " + s.ID + ": RESOLVED"; !strings.HasPrefix(s.Body, want) || s.EditedBy != "" || s.EditedAt != nil {
			e.t.Fatalf("section %+v, want arqir's draft %q…", s, want)
		}
	}
}

func testRCAAutoResolved(e *env) {
	e.postIncident()
	d := &drafter{}
	e.st.SetRCADrafter(d.draft)
	in, _ := e.newIntegration(arqir.KindAlertmanager, "prom", "platform")

	// Fired and resolved in one request: the batch creates the incident
	// and resolves it (SEV4 auto-resolves) before writing it.
	at := micro(e.clock.Now())
	first := e.only(e.ingest(in, "", firing("disk-1", "alertname", "DiskFull"), resolvedEvent("disk-1")))
	// A stored incident resolved by a later request.
	second := e.only(e.ingest(in, "", firing("disk-2", "alertname", "DiskSlow")))
	later := micro(e.clock.Advance(10 * time.Minute))
	e.ingest(in, "", resolvedEvent("disk-2"))

	calls := d.take()
	if len(calls) != 2 {
		e.t.Fatalf("the drafter ran %d times, want once per resolution", len(calls))
	}
	equal(e.t, "alerts of the incident resolved in its first request", calls[0].alerts, []string{"disk-1"})
	equal(e.t, "alerts of the incident resolved later", calls[1].alerts, []string{"disk-2"})
	for i, tc := range []struct {
		id       arqir.IncidentID
		resolved time.Time
	}{{first.ID, at}, {second.ID, later}} {
		inc := e.get(tc.id)
		if inc.Status != arqir.StatusResolved || inc.RootCause != arqir.AutoResolvedRootCause {
			e.t.Fatalf("incident %d: %s %q, want auto-resolved", i, inc.Status, inc.RootCause)
		}
		due := tc.resolved.Add(24 * time.Hour)
		equal(e.t, "the RCA deadline", inc.Deadlines[len(inc.Deadlines)-1], arqir.Deadline{Kind: arqir.DeadlineRCA, DueAt: due})
		events := e.timeline(tc.id)
		equal(e.t, "the last events", kinds(events[len(events)-3:]), []string{arqir.EventAlertsResolved, arqir.EventResolved, arqir.EventRCACreated})
		r := e.rca(tc.id)
		if r.State != arqir.RCADraft || !r.DueAt.Equal(due) || !r.CreatedAt.Equal(tc.resolved) || !strings.Contains(r.Sections[0].Body, "Auto-resolved") {
			e.t.Fatalf("incident %d: RCA %+v, want a draft due %s", i, r, due)
		}
	}
}

func testRCAResolvedAgain(e *env) {
	e.postIncident()
	d := &drafter{}
	e.st.SetRCADrafter(d.draft)
	inc := e.declare("SEV2", "Checkout errors", "checkout")
	firstAt := micro(e.clock.Advance(10 * time.Minute))
	e.resolve(inc.ID)
	e.clock.Advance(5 * time.Minute)
	edited := e.mustRCA(e.st.EditRCASection(e.ctx, inc.ID, "root_cause_analysis", "People wrote this", as)).Sections[2]
	e.mustRCA(e.st.RecordRCAMeeting(e.ctx, inc.ID, micro(e.clock.Now()), []string{"ada"}, as))

	e.clock.Advance(time.Hour)
	e.must(e.st.Reopen(e.ctx, inc.ID, "errors are back", as))
	held := e.rca(inc.ID)
	if held.HeldAt == nil || held.Overdue || !held.DueAt.Equal(firstAt.Add(24*time.Hour)) {
		e.t.Fatalf("RCA while reopened: %+v", held)
	}
	// Reopened long past the first due time: nothing is overdue while the
	// incident is open again.
	e.clock.Set(firstAt.Add(48 * time.Hour))
	e.must(e.st.AddNote(e.ctx, inc.ID, "still digging", as))
	if r := e.rca(inc.ID); r.Overdue {
		e.t.Fatalf("the RCA of a reopened incident is overdue: %+v", r)
	}

	againAt := micro(e.clock.Advance(time.Hour))
	got := e.resolve(inc.ID)
	var rcaDeadlines []arqir.Deadline
	for _, dl := range got.Deadlines {
		if dl.Kind == arqir.DeadlineRCA {
			rcaDeadlines = append(rcaDeadlines, dl)
		}
	}
	held0 := *held.HeldAt
	equal(e.t, "RCA deadlines after resolving twice", rcaDeadlines, []arqir.Deadline{
		{Kind: arqir.DeadlineRCA, DueAt: firstAt.Add(24 * time.Hour), MetAt: &held0},
		{Kind: arqir.DeadlineRCA, DueAt: againAt.Add(24 * time.Hour)},
	})
	r := e.rca(inc.ID)
	switch {
	case !r.DueAt.Equal(againAt.Add(24 * time.Hour)):
		e.t.Fatalf("due %s, want 24h after the second resolution", r.DueAt)
	case r.HeldAt != nil:
		e.t.Fatalf("held %v: the fix that was reviewed did not hold, the meeting is due again", r.HeldAt)
	case !r.CreatedAt.Equal(firstAt):
		e.t.Fatalf("created %s, want the first resolution: the RCA is kept", r.CreatedAt)
	}
	equal(e.t, "the section people edited", r.Sections[2], edited)
	for i, s := range r.Sections {
		if i != 2 && !strings.HasPrefix(s.Body, "draft 2 of "+s.ID) {
			e.t.Fatalf("section %s = %q, want the second draft", s.ID, s.Body)
		}
	}
	ev := e.eventsOf(inc.ID, arqir.EventRCACreated)
	if len(ev) != 2 || ev[1].Data["again"] != "true" || !strings.Contains(ev[1].Message, "kept") {
		e.t.Fatalf("rca_created events %+v, want a second one saying the RCA is kept", ev)
	}
}

func testRCAOverdue(e *env) {
	e.postIncident()
	inc := e.declare("SEV1", "Checkout down", "checkout")
	resolvedAt := micro(e.clock.Advance(5 * time.Minute))
	e.resolve(inc.ID)
	due := resolvedAt.Add(24 * time.Hour)
	overdue := func(want bool) {
		e.t.Helper()
		if r := e.rca(inc.ID); r.Overdue != want {
			e.t.Fatalf("at %s overdue = %v, want %v", e.clock.Now(), r.Overdue, want)
		}
		list, err := e.st.RCAs(e.ctx, arqir.RCAFilter{Overdue: ptr(true)})
		if err != nil || (len(list) == 1) != want {
			e.t.Fatalf("overdue listing %d RCAs (%v), want overdue=%v", len(list), err, want)
		}
		if want && !list[0].Overdue {
			e.t.Fatalf("the overdue listing shows %+v not overdue", list[0])
		}
	}
	e.clock.Set(due.Add(-time.Microsecond))
	overdue(false)
	e.clock.Set(due)
	overdue(true)
	if n, err := e.st.SweepDeadlines(e.ctx, due); err != nil || n != 1 {
		e.t.Fatalf("sweeping at the due time breached %d (%v), want the RCA deadline", n, err)
	}
	if dl := e.get(inc.ID).Deadlines; dl[len(dl)-1].Kind != arqir.DeadlineRCA || dl[len(dl)-1].BreachedAt == nil {
		e.t.Fatalf("deadlines %+v, want the RCA one breached", dl)
	}
	e.clock.Advance(time.Hour)
	r := e.mustRCA(e.st.RecordRCAMeeting(e.ctx, inc.ID, due.Add(30*time.Minute), []string{"ada", "bob"}, as))
	if r.Overdue || r.HeldAt == nil {
		e.t.Fatalf("held late: %+v, want no longer overdue", r)
	}
	overdue(false)
	if dl := e.get(inc.ID).Deadlines; dl[len(dl)-1].MetAt != nil {
		e.t.Fatalf("a meeting after the breach met the deadline: %+v", dl[len(dl)-1])
	}
}

func testRCAEdit(e *env) {
	e.postIncident()
	open := e.declare("SEV3", "Slow search")
	_, err := e.st.EditRCASection(e.ctx, open.ID, "root_cause_analysis", "x", as)
	wantCode(e.t, err, arqir.ENOTFOUND)
	_, err = e.st.EditRCASection(e.ctx, open.ID+100, "root_cause_analysis", "x", as)
	wantCode(e.t, err, arqir.ENOTFOUND)

	inc := e.declare("SEV2", "Checkout errors")
	e.resolve(inc.ID)
	before, snap := e.rca(inc.ID), e.snap(inc.ID)
	_, err = e.st.EditRCASection(e.ctx, inc.ID, "lessons", "x", as)
	wantCode(e.t, err, arqir.ENOTFOUND, "section")
	_, err = e.st.EditRCASection(e.ctx, inc.ID, "root_cause_analysis", strings.Repeat("x", arqir.MaxTextLen*5+1), as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "body")
	if !strings.Contains(arqir.ErrorMessage(err), "50000") {
		e.t.Fatalf("message %q should say the limit", arqir.ErrorMessage(err))
	}
	_, err = e.st.EditRCASection(e.ctx, inc.ID, "root_cause_analysis", "x", arqir.Change{Actor: alice, ExpectedVersion: 7})
	wantCode(e.t, err, arqir.ECONFLICT)
	e.rcaUnchanged(before, snap)

	now := micro(e.clock.Advance(time.Minute))
	got := e.mustRCA(e.st.EditRCASection(e.ctx, inc.ID, "Root_Cause_Analysis", "  The deploy skipped the canary.  ", arqir.Change{Actor: bob, ExpectedVersion: 1}))
	want := *before
	want.Sections = append([]arqir.RCASection(nil), before.Sections...)
	want.Sections[2] = arqir.RCASection{ID: "root_cause_analysis", Title: "Root Cause Analysis", Body: "The deploy skipped the canary.", EditedBy: "bob", EditedAt: &now}
	want.Version, want.UpdatedAt = 2, now
	equal(e.t, "the edited RCA", got, &want)
	events := e.timeline(inc.ID)
	if last := events[len(events)-1]; last.Kind != arqir.EventRCAChanged || last.Actor != "bob" || last.Data["section"] != "root_cause_analysis" {
		e.t.Fatalf("last event %+v, want the edit", last)
	}
	if v := e.get(inc.ID).Version; v != snap.inc.Version+1 {
		e.t.Fatalf("incident version %d, want %d: the edit is a change of the incident's record", v, snap.inc.Version+1)
	}
}

func testRCAStates(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	e.resolve(inc.ID)
	move := func(to arqir.RCAState, reason string) *arqir.RCA {
		e.t.Helper()
		return e.mustRCA(e.st.SetRCAState(e.ctx, inc.ID, to, reason, as))
	}
	refused := func(to arqir.RCAState, reason, field string) {
		e.t.Helper()
		before, snap := e.rca(inc.ID), e.snap(inc.ID)
		_, err := e.st.SetRCAState(e.ctx, inc.ID, to, reason, as)
		wantCode(e.t, err, arqir.EUNPROCESSABLE, field)
		e.rcaUnchanged(before, snap)
	}
	refused(arqir.RCAPublished, "", "state") // a draft is reviewed first
	refused(arqir.RCADraft, "", "state")
	refused("done", "", "state")
	move(arqir.RCAInReview, "")
	move(arqir.RCADraft, "")
	move(arqir.RCAInReview, "")
	publishedAt := micro(e.clock.Advance(time.Hour))
	if r := move(arqir.RCAPublished, ""); r.PublishedAt == nil || !r.PublishedAt.Equal(publishedAt) || r.State != arqir.RCAPublished {
		e.t.Fatalf("published RCA %+v", r)
	}

	// Published: every change is refused until it is reopened.
	before, snap := e.rca(inc.ID), e.snap(inc.ID)
	_, err := e.st.EditRCASection(e.ctx, inc.ID, "root_cause_analysis", "x", as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	if msg := arqir.ErrorMessage(err); !strings.Contains(msg, "published") || !strings.Contains(msg, "arqir rca reopen") {
		e.t.Fatalf("message %q should say it is published and how to reopen it", msg)
	}
	_, err = e.st.AddRCAFeedback(e.ctx, inc.ID, arqir.RCAFeedback{Rating: 4}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, err = e.st.ScheduleRCAMeeting(e.ctx, inc.ID, e.clock.Now().Add(time.Hour), []string{"ada"}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	_, err = e.st.RecordRCAMeeting(e.ctx, inc.ID, e.clock.Now(), []string{"ada"}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	e.rcaUnchanged(before, snap)
	refused(arqir.RCAInReview, " ", "reason")

	r := move(arqir.RCAInReview, "the timeline missed the rollback")
	if r.PublishedAt != nil || r.State != arqir.RCAInReview {
		e.t.Fatalf("reopened RCA %+v", r)
	}
	events := e.timeline(inc.ID)
	if last := events[len(events)-1]; last.Kind != arqir.EventRCAChanged || !strings.Contains(last.Message, "the timeline missed the rollback") || last.Data["to"] != "in_review" {
		e.t.Fatalf("last event %+v, want the reopening with its reason", last)
	}
	e.mustRCA(e.st.EditRCASection(e.ctx, inc.ID, "root_cause_analysis", "with the rollback", as))
}

func testRCAFeedback(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors")
	e.resolve(inc.ID)
	before, snap := e.rca(inc.ID), e.snap(inc.ID)
	for _, rating := range []int{0, 6} {
		_, err := e.st.AddRCAFeedback(e.ctx, inc.ID, arqir.RCAFeedback{Author: "ada", Rating: rating}, as)
		wantCode(e.t, err, arqir.EUNPROCESSABLE, "rating")
	}
	_, err := e.st.AddRCAFeedback(e.ctx, inc.ID, arqir.RCAFeedback{Rating: 3, WentWell: strings.Repeat("x", arqir.MaxTextLen+1)}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)
	e.rcaUnchanged(before, snap)

	e.clock.Advance(time.Minute)
	e.mustRCA(e.st.AddRCAFeedback(e.ctx, inc.ID, arqir.RCAFeedback{Author: "ada", Rating: 4, WentWell: " paged fast ", ToImprove: "runbook was stale"}, as))
	second := micro(e.clock.Advance(time.Minute))
	e.mustRCA(e.st.AddRCAFeedback(e.ctx, inc.ID, arqir.RCAFeedback{Rating: 3}, arqir.Change{Actor: bob}))
	third := micro(e.clock.Advance(time.Minute))
	r := e.mustRCA(e.st.AddRCAFeedback(e.ctx, inc.ID, arqir.RCAFeedback{Author: "ada", Rating: 5, WentWell: "on reflection, all good"}, as))
	equal(e.t, "feedback, one per author", r.Feedback, []arqir.RCAFeedback{
		{Author: "ada", Rating: 5, WentWell: "on reflection, all good", At: third},
		{Author: "bob", Rating: 3, At: second},
	})
	if n := len(e.eventsOf(inc.ID, arqir.EventRCAChanged)); n != 3 {
		e.t.Fatalf("%d rca_changed events, want one per feedback", n)
	}
}

func testRCAList(e *env) {
	e.postIncident()
	e.declare("SEV3", "Never resolved")
	t0 := micro(e.clock.Now())
	a := e.declare("SEV2", "First")
	b := e.declare("SEV2", "Second")
	c := e.declare("SEV2", "Third")
	e.resolve(a.ID)
	e.clock.Set(t0.Add(2 * time.Hour))
	e.resolve(b.ID)
	e.clock.Set(t0.Add(time.Hour))
	e.resolve(c.ID)
	ids := func(f arqir.RCAFilter) []arqir.IncidentID {
		e.t.Helper()
		list, err := e.st.RCAs(e.ctx, f)
		if err != nil {
			e.t.Fatalf("list RCAs %+v: %v", f, err)
		}
		out := []arqir.IncidentID{}
		for _, r := range list {
			out = append(out, r.IncidentID)
		}
		return out
	}
	equal(e.t, "RCAs, earliest due first", ids(arqir.RCAFilter{}), []arqir.IncidentID{a.ID, c.ID, b.ID})
	equal(e.t, "limited", ids(arqir.RCAFilter{Limit: 1}), []arqir.IncidentID{a.ID})
	e.mustRCA(e.st.SetRCAState(e.ctx, c.ID, arqir.RCAInReview, "", as))
	equal(e.t, "in review", ids(arqir.RCAFilter{States: []arqir.RCAState{arqir.RCAInReview}}), []arqir.IncidentID{c.ID})
	equal(e.t, "drafts", ids(arqir.RCAFilter{States: []arqir.RCAState{arqir.RCADraft}}), []arqir.IncidentID{a.ID, b.ID})
	e.clock.Set(t0.Add(25 * time.Hour))
	equal(e.t, "overdue", ids(arqir.RCAFilter{Overdue: ptr(true)}), []arqir.IncidentID{a.ID, c.ID})
	equal(e.t, "not overdue", ids(arqir.RCAFilter{Overdue: ptr(false)}), []arqir.IncidentID{b.ID})
	equal(e.t, "overdue drafts", ids(arqir.RCAFilter{Overdue: ptr(true), States: []arqir.RCAState{arqir.RCADraft}}), []arqir.IncidentID{a.ID})
	for _, f := range []arqir.RCAFilter{{Limit: 501}, {Limit: -1}, {States: []arqir.RCAState{"done"}}} {
		_, err := e.st.RCAs(e.ctx, f)
		wantCode(e.t, err, arqir.EINVALID)
	}
}

// A published RCA whose incident resolves again goes back to review: the
// fix it described did not hold, and the new meeting must be recordable.
func testRCAPublishedThenResolvedAgain(e *env) {
	e.postIncident()
	inc := e.declare("SEV2", "Checkout errors", "checkout")
	e.clock.Advance(10 * time.Minute)
	e.resolve(inc.ID)
	e.mustRCA(e.st.SetRCAState(e.ctx, inc.ID, arqir.RCAInReview, "", as))
	e.mustRCA(e.st.SetRCAState(e.ctx, inc.ID, arqir.RCAPublished, "", as))
	e.clock.Advance(time.Hour)
	e.must(e.st.Reopen(e.ctx, inc.ID, "errors are back", as))
	e.clock.Advance(time.Hour)
	e.resolve(inc.ID)
	r := e.rca(inc.ID)
	if r.State != arqir.RCAInReview || r.PublishedAt != nil {
		e.t.Fatalf("RCA after resolving again: %s published %v; want back in review", r.State, r.PublishedAt)
	}
	e.mustRCA(e.st.RecordRCAMeeting(e.ctx, inc.ID, micro(e.clock.Now()), []string{"ada"}, as))
}
