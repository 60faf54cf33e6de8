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

func TestPaging_DefaultRules(t *testing.T) {
	r := policy.Default().Rules(1).Paging
	if r.AckWithin != 2*time.Minute || r.Repeat != 2 || r.StaleAfter != 30*time.Minute || r.UpdateGrace != 5*time.Minute {
		t.Errorf("ack %s, repeat %d, stale %s, grace %s; want 2m, 2, 30m, 5m", r.AckWithin, r.Repeat, r.StaleAfter, r.UpdateGrace)
	}
	var chain [][]string
	for _, s := range r.Chain {
		chain = append(chain, s.Targets)
	}
	if want := [][]string{{"schedule:primary"}, {"schedule:secondary"}, {"engineering_lead"}}; !reflect.DeepEqual(chain, want) {
		t.Errorf("chain = %v, want %v", chain, want)
	}
	if r.Chain[0].Window != nil || r.Chain[2].Window != nil {
		t.Error("the primary and the engineering lead are paged at any hour")
	}
	wantSev := map[string]arqir.SeverityPaging{
		"SEV1": {Escalation: []arqir.EscalationRule{{Contact: "executives"}}, PageAtNight: true},
		"SEV2": {Escalation: []arqir.EscalationRule{{Contact: "vp_engineering"}, {Contact: "on_call_team"}}, PageAtNight: true},
		"SEV3": {Escalation: []arqir.EscalationRule{{Contact: "engineering_lead"}}, PageAtNight: true},
		"SEV4": {Escalation: []arqir.EscalationRule{{Contact: "development_team"}}, PageAtNight: false},
	}
	if !reflect.DeepEqual(r.Severities, wantSev) {
		t.Errorf("severities = %+v\nwant %+v", r.Severities, wantSev)
	}
	if r.Channel != "#incidents" || r.InitialWithin != 5*time.Minute || !r.MentionTeams || r.UpdateEvery != 15*time.Minute ||
		!slices.Equal(r.UpdateSeverities, []string{"SEV1", "SEV2"}) {
		t.Errorf("communication = channel %q within %s mention %v every %s for %v", r.Channel, r.InitialWithin, r.MentionTeams, r.UpdateEvery, r.UpdateSeverities)
	}
	if !reflect.DeepEqual(r.Mentions, map[string][]string{"*": {"here"}}) {
		t.Errorf("mentions = %v", r.Mentions)
	}
	if want := []arqir.Stakeholder{{Contact: "customer_success_director", Severities: []string{"SEV1", "SEV2"}}}; !reflect.DeepEqual(r.Stakeholders, want) {
		t.Errorf("stakeholders = %+v, want %+v", r.Stakeholders, want)
	}
	if r.EscalationEmail != "incidents@company.com" || !r.PagingTool || r.BaseURL != "" {
		t.Errorf("escalation email %q, paging tool %v, base URL %q", r.EscalationEmail, r.PagingTool, r.BaseURL)
	}
	wantGroups := map[string][]string{
		"executives": {"cto", "vp_engineering"}, "on_call_team": {"on_call_lead"},
		"engineering_lead": {}, "development_team": {},
	}
	if !reflect.DeepEqual(r.Groups, wantGroups) {
		t.Errorf("groups = %v, want %v (empty groups kept)", r.Groups, wantGroups)
	}
	for id, title := range map[string]string{
		"cto": "CTO", "customer_success_director": "Customer Success Director", "executives": "Executives",
		"engineering_lead": "Engineering Lead", "schedule:primary": "Primary On-Call", "schedule:secondary": "Secondary On-Call",
	} {
		if r.Titles[id] != title {
			t.Errorf("Titles[%s] = %q, want %q", id, r.Titles[id], title)
		}
	}
}

func TestO4_PageAcknowledgedWithin2MinutesOrTheNextStepIsPaged(t *testing.T) {
	if got := policy.Default().Rules(1).Paging.AckWithin; got != 2*time.Minute {
		t.Errorf("AckWithin = %s, want 2m (O4)", got)
	}
}

