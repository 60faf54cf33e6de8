package policy_test

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
)

// The default policy is the ARQ procedures; these tests read like them, one
// per clause, so that docs/procedures.md can name the proof of each clause.

func TestDefault_LoadsAndValidates(t *testing.T) {
	p, err := policy.Load(policy.DefaultYAML())
	if err != nil {
		t.Fatalf("default policy does not validate:\n%v", err)
	}
	if got := p.Version(); got != "16.0" {
		t.Errorf("Version() = %q, want 16.0 (the procedures are Phase 16)", got)
	}
	if p.Name != "Incident Response Procedures" {
		t.Errorf("Name = %q", p.Name)
	}
	if policy.Default().Hash() != p.Hash() {
		t.Error("Default() and Load(DefaultYAML()) differ")
	}
}

func TestDefault_ReturnsIndependentCopies(t *testing.T) {
	a := policy.Default()
	a.Severities[0].Name = "changed"
	if policy.Default().Severities[0].Name != "SEV1" {
		t.Error("changing one Default() result changed the next one")
	}
}

func TestRules_SeveritiesAndChecklist(t *testing.T) {
	r := policy.Default().Rules(7)
	if r.Revision != 7 {
		t.Errorf("Revision = %d, want 7", r.Revision)
	}
	wantSev := []arqir.SeverityRule{
		{Name: "SEV1", Title: "Critical", Meaning: "Complete service outage", ResponseTarget: 5 * time.Minute},
		{Name: "SEV2", Title: "High", Meaning: "Major functionality degraded", ResponseTarget: 15 * time.Minute},
		{Name: "SEV3", Title: "Medium", Meaning: "Partial feature unavailability", ResponseTarget: 30 * time.Minute},
		{Name: "SEV4", Title: "Low", Meaning: "Minor issues", ResponseTarget: 2 * time.Hour},
	}
	if !slices.Equal(r.Severities, wantSev) {
		t.Errorf("Severities =\n%+v\nwant\n%+v", r.Severities, wantSev)
	}
	wantChecklist := []arqir.ChecklistRule{
		{ID: "R1", Task: "Acknowledge alert in Slack (#incidents)", DoneBy: arqir.ChecklistTriggerAcknowledge},
		{ID: "R2", Task: "Set incident status: INVESTIGATING", DoneBy: arqir.ChecklistTriggerDeclare},
		{ID: "R3", Task: "Assign severity level", DoneBy: arqir.ChecklistTriggerDeclare},
		{ID: "R4", Task: "Create PagerDuty incident", DoneBy: arqir.ChecklistTriggerPagerDuty},
		{ID: "R5", Task: "Start incident Zoom call if SEV 1-2", DoneBy: arqir.ChecklistTriggerWarRoom, Severities: []string{"SEV1", "SEV2"}},
		{ID: "R6", Task: "Begin timeline tracking", DoneBy: arqir.ChecklistTriggerDeclare},
		{ID: "R7", Task: "Notify stakeholders", DoneBy: arqir.ChecklistTriggerNotify},
	}
	if !reflect.DeepEqual(r.Checklist, wantChecklist) {
		t.Errorf("Checklist =\n%+v\nwant\n%+v", r.Checklist, wantChecklist)
	}
}

func TestRules_MeaningListsJoined(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultYAML()),
		"meaning: Complete service outage", "meaning: [Complete service outage, Data loss]", 1)
	p := mustLoad(t, doc)
	if got := p.Rules(1).Severities[0].Meaning; got != "Complete service outage; Data loss" {
		t.Errorf("Meaning = %q", got)
	}
}

// severity checks one ARQ severity level: response target, escalation
// wording and the people escalation reaches.
func severity(t *testing.T, name string, target time.Duration, wantEscalation string, wantContacts ...string) policy.Severity {
	t.Helper()
	p := policy.Default()
	s, ok := p.Severity(name)
	if !ok {
		t.Fatalf("%s is not defined", name)
	}
	if s.ResponseTarget.Std() != target {
		t.Errorf("%s response target = %s, want %s", name, s.ResponseTarget, target)
	}
	var contacts, words []string
	for _, e := range s.Escalation {
		contacts = append(contacts, e.Contact)
		if _, ok := p.Contacts.Resolve(e.Contact); !ok {
			t.Errorf("%s escalates to %q, which is neither a person nor a group", name, e.Contact)
		}
		w := e.Note
		if w == "" {
			w = p.Contacts.Title(e.Contact)
		}
		words = append(words, w)
	}
	if !slices.Equal(contacts, wantContacts) {
		t.Errorf("%s escalates to %v, want %v", name, contacts, wantContacts)
	}
	if got := strings.Join(words, " + "); got != wantEscalation {
		t.Errorf("%s escalation reads %q, want %q", name, got, wantEscalation)
	}
	return s
}

