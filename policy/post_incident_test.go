package policy_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
)

// postIncident loads the default policy with one edit and returns its
// post-incident rules.
func postIncident(t *testing.T, old, new string) arqir.PostIncidentRules {
	t.Helper()
	def := string(policy.DefaultYAML())
	if !strings.Contains(def, old) {
		t.Fatalf("the default has no %q to replace", old)
	}
	p, err := policy.Load([]byte(strings.Replace(def, old, new, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return p.Rules(1).PostIncident
}

func TestP1_RulesRCAWithin24HoursRemindedTwoHoursBefore(t *testing.T) {
	r := policy.Default().Rules(1).PostIncident
	if r.RCAWithin != 24*time.Hour || r.RCAReminderBefore != 2*time.Hour {
		t.Errorf("RCA within %s, reminded %s before; want 24h and the default 2h", r.RCAWithin, r.RCAReminderBefore)
	}
	for _, tc := range []struct {
		set  string
		want time.Duration
	}{{"30m", 30 * time.Minute}, {"0s", 0}, {"23h", 23 * time.Hour}} {
		got := postIncident(t, "    meeting_within: 24h\n", "    meeting_within: 24h\n    remind_before: "+tc.set+"\n").RCAReminderBefore
		if got != tc.want {
			t.Errorf("remind_before: %s gives %s, want %s", tc.set, got, tc.want)
		}
	}
}

func TestP1_RemindBeforeRefusals(t *testing.T) {
	for _, tc := range []struct{ set, msg string }{
		{"-1h", `must be 0s (immediately) or a positive duration like 5m, got "-1h"`},
		{"24h", "is 24 hours, not less than meeting_within (24 hours): the reminder would go out as the incident resolves; use less, e.g. 2h, or 0s for no early reminder"},
		{"2 hours", `must be a duration like 5m, 2h, 30d or 1w, got "2 hours"`},
	} {
		doc := strings.Replace(string(policy.DefaultYAML()), "    meeting_within: 24h\n", "    meeting_within: 24h\n    remind_before: "+tc.set+"\n", 1)
		problems := loadProblems(t, doc)
		if len(problems) != 1 || problems[0].Path != "post_incident.rca.remind_before" || !strings.Contains(problems[0].Message, tc.msg) ||
			problems[0].Line != lineOf(t, doc, "remind_before:") {
			t.Errorf("remind_before: %s: problems %+v; want one at post_incident.rca.remind_before, line %d: …%s…", tc.set, problems, lineOf(t, doc, "remind_before:"), tc.msg)
		}
	}
}

// TestP1_RemindBeforeIsNotRendered: remind_before is arqir's mechanics,
// not the procedures; setting it leaves the rendered document as it was.
func TestP1_RemindBeforeIsNotRendered(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultYAML()), "    meeting_within: 24h\n", "    meeting_within: 24h\n    remind_before: 45m\n", 1)
	p, err := policy.Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Render(), policy.Default().Render(); got != want {
		t.Errorf("remind_before changed the rendered procedures:\n%s", firstDiff(want, got))
	}
}

func TestP2_RulesRCASectionsInOrder(t *testing.T) {
	want := []arqir.RCASectionRule{
		{ID: "executive_summary", Title: "Executive Summary"},
		{ID: "incident_timeline", Title: "Incident Timeline"},
		{ID: "root_cause_analysis", Title: "Root Cause Analysis"},
		{ID: "contributing_factors", Title: "Contributing Factors"},
		{ID: "impact_assessment", Title: "Impact Assessment"},
		{ID: "corrective_actions", Title: "Corrective Actions"},
		{ID: "prevention_strategies", Title: "Prevention Strategies"},
		{ID: "action_item_owners", Title: "Action Item Owners & Due Dates"},
	}
	if got := policy.Default().Rules(1).PostIncident.RCASections; !reflect.DeepEqual(got, want) {
		t.Errorf("RCA sections = %+v\nwant %+v", got, want)
	}
}

func TestP3_RulesActionItemCategories(t *testing.T) {
	want := []arqir.ActionCategoryRule{
		{ID: "prevention", Title: "Prevention", Description: "Stop this from happening again"},
		{ID: "detection", Title: "Detection", Description: "Catch issues faster"},
		{ID: "response", Title: "Response", Description: "Resolve issues quicker"},
		{ID: "documentation", Title: "Documentation", Description: "Improve runbooks"},
	}
	if got := policy.Default().Rules(1).PostIncident.Categories; !reflect.DeepEqual(got, want) {
		t.Errorf("categories = %+v\nwant %+v", got, want)
	}
}

func TestP4_RulesRequireOwnerAndDueDate(t *testing.T) {
	r := policy.Default().Rules(1).PostIncident
	if !r.RequireOwner || !r.RequireDueDate {
		t.Errorf("require owner %v, due date %v; the ARQ procedures require both", r.RequireOwner, r.RequireDueDate)
	}
	r = postIncident(t, "    require_owner: true\n    require_due_date: true\n", "    require_owner: false\n    require_due_date: false\n")
	if r.RequireOwner || r.RequireDueDate {
		t.Errorf("require owner %v, due date %v after switching both off", r.RequireOwner, r.RequireDueDate)
	}
}

func TestI6_RulesRunbookIDs(t *testing.T) {
	got := policy.Default().Rules(1).PostIncident.Runbooks
	if want := []string{"memory_leak", "database_degradation", "service_unavailability"}; !slices.Equal(got, want) {
		t.Errorf("runbooks = %v, want %v", got, want)
	}
}

// TestK1_K5_RulesKPITargets: times in seconds, rates in percent, as the
// kpi package compares them.
func TestK1_K5_RulesKPITargets(t *testing.T) {
	want := []arqir.KPITarget{
		{ID: "mttr", Clause: "K1", Title: "MTTR (Mean Time to Repair)", Comparison: "<", Target: 1800},
		{ID: "mttk", Clause: "K2", Title: "MTTK (Mean Time to Know)", Comparison: "<", Target: 300},
		{ID: "mtbf", Clause: "K3", Title: "MTBF (Mean Time Between Failures)", Comparison: ">", Target: 30 * 24 * 3600},
		{ID: "detection_rate", Clause: "K4", Title: "Detection Rate", Comparison: ">", Target: 80},
		{ID: "false_positive_rate", Clause: "K5", Title: "False Positive Rate", Comparison: "<", Target: 10},
	}
	if got := policy.Default().Rules(1).PostIncident.KPIs; !reflect.DeepEqual(got, want) {
		t.Errorf("KPI targets = %+v\nwant %+v", got, want)
	}
}

// TestRules_PostIncidentDoesNotAliasThePolicy: rules handed to the
// incident core are copies; changing them leaves the policy as loaded.
func TestRules_PostIncidentDoesNotAliasThePolicy(t *testing.T) {
	p := policy.Default()
	r := p.Rules(1).PostIncident
	r.RCASections[0].Title = "changed"
	r.Categories[0].ID = "changed"
	r.Runbooks[0] = "changed"
	again := p.Rules(1).PostIncident
	if again.RCASections[0].Title != "Executive Summary" || again.Categories[0].ID != "prevention" || again.Runbooks[0] != "memory_leak" {
		t.Errorf("changing the rules changed the policy: %+v", again)
	}
}
