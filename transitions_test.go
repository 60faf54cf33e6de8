package arqir_test

import (
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

var t0 = time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)

func testRules() arqir.Rules {
	return arqir.Rules{
		Revision: 7,
		Severities: []arqir.SeverityRule{
			{Name: "SEV1", Title: "Critical", ResponseTarget: 5 * time.Minute},
			{Name: "SEV2", Title: "High", ResponseTarget: 15 * time.Minute},
			{Name: "SEV3", Title: "Medium", ResponseTarget: 30 * time.Minute},
			{Name: "SEV4", Title: "Low", ResponseTarget: 2 * time.Hour},
		},
		Checklist: []arqir.ChecklistRule{
			{ID: "R1", Task: "Acknowledge alert in Slack (#incidents)", DoneBy: arqir.ChecklistTriggerAcknowledge},
			{ID: "R2", Task: "Set incident status: INVESTIGATING", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R3", Task: "Assign severity level", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R4", Task: "Create PagerDuty incident", DoneBy: arqir.ChecklistTriggerPagerDuty},
			{ID: "R5", Task: "Start incident Zoom call if SEV 1-2", DoneBy: arqir.ChecklistTriggerWarRoom, Severities: []string{"SEV1", "SEV2"}},
			{ID: "R6", Task: "Begin timeline tracking", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R7", Task: "Notify stakeholders", DoneBy: arqir.ChecklistTriggerNotify},
		},
	}
}

var alice = arqir.Actor{Name: "alice", Source: arqir.SourceCLI}

func declare(t *testing.T, sev string) *arqir.Incident {
	t.Helper()
	inc, _, err := arqir.NewIncident(arqir.Declaration{Title: "Checkout errors", Severity: sev}, testRules(), alice, t0)
	if err != nil {
		t.Fatal(err)
	}
	inc.ID = 1
	return inc
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := arqir.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestR2_DeclareSetsInvestigatingAndStartsTimeline(t *testing.T) {
	inc, events, err := arqir.NewIncident(arqir.Declaration{Title: " Checkout errors ", Severity: "sev2", Services: []string{"checkout", " ", "checkout"}}, testRules(), alice, t0)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != arqir.StatusInvestigating || inc.Severity != "SEV2" || inc.Title != "Checkout errors" {
		t.Fatalf("declared %+v", inc)
	}
	if len(inc.Services) != 1 || inc.PolicyRevision != 7 || inc.Version != 1 {
		t.Fatalf("services %v revision %d version %d", inc.Services, inc.PolicyRevision, inc.Version)
	}
	if inc.Detection != (arqir.Detection{Kind: arqir.DetectionManual, Source: arqir.SourceInternalObservation}) {
		t.Fatalf("default detection = %+v", inc.Detection)
	}
	if events[0].Kind != arqir.EventDeclared || events[0].Actor != "alice" || events[0].Source != arqir.SourceCLI {
		t.Fatalf("first event %+v", events[0])
	}
	// R2, R3 and R6 are done by declaring; each tick is on the timeline.
	var ticked []string
	for _, c := range inc.Checklist {
		if c.Done {
			if c.Who != "system" {
				t.Errorf("%s ticked by %q, want system", c.ID, c.Who)
			}
			ticked = append(ticked, c.ID)
		}
	}
	if strings.Join(ticked, ",") != "R2,R3,R6" || len(events) != 4 {
		t.Fatalf("ticked %v with %d events", ticked, len(events))
	}
}

func TestR3_DeclareRequiresAPolicySeverity(t *testing.T) {
	for _, sev := range []string{"", "SEV5", "critical"} {
		_, _, err := arqir.NewIncident(arqir.Declaration{Title: "x", Severity: sev}, testRules(), alice, t0)
		wantCode(t, err, arqir.EUNPROCESSABLE)
		if arqir.ErrorField(err) != "severity" || !strings.Contains(arqir.ErrorMessage(err), "SEV1, SEV2, SEV3, SEV4") {
			t.Errorf("severity %q: %v", sev, err)
		}
	}
}

func TestDeclareRejectsBadInput(t *testing.T) {
	future := t0.Add(time.Hour)
	early, late := t0.Add(-time.Hour), t0.Add(-time.Minute)
	cases := map[string]arqir.Declaration{
		"no title":              {Severity: "SEV1"},
		"long title":            {Title: strings.Repeat("x", 201), Severity: "SEV1"},
		"detected in future":    {Title: "x", Severity: "SEV1", DetectedAt: &future},
		"impact after detected": {Title: "x", Severity: "SEV1", DetectedAt: &early, ImpactStartedAt: &late},
		"unknown manual source": {Title: "x", Severity: "SEV1", Detection: arqir.Detection{Kind: arqir.DetectionManual, Source: "twitter"}},
		"unknown kind":          {Title: "x", Severity: "SEV1", Detection: arqir.Detection{Kind: "psychic", Source: "x"}},
	}
	for name, d := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := arqir.NewIncident(d, testRules(), alice, t0)
			wantCode(t, err, arqir.EUNPROCESSABLE)
		})
	}
}