func TestS1_Sev1RespondWithin5MinutesNotifyExecutives(t *testing.T) {
	s := severity(t, "SEV1", 5*time.Minute, "Immediate executive notification", "executives")
	if !slices.Equal(s.Meaning, policy.StringList{"Complete service outage"}) || s.Title != "Critical" {
		t.Errorf("SEV1 = %q %v", s.Title, s.Meaning)
	}
	people, _ := policy.Default().Contacts.Resolve("executives")
	var ids []string
	for _, x := range people {
		ids = append(ids, x.ID)
	}
	if !slices.Equal(ids, []string{"cto", "vp_engineering"}) {
		t.Errorf("executives = %v, want the CTO and the VP Engineering", ids)
	}
	if !s.PageAtNight || s.AutoResolve {
		t.Errorf("SEV1 page_at_night=%v auto_resolve=%v, want true/false", s.PageAtNight, s.AutoResolve)
	}
}

func TestS2_Sev2RespondWithin15MinutesNotifyVPAndOnCallTeam(t *testing.T) {
	severity(t, "SEV2", 15*time.Minute, "VP Engineering + On-call team", "vp_engineering", "on_call_team")
	people, _ := policy.Default().Contacts.Resolve("on_call_team")
	if len(people) != 1 || people[0].Source != "schedule:primary" {
		t.Errorf("on-call team = %+v, want the on-call lead from the primary schedule", people)
	}
}

func TestS3_Sev3RespondWithin30MinutesNotifyEngineeringLead(t *testing.T) {
	severity(t, "SEV3", 30*time.Minute, "Engineering Lead", "engineering_lead")
}

func TestS4_Sev4RespondWithin2HoursNotifyDevelopmentTeam(t *testing.T) {
	s := severity(t, "SEV4", 2*time.Hour, "Development team", "development_team")
	if s.PageAtNight {
		t.Error("SEV4 pages at night; minor issues should wait for business hours")
	}
}

func TestS_PageAtNightDefaultsToTrue(t *testing.T) {
	for _, s := range policy.Default().Severities[:3] {
		if !s.PageAtNight {
			t.Errorf("%s: page_at_night absent should mean true", s.Name)
		}
	}
}

// rule returns the detection rule with the given id.
func rule(t *testing.T, id string) policy.DetectionRule {
	t.Helper()
	for _, r := range policy.Default().Detection.Rules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no detection rule %s", id)
	return policy.DetectionRule{}
}

func TestD1_CPUOver80For5Minutes(t *testing.T) {
	r := rule(t, "D1")
	if r.Metric != "cpu_utilization_percent" || r.Comparison != policy.Above || r.Threshold != 80 ||
		r.Unit != policy.UnitPercent || r.For.Std() != 5*time.Minute {
		t.Errorf("D1 = %+v", r)
	}
	if !r.Comparison.Holds(80.5, r.Threshold) || r.Comparison.Holds(80, r.Threshold) {
		t.Error("D1 must fire above 80%, not at 80%")
	}
}

func TestD2_MemoryOver85For5MinutesWithRunbook(t *testing.T) {
	r := rule(t, "D2")
	if r.Metric != "memory_utilization_percent" || r.Comparison != policy.Above || r.Threshold != 85 ||
		r.Unit != policy.UnitPercent || r.For.Std() != 5*time.Minute {
		t.Errorf("D2 = %+v", r)
	}
	if _, ok := policy.Default().Runbook(r.Runbook); !ok || r.Runbook != "memory_leak" {
		t.Errorf("D2 runbook = %q, want memory_leak", r.Runbook)
	}
}

