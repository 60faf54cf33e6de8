package storetest

import (
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var declareTests = []namedTest{
	{name: "R2_DeclareOpensInvestigatingWithChecklistAndDeadline", fn: testDeclare},
	{name: "R5_WarRoomOnlyOnSev1AndSev2Checklists", fn: testWarRoomChecklist},
	{name: "R3_DeclareRejectionsChangeNothing", fn: testDeclareRejections},
	{name: "DeclareWithoutRulesFails", fn: testDeclareWithoutRules, bare: true},
	{name: "TimesAreUTCMicroseconds", fn: testTimes},
	{name: "IncidentAndTimelineOfUnknownIncidentAreNotFound", fn: testUnknownIncident},
	{name: "PingReportsReady", fn: testPing},
}

func testDeclare(e *env) {
	detected := Start.Add(-3*time.Minute + 789) // nanoseconds the store must drop
	impact := detected.Add(-2 * time.Minute)
	inc := e.must(e.st.Declare(e.ctx, arqir.Declaration{
		Title:           "  Checkout errors  ",
		Summary:         "5xx on /checkout",
		Severity:        "sev2",
		Services:        []string{"payments", "checkout", "payments"},
		Detection:       arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager"},
		DetectedAt:      &detected,
		ImpactStartedAt: &impact,
		Commander:       "carol",
	}, alice))
	now := micro(Start)

	switch {
	case inc.ID <= 0:
		e.t.Fatalf("ID = %d, want a positive ID", inc.ID)
	case inc.Title != "Checkout errors" || inc.Summary != "5xx on /checkout":
		e.t.Fatalf("title, summary = %q, %q", inc.Title, inc.Summary)
	case inc.Status != arqir.StatusInvestigating:
		e.t.Fatalf("status = %s, want INVESTIGATING (R2)", inc.Status)
	case inc.Severity != "SEV2":
		e.t.Fatalf("severity = %q, want SEV2", inc.Severity)
	case inc.Version != 1:
		e.t.Fatalf("version = %d, want 1", inc.Version)
	case inc.PolicyRevision != e.policy.Revision:
		e.t.Fatalf("policy revision = %d, want %d", inc.PolicyRevision, e.policy.Revision)
	case inc.Commander != "carol" || len(inc.Responders) != 0:
		e.t.Fatalf("commander, responders = %q, %q", inc.Commander, inc.Responders)
	case inc.AcknowledgedAt != nil || inc.ResolvedAt != nil:
		e.t.Fatalf("a new incident is neither acknowledged nor resolved: %+v", inc)
	}
	equal(e.t, "services (in declared order, once each)", inc.Services, []string{"payments", "checkout"})
	equal(e.t, "detection", inc.Detection, arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager"})
	equal(e.t, "declared_at", inc.DeclaredAt, now)
	equal(e.t, "updated_at", inc.UpdatedAt, now)
	equal(e.t, "detected_at", inc.DetectedAt, micro(detected))
	equal(e.t, "impact_started_at", inc.ImpactStartedAt, micro(impact))
	equal(e.t, "deadlines", inc.Deadlines, []arqir.Deadline{{Kind: arqir.DeadlineResponse, DueAt: now.Add(15 * time.Minute)}})

	var ids, done []string
	for _, c := range inc.Checklist {
		ids = append(ids, c.ID)
		if c.Done {
			done = append(done, c.ID)
			if c.Who != arqir.SystemActor.Name || c.DoneAt == nil || !c.DoneAt.Equal(now) {
				e.t.Fatalf("checklist %s ticked by %q at %v, want by system at declaration", c.ID, c.Who, c.DoneAt)
			}
		}
	}
	equal(e.t, "checklist", ids, []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7"})
	equal(e.t, "checklist items done at declaration (R2, R3, R6)", done, []string{"R2", "R3", "R6"})

	events := e.timeline(inc.ID)
	equal(e.t, "timeline (R6)", kinds(events), []string{
		arqir.EventDeclared, arqir.EventRolesChanged,
		arqir.EventChecklistTicked, arqir.EventChecklistTicked, arqir.EventChecklistTicked,
	})
	first := events[0]
	switch {
	case first.IncidentID != inc.ID || first.ID <= 0:
		e.t.Fatalf("first event IDs = %d/%s, want a positive ID on %s", first.ID, first.IncidentID, inc.ID)
	case first.Actor != alice.Name || first.Source != alice.Source || !first.At.Equal(now):
		e.t.Fatalf("declared event by %s via %s at %v, want alice via api at %v", first.Actor, first.Source, first.At, now)
	case first.Data["severity"] != "SEV2" || first.Data["status"] != string(arqir.StatusInvestigating):
		e.t.Fatalf("declared event data = %v", first.Data)
	case !strings.Contains(first.Message, "Checkout errors"):
		e.t.Fatalf("declared event message = %q", first.Message)
	}
	for i := 1; i < len(events); i++ {
		if events[i].ID <= events[i-1].ID {
			e.t.Fatalf("event IDs are not increasing: %d then %d", events[i-1].ID, events[i].ID)
		}
	}
	if events[2].Actor != arqir.SystemActor.Name || events[2].Data["item"] != "R2" {
		e.t.Fatalf("checklist event = %+v, want R2 ticked by system", events[2])
	}

	second := e.declare("SEV4", "Typo on status page")
	if second.ID <= inc.ID {
		e.t.Fatalf("second incident %s is not numbered after %s", second.ID, inc.ID)
	}
}

func testWarRoomChecklist(e *env) {
	for sev, want := range map[string]bool{"SEV1": true, "SEV2": true, "SEV3": false, "SEV4": false} {
		inc := e.declare(sev, "Checklist of "+sev)
		got := slices.ContainsFunc(inc.Checklist, func(c arqir.ChecklistItem) bool { return c.ID == "R5" })
		if got != want {
			e.t.Errorf("%s checklist has R5 = %v, want %v", sev, got, want)
		}
	}
}

func testDeclareRejections(e *env) {
	e.declare("SEV3", "Existing incident")
	statsBefore, err := e.st.Stats(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		d     arqir.Declaration
		field string
	}{
		{"missing title", arqir.Declaration{Title: "   ", Severity: "SEV1"}, "title"},
		{"missing severity (R3)", arqir.Declaration{Title: "Outage"}, "severity"},
		{"unknown severity", arqir.Declaration{Title: "Outage", Severity: "SEV9"}, "severity"},
		{"bad manual source", arqir.Declaration{Title: "Outage", Severity: "SEV1", Detection: arqir.Detection{Kind: arqir.DetectionManual, Source: "twitter"}}, "detection.source"},
		{"detected in the future", arqir.Declaration{Title: "Outage", Severity: "SEV1", DetectedAt: ptr(Start.Add(time.Hour))}, "detected_at"},
	} {
		_, err := e.st.Declare(e.ctx, tc.d, alice)
		wantCode(e.t, err, arqir.EUNPROCESSABLE, tc.field)
	}
	if n := e.count(); n != 1 {
		e.t.Fatalf("%d incidents after rejected declarations, want 1", n)
	}
	statsAfter, err := e.st.Stats(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "stats after rejected declarations", statsAfter, statsBefore)
}

func testDeclareWithoutRules(e *env) {
	_, err := e.st.Declare(e.ctx, arqir.Declaration{Title: "Outage", Severity: "SEV1"}, alice)
	wantCode(e.t, err, arqir.EINTERNAL)
	if !strings.Contains(arqir.ErrorMessage(err), "policy") {
		e.t.Fatalf("message %q does not say that no policy is loaded", arqir.ErrorMessage(err))
	}
}

func testTimes(e *env) {
	// A clock in another zone, with nanoseconds: the store keeps UTC
	// microseconds and returns exactly what it reads back.
	e.clock.Set(time.Date(2025, 7, 1, 9, 30, 0, 999999999, time.FixedZone("EDT", -4*3600)))
	inc := e.declare("SEV2", "Zoned clock")
	want := time.Date(2025, 7, 1, 13, 30, 0, 999999000, time.UTC)
	equal(e.t, "declared_at", inc.DeclaredAt, want)
	if inc.DeclaredAt.Location() != time.UTC {
		e.t.Fatalf("declared_at is in %v, want UTC", inc.DeclaredAt.Location())
	}
	e.clock.Advance(90 * time.Second)
	acked := e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	equal(e.t, "acknowledged_at", *acked.AcknowledgedAt, want.Add(90*time.Second))
	for _, ev := range e.timeline(inc.ID) {
		if ev.At.Location() != time.UTC || ev.At.Nanosecond()%1000 != 0 {
			e.t.Fatalf("event time %v is not UTC microseconds", ev.At)
		}
	}
}

func testUnknownIncident(e *env) {
	const id = arqir.IncidentID(999999)
	_, err := e.st.Incident(e.ctx, id)
	wantCode(e.t, err, arqir.ENOTFOUND)
	_, err = e.st.Timeline(e.ctx, id)
	wantCode(e.t, err, arqir.ENOTFOUND)
	changes := map[string]func() (*arqir.Incident, error){
		"acknowledge": func() (*arqir.Incident, error) { return e.st.Acknowledge(e.ctx, id, as) },
		"severity":    func() (*arqir.Incident, error) { return e.st.ChangeSeverity(e.ctx, id, "SEV1", "", as) },
		"status": func() (*arqir.Incident, error) {
			return e.st.ChangeStatus(e.ctx, id, arqir.StatusIdentified, "", as)
		},
		"roles": func() (*arqir.Incident, error) {
			return e.st.AssignRoles(e.ctx, id, arqir.RoleChange{Commander: ptr("x")}, as)
		},
		"note": func() (*arqir.Incident, error) { return e.st.AddNote(e.ctx, id, "hello", as) },
		"tick": func() (*arqir.Incident, error) { return e.st.TickChecklist(e.ctx, id, "R4", as) },
		"resolve": func() (*arqir.Incident, error) {
			return e.st.Resolve(e.ctx, id, arqir.Resolution{RootCause: "x", CustomerImpact: "y"}, as)
		},
		"reopen": func() (*arqir.Incident, error) { return e.st.Reopen(e.ctx, id, "again", as) },
	}
	for name, change := range changes {
		_, err := change()
		if arqir.ErrorCode(err) != arqir.ENOTFOUND {
			e.t.Errorf("%s of an unknown incident: got %v, want ENOTFOUND", name, err)
		}
	}
}

func testPing(e *env) {
	if err := e.st.Ping(e.ctx); err != nil {
		e.t.Fatalf("Ping on a migrated database: %v", err)
	}
}