// The secondary is a backup during US business hours (O2): its step gets
// the secondary's restriction without the policy repeating it, in New York
// time across the DST change.
func TestO2_SecondaryStepOnlyDuringBusinessHours(t *testing.T) {
	r := policy.Default().Rules(1).Paging
	w := r.Chain[1].Window
	if w == nil {
		t.Fatal("the secondary's step has no window")
	}
	ny, _ := time.LoadLocation("America/New_York")
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2024, 3, 8, 9, 0, 0, 0, ny), true},    // Friday 09:00 EST
		{time.Date(2024, 3, 8, 16, 59, 0, 0, ny), true},  // Friday 16:59
		{time.Date(2024, 3, 8, 17, 0, 0, 0, ny), false},  // Friday 17:00: over
		{time.Date(2024, 3, 9, 12, 0, 0, 0, ny), false},  // Saturday
		{time.Date(2024, 3, 11, 8, 59, 0, 0, ny), false}, // Monday 08:59 EDT, after the change
		{time.Date(2024, 3, 11, 9, 0, 0, 0, ny), true},   // Monday 09:00 EDT = 13:00 UTC
	} {
		if got := w.Contains(tc.at.UTC()); got != tc.want {
			t.Errorf("secondary window contains %s = %v, want %v", tc.at, got, tc.want)
		}
		if got := r.BusinessHours.Contains(tc.at.UTC()); got != tc.want {
			t.Errorf("business hours contain %s = %v, want %v", tc.at, got, tc.want)
		}
	}
}

func TestR5_WarRoomForSev1And2(t *testing.T) {
	if got := policy.Default().Rules(1).Paging.WarRoomSeverities; !slices.Equal(got, []string{"SEV1", "SEV2"}) {
		t.Errorf("WarRoomSeverities = %v, want [SEV1 SEV2]", got)
	}
	// An R5 item without severities applies to every level.
	doc := strings.Replace(string(policy.DefaultYAML()), "      done_by: war_room\n      severities: [SEV1, SEV2]\n", "      done_by: war_room\n", 1)
	if got := mustLoad(t, doc).Rules(1).Paging.WarRoomSeverities; !slices.Equal(got, []string{"SEV1", "SEV2", "SEV3", "SEV4"}) {
		t.Errorf("WarRoomSeverities without a limit = %v, want every severity", got)
	}
}

func TestR7_CustomerSuccessDirectorForSev1And2(t *testing.T) {
	r := policy.Default().Rules(1).Paging
	if len(r.Stakeholders) != 1 {
		t.Fatalf("stakeholders = %+v", r.Stakeholders)
	}
	s := r.Stakeholders[0]
	for sev, want := range map[string]bool{"SEV1": true, "SEV2": true, "SEV3": false, "SEV4": false} {
		if got := s.Matches(&arqir.Incident{Severity: sev, Services: []string{"checkout"}}); got != want {
			t.Errorf("the Customer Success Director hears of %s: %v, want %v", sev, got, want)
		}
	}
}

// Without the block, paging still works: each on-call schedule in turn,
// the restricted one only in its window, and the mechanical defaults.
func TestPaging_AbsentBlockHasDefaults(t *testing.T) {
	r := mustLoad(t, withPaging("")).Rules(1).Paging
	if len(r.Chain) != 2 || !slices.Equal(r.Chain[0].Targets, []string{"schedule:primary"}) || r.Chain[0].Window != nil ||
		!slices.Equal(r.Chain[1].Targets, []string{"schedule:secondary"}) || r.Chain[1].Window == nil {
		t.Errorf("default chain = %+v, want primary, then secondary in its window", r.Chain)
	}
	if r.Repeat != 2 || r.StaleAfter != 30*time.Minute || r.UpdateGrace != 5*time.Minute || len(r.Stakeholders) != 0 || r.BaseURL != "" {
		t.Errorf("defaults: repeat %d, stale %s, grace %s, stakeholders %v, base %q", r.Repeat, r.StaleAfter, r.UpdateGrace, r.Stakeholders, r.BaseURL)
	}
	if !reflect.DeepEqual(r.Mentions, map[string][]string{"*": {"here"}}) {
		t.Errorf("default mentions = %v", r.Mentions)
	}
	bh := r.BusinessHours
	if bh.Zone == nil || bh.Zone.String() != "America/New_York" || bh.From != 9*time.Hour || bh.To != 17*time.Hour ||
		!slices.Equal(bh.Weekdays, []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}) {
		t.Errorf("default business hours = %+v, want Monday–Friday 09:00–17:00 America/New_York", bh)
	}
}