func TestD3_RequestErrorRateOver5Percent(t *testing.T) {
	r := rule(t, "D3")
	if r.Comparison != policy.Above || r.Threshold != 5 || r.Unit != policy.UnitPercent || r.For != 0 {
		t.Errorf("D3 = %+v", r)
	}
}

func TestD4_ResponseTimeP95Over2Seconds(t *testing.T) {
	r := rule(t, "D4")
	if r.Comparison != policy.Above || r.Threshold != 2 || r.Unit != policy.UnitSeconds || r.Aggregation != "p95" {
		t.Errorf("D4 = %+v", r)
	}
}

func TestD1toD4_AlertsOpenAtDefinedSeverities(t *testing.T) {
	p := policy.Default()
	for _, r := range p.Detection.Rules {
		if _, ok := p.Severity(r.Severity); !ok {
			t.Errorf("%s opens at undefined severity %q", r.ID, r.Severity)
		}
	}
}

func TestD5_ManualDetectionSources(t *testing.T) {
	var got []string
	for _, m := range policy.Default().Detection.ManualSources {
		got = append(got, m.ID+"="+m.Label)
	}
	want := []string{
		"customer_support=Customer support reports",
		"user_report=User-reported issues",
		"internal_observation=Internal team observations",
	}
	if !slices.Equal(got, want) {
		t.Errorf("manual sources = %v, want %v", got, want)
	}
}

func TestR1toR7_ChecklistTriggers(t *testing.T) {
	want := map[string]string{
		"R1": "acknowledge", "R2": "declare", "R3": "declare", "R4": "pagerduty",
		"R5": "war_room", "R6": "declare", "R7": "notify",
	}
	items := policy.Default().FirstResponder.Checklist
	if len(items) != len(want) {
		t.Fatalf("%d checklist items, want %d", len(items), len(want))
	}
	for _, it := range items {
		if it.DoneBy != want[it.ID] {
			t.Errorf("%s done_by = %q, want %q", it.ID, it.DoneBy, want[it.ID])
		}
	}
}

func TestR5_ZoomCallOnlyForSev1And2(t *testing.T) {
	p := policy.Default()
	for _, tc := range []struct {
		severity string
		want     []string
	}{
		{"SEV1", []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7"}},
		{"SEV2", []string{"R1", "R2", "R3", "R4", "R5", "R6", "R7"}},
		{"SEV3", []string{"R1", "R2", "R3", "R4", "R6", "R7"}},
		{"SEV4", []string{"R1", "R2", "R3", "R4", "R6", "R7"}},
	} {
		if got := ids(p.ChecklistFor(tc.severity)); !slices.Equal(got, tc.want) {
			t.Errorf("ChecklistFor(%s) = %v, want %v", tc.severity, got, tc.want)
		}
		// The incident core filters the same way from the Rules it is given.
		if got := ids(p.Rules(1).ChecklistFor(tc.severity)); !slices.Equal(got, tc.want) {
			t.Errorf("Rules().ChecklistFor(%s) = %v, want %v", tc.severity, got, tc.want)
		}
	}
	if n := len(p.Rules(1).Checklist); n != 7 {
		t.Errorf("Rules().Checklist has %d items, want all 7", n)
	}
}

func TestRules_DoNotAliasThePolicy(t *testing.T) {
	p := policy.Default()
	p.Rules(1).Checklist[4].Severities[0] = "SEV9"
	if p.FirstResponder.Checklist[4].Severities[0] != "SEV1" {
		t.Error("changing Rules() changed the policy")
	}
}

func ids(items []arqir.ChecklistRule) []string {
	var out []string
	for _, c := range items {
		out = append(out, c.ID)
	}
	return out
}

func TestG1toG4_DiagnosticGroups(t *testing.T) {
	want := map[string]int{"G1": 4, "G2": 4, "G3": 4, "G4": 5}
	groups := policy.Default().Diagnostics.Groups
	if len(groups) != 4 {
		t.Fatalf("%d diagnostic groups, want 4", len(groups))
	}
	for _, g := range groups {
		if len(g.Checks) != want[g.ID] {
			t.Errorf("%s %q has %d checks, want %d", g.ID, g.Title, len(g.Checks), want[g.ID])
		}
	}
	if g := groups[3]; g.Title != "Database Analysis" || g.Checks[4] != "Replication lag" {
		t.Errorf("G4 = %+v", g)
	}
}

func TestM1toM3_Runbooks(t *testing.T) {
	for _, tc := range []struct {
		id, clause, title string
		steps             int
		first             string
	}{
		{"memory_leak", "M1", "Memory Leak / High Memory Usage", 4, "Identify memory-consuming processes"},
		{"database_degradation", "M2", "Database Performance Degradation", 4, "Check for long-running queries"},
		{"service_unavailability", "M3", "Service Unavailability", 5, "Check service health endpoints"},
	} {
		r, ok := policy.Default().Runbook(tc.id)
		if !ok {
			t.Errorf("runbook %s missing", tc.id)
			continue
		}
		if r.Clause[0] != tc.clause || r.Title != tc.title || len(r.Steps) != tc.steps || r.Steps[0] != tc.first {
			t.Errorf("runbook %s = %+v", tc.id, r)
		}
	}
}

func TestC1_InitialNotificationWithin5Minutes(t *testing.T) {
	n := policy.Default().Communication.InitialNotification
	if n.Within.Std() != 5*time.Minute || n.Channel != "#incidents" || !n.MentionTeams ||
		!slices.Equal(n.Include, []string{"what", "when", "severity", "status"}) {
		t.Errorf("initial notification = %+v", n)
	}
}

func TestC1_InitialChannelDefaultsToIncidentChannel(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultYAML()), "  channel: \"#incidents\"", "  channel: \"#ops\"", 1)
	if got := mustLoad(t, doc).Communication.InitialNotification.Channel; got != "#ops" {
		t.Errorf("initial notification channel = %q, want the communication channel #ops", got)
	}
}