func TestD5_ManualDetectionSources(t *testing.T) {
	for _, src := range []string{"customer_support", "user_report", "internal_observation"} {
		inc, _, err := arqir.NewIncident(arqir.Declaration{Title: "x", Severity: "SEV3", Detection: arqir.Detection{Kind: arqir.DetectionManual, Source: src}}, testRules(), alice, t0)
		if err != nil || inc.Detection.Source != src {
			t.Fatalf("%s: %v", src, err)
		}
	}
}

func TestS1_ResponseDeadlinesFollowSeverity(t *testing.T) {
	for sev, want := range map[string]time.Duration{"SEV1": 5 * time.Minute, "SEV2": 15 * time.Minute, "SEV3": 30 * time.Minute, "SEV4": 2 * time.Hour} {
		inc := declare(t, sev)
		if len(inc.Deadlines) != 1 || inc.Deadlines[0].Kind != arqir.DeadlineResponse || inc.Deadlines[0].DueAt != t0.Add(want) {
			t.Errorf("%s deadlines %+v, want response due %s", sev, inc.Deadlines, t0.Add(want))
		}
	}
}

func TestS1_UnacknowledgedSev1BreachesAtFiveMinutes(t *testing.T) {
	inc := declare(t, "SEV1")
	if ev := inc.BreachDue(t0.Add(5*time.Minute - time.Nanosecond)); len(ev) != 0 || inc.Breached() {
		t.Fatalf("breached early: %v", ev)
	}
	ev := inc.BreachDue(t0.Add(5 * time.Minute))
	if len(ev) != 1 || ev[0].Kind != arqir.EventDeadlineBreached || ev[0].Actor != "system" || !inc.Breached() {
		t.Fatalf("no breach at 5m: %v", ev)
	}
	if again := inc.BreachDue(t0.Add(time.Hour)); len(again) != 0 {
		t.Fatalf("breached twice: %v", again)
	}
}