func TestPaging_Section(t *testing.T) {
	r := mustLoad(t, withPaging(`paging:
  chain:
    - targets: [on_call_lead, cto]
    - targets: [executives]
      window: business_hours
    - targets: [vp_engineering]
      window: secondary
  repeat: 0
  stale_after: 10m
  update_grace: 0s
  business_hours:
    weekdays: [Monday, Tuesday]
    from: "08:00"
    to: "18:30"
    zone: Europe/Berlin
  stakeholders:
    - contact: executives
      services: [checkout]
  mentions:
    "*": [here]
    checkout: [S0123ABCD, U024BE7LH]
  base_url: https://arqir.example.com/
`)).Rules(1).Paging
	if !slices.Equal(r.Chain[0].Targets, []string{"on_call_lead", "cto"}) || r.Chain[0].Window != nil {
		t.Errorf("step 1 = %+v", r.Chain[0])
	}
	if w := r.Chain[1].Window; w == nil || w.Zone.String() != "Europe/Berlin" || w.From != 8*time.Hour || w.To != 18*time.Hour+30*time.Minute {
		t.Errorf("step 2 window = %+v, want the business hours", w)
	}
	if w := r.Chain[2].Window; w == nil || w.Zone.String() != "America/New_York" || w.To != 17*time.Hour {
		t.Errorf("step 3 window = %+v, want the secondary's restriction", w)
	}
	if r.Repeat != 0 || r.StaleAfter != 10*time.Minute || r.UpdateGrace != 0 || r.BaseURL != "https://arqir.example.com" {
		t.Errorf("repeat %d stale %s grace %s base %q", r.Repeat, r.StaleAfter, r.UpdateGrace, r.BaseURL)
	}
	if !reflect.DeepEqual(r.Mentions, map[string][]string{"*": {"here"}, "checkout": {"S0123ABCD", "U024BE7LH"}}) {
		t.Errorf("mentions = %v", r.Mentions)
	}
	if want := []arqir.Stakeholder{{Contact: "executives", Services: []string{"checkout"}}}; !reflect.DeepEqual(r.Stakeholders, want) {
		t.Errorf("stakeholders = %+v", r.Stakeholders)
	}
}

// The paging block is arqir's mechanics, not the procedures: it does not
// change the rendered document.
func TestPaging_NotRendered(t *testing.T) {
	if with, without := policy.Default().Render(), mustLoad(t, withPaging("")).Render(); with != without {
		t.Errorf("the paging block changed the render:\n%s", firstDiff(without, with))
	}
}

func TestPaging_RulesDoNotAliasThePolicy(t *testing.T) {
	p := policy.Default()
	r := p.Rules(1).Paging
	r.Chain[0].Targets[0] = "changed"
	r.Groups["executives"][0] = "changed"
	r.Mentions["*"][0] = "changed"
	r.Stakeholders[0].Severities[0] = "changed"
	again := p.Rules(1).Paging
	if again.Chain[0].Targets[0] != "schedule:primary" || again.Groups["executives"][0] != "cto" ||
		again.Mentions["*"][0] != "here" || again.Stakeholders[0].Severities[0] != "SEV1" {
		t.Error("changing the paging rules changed the policy")
	}
}