func TestC2_StatusUpdatesEvery15MinutesForSev1And2(t *testing.T) {
	u := policy.Default().Communication.StatusUpdates
	if u.Every.Std() != 15*time.Minute || !slices.Equal(u.Severities, []string{"SEV1", "SEV2"}) ||
		!slices.Equal(u.Include, []string{"current_status", "investigating", "findings", "eta"}) {
		t.Errorf("status updates = %+v", u)
	}
}

func TestC3_ResolutionNotificationImmediately(t *testing.T) {
	r := policy.Default().Communication.ResolutionNotification
	if r.Within != 0 || !slices.Equal(r.Include, []string{"service_restored", "root_cause", "duration", "customer_impact"}) {
		t.Errorf("resolution notification = %+v", r)
	}
}

func TestP1_RCAMeetingWithin24Hours(t *testing.T) {
	if d := policy.Default().PostIncident.RCA.MeetingWithin.Std(); d != 24*time.Hour {
		t.Errorf("RCA meeting within %s, want 24h", d)
	}
}

func TestP2_RCATemplateEightSections(t *testing.T) {
	var got []string
	for _, s := range policy.Default().PostIncident.RCA.Sections {
		got = append(got, s.Title)
	}
	want := []string{
		"Executive Summary", "Incident Timeline", "Root Cause Analysis", "Contributing Factors",
		"Impact Assessment", "Corrective Actions", "Prevention Strategies", "Action Item Owners & Due Dates",
	}
	if !slices.Equal(got, want) {
		t.Errorf("RCA sections = %v, want %v", got, want)
	}
}

func TestP3_ActionItemCategories(t *testing.T) {
	var got []string
	for _, c := range policy.Default().PostIncident.ActionItems.Categories {
		got = append(got, c.ID+": "+c.Description)
	}
	want := []string{
		"prevention: Stop this from happening again", "detection: Catch issues faster",
		"response: Resolve issues quicker", "documentation: Improve runbooks",
	}
	if !slices.Equal(got, want) {
		t.Errorf("categories = %v, want %v", got, want)
	}
}

func TestP4_ActionItemsNeedOwnerAndDueDate(t *testing.T) {
	a := policy.Default().PostIncident.ActionItems
	if !a.RequireOwner || !a.RequireDueDate {
		t.Errorf("require_owner=%v require_due_date=%v, want both", a.RequireOwner, a.RequireDueDate)
	}
}