func TestAcknowledgeMeetsResponseDeadlineAndTicksR1(t *testing.T) {
	inc := declare(t, "SEV1")
	ev, err := inc.Acknowledge(alice, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if inc.AcknowledgedBy != "alice" || inc.Deadlines[0].MetAt == nil || len(ev) != 2 || !inc.Checklist[0].Done {
		t.Fatalf("ack: %+v events %v", inc, ev)
	}
	if ev := inc.BreachDue(t0.Add(time.Hour)); len(ev) != 0 {
		t.Fatalf("met deadline breached: %v", ev)
	}
	_, err = inc.Acknowledge(alice, t0.Add(2*time.Minute))
	wantCode(t, err, arqir.EUNPROCESSABLE)
}

func TestSeverityChangeRetargetsPendingDeadline(t *testing.T) {
	inc := declare(t, "SEV3")
	if _, err := inc.ChangeSeverity(testRules(), "SEV1", "whole site down", alice, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if inc.Deadlines[0].DueAt != t0.Add(5*time.Minute) {
		t.Fatalf("due %s, want declared+5m", inc.Deadlines[0].DueAt)
	}
	_, err := inc.ChangeSeverity(testRules(), "SEV1", "", alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
	_, err = inc.ChangeSeverity(testRules(), "SEV9", "", alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
}

func TestStatusTransitions(t *testing.T) {
	inc := declare(t, "SEV2")
	steps := []struct {
		to   arqir.Status
		code string
	}{
		{arqir.StatusIdentified, ""},
		{arqir.StatusIdentified, arqir.EUNPROCESSABLE}, // no-op change
		{arqir.StatusMonitoring, ""},
		{arqir.StatusInvestigating, ""},              // the fix did not hold
		{arqir.StatusResolved, arqir.EUNPROCESSABLE}, // must use Resolve
		{"PANICKING", arqir.EUNPROCESSABLE},
	}
	for _, s := range steps {
		_, err := inc.ChangeStatus(s.to, "", alice, t0)
		if arqir.ErrorCode(err) != s.code {
			t.Fatalf("→ %s: %v, want code %q", s.to, err, s.code)
		}
	}
}

func TestResolveRequiresRootCauseAndCustomerImpactThenReopen(t *testing.T) {
	inc := declare(t, "SEV2")
	_, err := inc.Resolve(arqir.Resolution{CustomerImpact: "none"}, alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
	if arqir.ErrorField(err) != "root_cause" {
		t.Fatal(err)
	}
	_, err = inc.Resolve(arqir.Resolution{RootCause: "bad deploy"}, alice, t0)
	if arqir.ErrorField(err) != "customer_impact" || inc.Status != arqir.StatusInvestigating {
		t.Fatal(err)
	}
	if _, err := inc.Resolve(arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "5% of checkouts failed"}, alice, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if d := inc.Deadlines[0]; inc.Status != arqir.StatusResolved || inc.ResolvedAt == nil || d.Pending() || d.BreachedAt != nil || d.MetAt != nil || d.CancelledAt == nil {
		t.Fatalf("resolved unacknowledged: want the response deadline moot (cancelled, not met): %+v", inc)
	}
	_, err = inc.ChangeStatus(arqir.StatusIdentified, "", alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
	_, err = inc.Reopen(testRules(), "", alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
	reopened := t0.Add(time.Hour)
	ev, err := inc.Reopen(testRules(), "errors are back", alice, reopened)
	if err != nil || inc.Status != arqir.StatusInvestigating || inc.ResolvedAt != nil || ev[0].Kind != arqir.EventReopened {
		t.Fatalf("reopen: %v %+v", err, inc)
	}
	// Live again: no owner, no resolution, and a new response deadline.
	if inc.AcknowledgedAt != nil || inc.RootCause != "" || inc.CustomerImpact != "" || len(inc.Deadlines) != 2 || inc.Deadlines[1].DueAt != reopened.Add(15*time.Minute) {
		t.Fatalf("reopened incident: %+v", inc)
	}
	if ev := inc.BreachDue(reopened.Add(15 * time.Minute)); len(ev) != 1 {
		t.Fatalf("reopened and unacknowledged: %d breaches at the target, want 1", len(ev))
	}
}

func TestAssignRolesAndNotes(t *testing.T) {
	inc := declare(t, "SEV2")
	bob := "bob"
	if _, err := inc.AssignRoles(arqir.RoleChange{Commander: &bob, AddResponders: []string{"carol", "dave"}}, alice, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := inc.AssignRoles(arqir.RoleChange{RemoveResponders: []string{"carol"}}, alice, t0); err != nil {
		t.Fatal(err)
	}
	if inc.Commander != "bob" || strings.Join(inc.Responders, ",") != "dave" {
		t.Fatalf("roles %q %v", inc.Commander, inc.Responders)
	}
	_, err := inc.AssignRoles(arqir.RoleChange{AddResponders: []string{"dave"}}, alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
	_, err = inc.AddNote("   ", alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
}

func TestChecklistTickByPerson(t *testing.T) {
	inc := declare(t, "SEV3")
	for _, c := range inc.Checklist {
		if c.ID == "R5" {
			t.Fatal("R5 (Zoom call) applies to SEV 1-2 only")
		}
	}
	for _, system := range []string{"R1", "R2"} { // done by acknowledging / declaring
		_, err := inc.TickChecklist(system, alice, t0)
		wantCode(t, err, arqir.EUNPROCESSABLE)
	}
	if _, err := inc.TickChecklist("r4", alice, t0); err != nil {
		t.Fatal(err)
	}
	_, err := inc.TickChecklist("R4", alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
	_, err = inc.TickChecklist("R99", alice, t0)
	wantCode(t, err, arqir.ENOTFOUND)
}

func TestParseIncidentID(t *testing.T) {
	for in, want := range map[string]arqir.IncidentID{"INC-42": 42, "inc-7": 7, "9": 9} {
		if got, err := arqir.ParseIncidentID(in); err != nil || got != want {
			t.Errorf("%q → %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "INC-", "INC-0", "x", "-3"} {
		if _, err := arqir.ParseIncidentID(in); arqir.ErrorCode(err) != arqir.EINVALID {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestRoleAllows(t *testing.T) {
	if !arqir.RoleAdmin.Allows(arqir.RoleResponder) || arqir.RoleViewer.Allows(arqir.RoleResponder) || !arqir.RoleResponder.Allows(arqir.RoleViewer) {
		t.Fatal("role order wrong")
	}
}

func TestK5_FalsePositiveVerdictSurvivesResolveAndReopen(t *testing.T) {
	inc := declare(t, "SEV3")
	if _, err := inc.MarkFalsePositive("disk alert on a decommissioned host", alice, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := inc.Resolve(arqir.Resolution{RootCause: "noise", CustomerImpact: "none"}, alice, t0); err != nil {
		t.Fatal(err)
	}
	if !inc.FalsePositive {
		t.Fatal("resolving without the flag erased the false-positive verdict")
	}
	if _, err := inc.Reopen(testRules(), "it fired again", alice, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !inc.FalsePositive || inc.FalsePositiveReason == "" {
		t.Fatal("reopening erased the false-positive verdict")
	}
}

// An acknowledgement after the response target is a miss even when no sweep
// breached the deadline first (a restart, a failing sweep): the KPIs must
// not count it as met.
func TestS2_LateAcknowledgementCountsAsMissedWithoutASweep(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	inc, _, err := arqir.NewIncident(arqir.Declaration{Title: "x", Severity: "SEV2"}, testRules(), arqir.Actor{Name: "a", Source: arqir.SourceCLI}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inc.Acknowledge(arqir.Actor{Name: "ada", Source: arqir.SourceCLI}, now.Add(45*time.Minute)); err != nil {
		t.Fatal(err)
	}
	d := inc.Deadlines[0]
	if d.Kind != arqir.DeadlineResponse || d.MetAt != nil || d.BreachedAt == nil {
		t.Fatalf("response deadline after a late ack: %+v; want breached, not met", d)
	}
}