// Each mistake in the paging block is one problem at its path and line.
func TestPaging_Problems(t *testing.T) {
	for _, tc := range []struct {
		name, section, at, path, msg string
	}{
		{"unknown contact target", "  chain:\n    - targets: [boss]\n", "targets: [boss]", "paging.chain[0].targets[0]", `unknown contact "boss": use one defined under contacts.people or contacts.groups, or write schedule:<id>`},
		{"misspelt contact target", "  chain:\n    - targets: [engineering_led]\n", "targets:", "paging.chain[0].targets[0]", `unknown contact "engineering_led"; did you mean "engineering_lead"?`},
		{"unknown schedule target", "  chain:\n    - targets: [\"schedule:tertiary\"]\n", "tertiary", "paging.chain[0].targets[0]", `unknown schedule "tertiary": use one defined under oncall.schedules (primary, secondary), or define it there`},
		{"target twice", "  chain:\n    - targets: [cto, cto]\n", "targets:", "paging.chain[0].targets[1]", `"cto" is listed twice in this step`},
		{"step without targets", "  chain:\n    - window: business_hours\n", "- window", "paging.chain[0].targets", "missing: list who this step pages"},
		{"empty chain", "  chain: []\n", "chain: []", "paging.chain", "must not be empty: list who is paged, step by step"},
		{"unknown window", "  chain:\n    - targets: [cto]\n      window: nights\n", "window: nights", "paging.chain[0].window", `unknown window "nights": use business_hours or the id of a restricted schedule under oncall.schedules (primary, secondary)`},
		{"misspelt window", "  chain:\n    - targets: [cto]\n      window: busines_hours\n", "window: busines_hours", "paging.chain[0].window", `unknown window "busines_hours"; did you mean "business_hours"?`},
		{"window of an always schedule", "  chain:\n    - targets: [cto]\n      window: primary\n", "window: primary", "paging.chain[0].window", "schedule primary covers every hour, so it is no window"},
		{"restricted schedule mixed in a step", "  chain:\n    - targets: [\"schedule:secondary\", cto]\n", "- targets", "paging.chain[0]", "the step mixes restricted schedules with targets paged at any hour"},
		{"negative stale_after", "  stale_after: -5m\n", "stale_after", "paging.stale_after", `must be a positive duration like 30m, got "-5m"`},
		{"zero stale_after", "  stale_after: 0s\n", "stale_after", "paging.stale_after", `must be a positive duration like 30m, got "0s"`},
		{"negative update_grace", "  update_grace: -1m\n", "update_grace", "paging.update_grace", `must be 0s (immediately) or a positive duration like 5m, got "-1m"`},
		{"negative repeat", "  repeat: -1\n", "repeat", "paging.repeat", "must be a whole number from 0 (page the chain once) to 10, got -1"},
		{"repeat too high", "  repeat: 50\n", "repeat", "paging.repeat", "to 10, got 50"},
		{"repeat in words", "  repeat: twice\n", "repeat", "paging.repeat", `must be a whole number like 2, got "twice"`},
		{"business hours without zone", "  business_hours:\n    weekdays: [Monday]\n    from: \"09:00\"\n    to: \"17:00\"\n", "business_hours", "paging.business_hours.zone", "missing: add the IANA zone"},
		{"business hours bad zone", "  business_hours:\n    weekdays: [Monday]\n    from: \"09:00\"\n    to: \"17:00\"\n    zone: Mars/Base\n", "Mars/Base", "paging.business_hours.zone", `unknown time zone "Mars/Base"`},
		{"stakeholder unknown contact", "  stakeholders:\n    - contact: board\n", "contact: board", "paging.stakeholders[0].contact", `unknown contact "board"`},
		{"stakeholder without contact", "  stakeholders:\n    - severities: [SEV1]\n", "- severities", "paging.stakeholders[0].contact", "missing: name a person or group id"},
		{"stakeholder unknown severity", "  stakeholders:\n    - contact: cto\n      severities: [SEV9]\n", "SEV9", "paging.stakeholders[0].severities[0]", `unknown severity "SEV9"`},
		{"stakeholder blank service", "  stakeholders:\n    - contact: cto\n      services: [\" checkout\"]\n", "services:", "paging.stakeholders[0].services[0]", "must be a service name"},
		{"mention by name", "  mentions:\n    checkout: [\"@payments\"]\n", "checkout:", "paging.mentions.checkout", `mention 1 is "@payments": use here, channel, everyone, a Slack user-group ID`},
		{"mentions not a mapping", "  mentions: [here]\n", "mentions:", "paging.mentions", "must be a mapping of services to lists"},
		{"base url not a link", "  base_url: arqir.example.com\n", "base_url", "paging.base_url", `must be where people open arqir, like https://arqir.example.com`},
		{"unknown key", "  stale_afer: 5m\n", "stale_afer", "paging.stale_afer", `did you mean "stale_after"?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := withPaging("paging:\n" + tc.section)
			problems := loadProblems(t, doc)
			if len(problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%s", len(problems), (&policy.LoadError{Problems: problems}).Error())
			}
			p := problems[0]
			if want := lineOf(t, doc, tc.at); p.Path != tc.path || p.Line != want || !strings.Contains(p.Message, tc.msg) {
				t.Errorf("got  line %d: %s: %s\nwant line %d: %s: …%s…", p.Line, p.Path, p.Message, want, tc.path, tc.msg)
			}
		})
	}
}

// A chain of several steps needs the acknowledgement deadline that moves
// from one step to the next.
func TestPaging_ChainNeedsAckDeadline(t *testing.T) {
	doc := strings.Replace(withPaging("paging:\n  chain:\n    - targets: [\"schedule:primary\"]\n    - targets: [cto]\n"),
		"    acknowledge_page_within: 2m\n", "", 1)
	problems := loadProblems(t, doc)
	var found bool
	for _, p := range problems {
		found = found || (p.Path == "paging.chain" && p.Line == lineOf(t, doc, "  chain:") && strings.Contains(p.Message, "has 2 steps but oncall.availability.acknowledge_page_within is not set"))
	}
	if !found {
		t.Errorf("problems = %v, want one at paging.chain about the missing acknowledgement deadline", problems)
	}
}

// withPaging returns the default policy with its paging block replaced by
// section (which starts with "paging:", or is empty to leave it out).
func withPaging(section string) string {
	doc := string(policy.DefaultYAML())
	start := strings.Index(doc, "\npaging:\n")
	end := strings.Index(doc, "\n# Time KPIs")
	return doc[:start+1] + section + doc[end:]
}