func TestO1_PrimaryOnCallAlways(t *testing.T) {
	s, ok := policy.Default().Schedule("primary")
	if !ok || s.Coverage != policy.CoverageAlways || s.Description != "7 days/week" {
		t.Errorf("primary = %+v", s)
	}
}

func TestO2_SecondaryOnCallUSBusinessHours(t *testing.T) {
	s, ok := policy.Default().Schedule("secondary")
	if !ok || s.Coverage != policy.CoverageRestricted {
		t.Fatalf("secondary = %+v", s)
	}
	r := s.Restriction
	wantDays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	if !slices.Equal(r.Weekdays, wantDays) || r.From.String() != "09:00" || r.To.String() != "17:00" ||
		r.Zone.String() != "America/New_York" {
		t.Errorf("secondary restriction = %+v", r)
	}
}

func TestO3_WeeklyRotationMonday9AMEastern(t *testing.T) {
	for _, s := range policy.Default().Oncall.Schedules {
		r := s.Rotation
		h := r.Handoff
		if r.Length.Std() != policy.Week || !h.HasWeekday || h.Weekday != time.Monday ||
			h.Time != (policy.Clock{Hour: 9}) || h.Zone.String() != "America/New_York" {
			t.Errorf("%s rotation = %+v", s.ID, r)
		}
		// 09:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer.
		winter := h.Time.On(2026, time.January, 5, h.Zone).UTC().Hour()
		summer := h.Time.On(2026, time.July, 6, h.Zone).UTC().Hour()
		if winter != 14 || summer != 13 {
			t.Errorf("%s handoff UTC hours = %d/%d, want 14/13 (DST)", s.ID, winter, summer)
		}
	}
}

func TestO4_OnCallAvailability(t *testing.T) {
	a := policy.Default().Oncall.Availability
	if a.RespondWithin.Std() != 5*time.Minute || a.AcknowledgePageWithin.Std() != 2*time.Minute || a.JoinCallsWithin != 0 {
		t.Errorf("availability = %+v", a)
	}
}

func TestO5_HandoffTasks(t *testing.T) {
	want := []string{"Provide context to next on-call engineer", "Document ongoing issues", "Update status dashboard"}
	if got := policy.Default().Oncall.Handoff.Tasks; !slices.Equal(got, want) {
		t.Errorf("handoff = %v, want %v", got, want)
	}
}

func TestO6_PostShiftTasks(t *testing.T) {
	want := []string{"Document any incidents", "Update runbooks", "Participate in RCA meetings"}
	if got := policy.Default().Oncall.PostShift.Tasks; !slices.Equal(got, want) {
		t.Errorf("post-shift = %v, want %v", got, want)
	}
}

func TestT1toT6_Tools(t *testing.T) {
	p := policy.Default()
	var got []string
	for _, x := range p.Tools {
		got = append(got, x.Clause[0]+" "+x.Title+": "+x.Purpose)
	}
	want := []string{
		"T1 PagerDuty: Incident tracking and escalation",
		"T2 Slack: #incidents channel for notifications",
		"T3 Zoom: For incident war rooms",
		"T4 Datadog: Metrics and logs",
		"T5 CloudWatch: Infrastructure monitoring",
		"T6 GitHub: Code and deployment tracking",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tools =\n%v\nwant\n%v", got, want)
	}
	for role, id := range map[string]string{policy.ToolRolePaging: "pagerduty", policy.ToolRoleChat: "slack", policy.ToolRoleWarRoom: "zoom"} {
		if x, ok := p.ToolFor(role); !ok || x.ID != id {
			t.Errorf("ToolFor(%s) = %q, want %s", role, x.ID, id)
		}
	}
}

func TestK1toK5_KPITargets(t *testing.T) {
	for _, tc := range []struct {
		id     string
		cmp    policy.Comparison
		target string
	}{
		{policy.KPIMTTR, policy.Below, "30m"},
		{policy.KPIMTTK, policy.Below, "5m"},
		{policy.KPIMTBF, policy.Above, "30d"},
		{policy.KPIDetectionRate, policy.Above, "80%"},
		{policy.KPIFalsePositiveRate, policy.Below, "10%"},
	} {
		i := slices.IndexFunc(policy.Default().KPIs, func(k policy.KPI) bool { return k.ID == tc.id })
		if i < 0 {
			t.Errorf("KPI %s missing", tc.id)
			continue
		}
		k := policy.Default().KPIs[i]
		if k.Comparison != tc.cmp || k.Target.String() != tc.target {
			t.Errorf("KPI %s = %s %s, want %s %s", tc.id, k.Comparison, k.Target, tc.cmp, tc.target)
		}
	}
}

func TestK1_KPITargetComparesInSeconds(t *testing.T) {
	mttr := policy.Default().KPIs[0]
	if !mttr.Comparison.Holds((29*time.Minute).Seconds(), mttr.Target.Value()) ||
		mttr.Comparison.Holds((31*time.Minute).Seconds(), mttr.Target.Value()) {
		t.Error("an MTTR of 29 minutes must meet the < 30 minutes target and 31 minutes must not")
	}
}

func TestX1_ContactsDirectory(t *testing.T) {
	x := policy.Default().Contacts
	var got []string
	for _, p := range x.People {
		got = append(got, p.ID+"|"+p.Title+"|"+p.Name+p.Email+p.Phone+"|"+p.Source)
	}
	// No invented people: every name, email and phone is empty.
	want := []string{
		"on_call_lead|On-Call Lead||schedule:primary",
		"vp_engineering|VP Engineering||",
		"cto|CTO||",
		"customer_success_director|Customer Success Director||",
	}
	if !slices.Equal(got, want) {
		t.Errorf("people =\n%v\nwant\n%v", got, want)
	}
	if x.EscalationEmail != "incidents@company.com" || x.WarRoom != "" || x.IncidentChannel != "#incidents" {
		t.Errorf("contacts = %+v", x)
	}
	for _, g := range []string{"executives", "on_call_team", "engineering_lead", "development_team"} {
		if _, ok := x.Resolve(g); !ok {
			t.Errorf("group %s missing", g)
		}
	}
}

func TestI1_ReviewQuarterly(t *testing.T) {
	r := policy.Default().Improvement.Review
	if r.Every != 3 || r.Every.Human() != "quarterly" {
		t.Errorf("review every %s", r.Every)
	}
	from := time.Date(2026, time.January, 15, 0, 0, 0, 0, time.UTC)
	if got := r.Every.Next(from); !got.Equal(time.Date(2026, time.April, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("next review after %s = %s, want 2026-04-15", from, got)
	}
}

func TestI2_DrillsBiMonthly(t *testing.T) {
	if d := policy.Default().Improvement.Drills; d.Every != 2 || d.Every.Human() != "bi-monthly" {
		t.Errorf("drills every %s", d.Every)
	}
}

func TestI3toI6_ImprovementItems(t *testing.T) {
	var got []string
	for _, it := range policy.Default().Improvement.Items {
		got = append(got, it.ID)
	}
	if !slices.Equal(got, []string{"I3", "I4", "I5", "I6"}) {
		t.Errorf("improvement items = %v", got)
	}
}

func TestHash_StableAndFollowsContent(t *testing.T) {
	a, b := policy.Default(), policy.Default()
	sum := sha256.Sum256(policy.DefaultYAML())
	if want := "sha256:" + hex.EncodeToString(sum[:]); a.Hash() != want || b.Hash() != want {
		t.Errorf("Hash() = %s, want %s", a.Hash(), want)
	}
	// Any change of content, even a comment, is a different policy text.
	changed := mustLoad(t, string(policy.DefaultYAML())+"# reviewed\n")
	if changed.Hash() == a.Hash() {
		t.Error("Hash() did not change with the content")
	}
}

func TestSource_IsTheExactBytesLoaded(t *testing.T) {
	in := policy.DefaultYAML()
	p, err := policy.Load(in)
	if err != nil {
		t.Fatal(err)
	}
	in[0] = '!' // the caller's buffer is not the policy's
	src := p.Source()
	if string(src) != string(policy.DefaultYAML()) {
		t.Error("Source() differs from the bytes loaded")
	}
	src[0] = '!'
	if p.Source()[0] == '!' {
		t.Error("Source() exposes the policy's own buffer")
	}
}

func mustLoad(t *testing.T, doc string) *policy.Policy {
	t.Helper()
	p, err := policy.Load([]byte(doc))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return p
}
