package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arqir/arqir/policy"
)

// TestLoad_EachProblem breaks the default policy in one place per case and
// expects exactly that one problem: its path, its line, and a message that
// says what to do. "Exactly one" also proves a mistake does not cascade.
func TestLoad_EachProblem(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string // replace the first old in the default with new
		at       string // the problem's line is the first line containing at; default new
		path     string
		msg      string // a substring of the message
	}{
		// Unknown keys, with a suggestion when one is close.
		{"typo in key", "    response_target: 5m\n", "    respons_target: 5m\n", "", "severities[0].respons_target", `unknown key "respons_target"; did you mean "response_target"?`},
		{"typo in section", "\ndetection:\n", "\ndetections:\n", "detections:", "detections", `did you mean "detection"?`},
		{"unknown key", "    title: Critical\n", "    title: Critical\n    colour: red\n", "colour", "severities[0].colour", `unknown key "colour": remove it (keys allowed here: name, clause, title,`},
		{"duplicate key", "    title: Critical\n", "    title: Critical\n    title: Urgent\n", "Urgent", "severities[0].title", `key "title" is set twice (first on line `},

		// Wrong types.
		{"text where list expected", "include: [what, when, severity, status]", "include: what", "", "communication.initial_notification.include", `must be a list (one "- item" per line, or [a, b]), got "what"`},
		{"list where text expected", "title: Critical", "title: [Critical]", "", "severities[0].title", "must be text, got a list"},
		{"mapping where list expected", "    checks:\n        - Service status dashboard\n        - CPU/Memory/Disk usage\n        - Network connectivity\n        - Database replication lag\n", "    checks: {service: dashboard}\n", "", "diagnostics.groups[0].checks", "must be a list (one \"- item\" per line, or [a, b]), got a mapping"},
		{"not a bool", "mention_teams: true", "mention_teams: yes", "", "communication.initial_notification.mention_teams", `must be true or false, got "yes"`},
		{"not a number", "threshold: 80", "threshold: eighty", "", "detection.rules[0].threshold", `must be a number like 80 or 2.5, got "eighty"`},

		// Missing required values.
		{"missing title", "    title: High\n", "", "- name: SEV2", "severities[1].title", `missing: add a short title like "Critical"`},
		{"missing response target", "    response_target: 15m\n", "", "- name: SEV2", "severities[1].response_target", "missing: add a positive duration like 5m or 2h"},
		{"empty text", "    title: Critical\n", "    title: \"\"\n", "title: \"\"", "severities[0].title", "must not be empty"},
		{"empty list", "    steps:\n      - Identify memory-consuming processes\n      - Restart affected service/pod\n      - Deploy patched version if available\n      - Monitor memory usage post-recovery\n", "    steps: []\n", "", "runbooks[0].steps", "must not be empty: list the steps in order"},
		{"unquoted channel is a comment", `channel: "#incidents"`, `channel: #incidents`, "", "communication.channel", `missing: add the channel in quotes, e.g. "#incidents" (an unquoted # starts a YAML comment)`},

		// Duplicates.
		{"duplicate checklist id", "    - id: R2\n", "    - id: R1 # again\n", "", "first_responder.checklist[1].id", `duplicate checklist id "R1" (first used at line `},
		{"duplicate severity", "    page_at_night: false\n", "    page_at_night: false\n  - name: SEV3 # again\n    title: Again\n    meaning: Again\n    response_target: 1h\n    escalation: [{contact: cto}]\n", "SEV3 # again", "severities[4].name", `duplicate severity name "SEV3" (first used at line `},
		{"duplicate contact id across people and groups", "  escalation_email:", "    - id: cto # again\n      title: Again\n  escalation_email:", "cto # again", "contacts.groups[4].id", `duplicate contact id "cto" (first used at line `},
		{"duplicate tool role", "role: war_room", "role: chat # again", "", "tools[2].role", `role "chat" is already taken by tools[1] (slack)`},

		// Impossible values.
		{"negative duration", "response_target: 5m", "response_target: -5m", "", "severities[0].response_target", `must be a positive duration like 5m or 2h, got "-5m"`},
		{"zero duration", "every: 15m", "every: 0s", "", "communication.status_updates.every", `must be a positive duration like 15m, got "0s"`},
		{"negative optional duration", "for: 5m", "for: -1m", "", "detection.rules[0].for", `must be 0s (immediately) or a positive duration like 5m, got "-1m"`},
		{"unreadable duration", "meeting_within: 24h", "meeting_within: 24 hours", "", "post_incident.rca.meeting_within", `must be a duration like 5m, 2h, 30d or 1w, got "24 hours"`},
		{"invalid comparison", `comparison: ">"`, `comparison: "=>"`, "", "detection.rules[0].comparison", `must be one of ">", ">=", "<" or "<=" in quotes`},
		{"bare > is a YAML block", `comparison: ">"`, `comparison: >`, "", "detection.rules[0].comparison", `(a bare > starts a YAML block), got ""`},
		{"KPI comparison", `comparison: "<"`, `comparison: "<="`, "", "kpis[0].comparison", `must be "<" (stay under the target) or ">" (stay over it), got "<="`},
		{"percent over 100", "target: 80%", "target: 120%", "", "kpis[3].target", "must be a percentage between 0 and 100, got 120%"},
		{"negative percent", "target: 10%", "target: -5%", "", "kpis[4].target", "must be a percentage between 0 and 100, got -5%"},
		{"percent threshold over 100", "threshold: 85", "threshold: 185", "", "detection.rules[1].threshold", "must be a percentage between 0 and 100, got 185%"},
		{"rate KPI with a duration", "target: 80%", "target: 30m # wrong kind", "", "kpis[3].target", `detection_rate is a rate: the target must be a percentage like 80%, got "30m"`},
		{"time KPI with a percent", "    target: 30m\n", "    target: 30%\n", "", "kpis[0].target", `mttr is a time: the target must be a duration like 30m or 30d, got "30%"`},
		{"unknown KPI", "id: mttk", "id: mean_time_to_know", "", "kpis[1].id", "unknown KPI \"mean_time_to_know\": use one of mttr, mttk, mtbf, detection_rate or false_positive_rate"},
		{"unknown zone", "zone: America/New_York", "zone: America/NewYork", "", "oncall.schedules[0].rotation.handoff.zone", `unknown time zone "America/NewYork": use an IANA zone name like America/New_York or UTC`},
		{"local zone", "zone: America/New_York", "zone: Local", "", "oncall.schedules[0].rotation.handoff.zone", `unknown time zone "Local"`},
		{"bad HH:MM", `time: "09:00"`, `time: "9am"`, "", "oncall.schedules[0].rotation.handoff.time", `must be a 24-hour time HH:MM like 09:00 or 17:30, got "9am"`},
		{"hour out of range", `to: "17:00"`, `to: "25:00"`, "", "oncall.schedules[1].restriction.to", `got "25:00"`},
		{"empty window", `to: "17:00"`, `to: "09:00"`, "", "oncall.schedules[1].restriction.to", "must differ from from (09:00)"},
		{"weekday twice", "weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday]", "weekdays: [Monday, Tuesday, Monday]", "", "oncall.schedules[1].restriction.weekdays[2]", "Monday is listed twice: list each day once"},
		{"unknown weekday", "weekday: Monday", "weekday: Mondy", "", "oncall.schedules[0].rotation.handoff.weekday", `must be a weekday like Monday, got "Mondy"; did you mean "Monday"?`},
		{"weekday on a daily rotation", "length: 1w", "length: 1d", "weekday: Monday", "oncall.schedules[0].rotation.handoff.weekday", "only rotations of whole weeks hand off on a weekday"},
		{"restriction on an always schedule", "coverage: restricted", "coverage: always", "restriction:", "oncall.schedules[1].restriction", "does not apply to coverage: always"},
		{"unknown coverage", "coverage: always", "coverage: sometimes", "", "oncall.schedules[0].coverage", `unknown coverage "sometimes": use one of always or restricted`},
		{"months", "every: 3mo", "every: quarterly", "", "improvement.review.every", `must be whole months like 3mo (quarterly) or 2mo (every two months), got "quarterly"`},
		{"aggregation", "aggregation: p95", "aggregation: median", "", "detection.rules[3].aggregation", `must be avg, min, max, sum or a percentile like p95, or left out, got "median"`},
		{"unit", "unit: seconds", "unit: secs", "", "detection.rules[3].unit", `unknown unit "secs"`},
		{"done_by", "done_by: notify", "done_by: notified", "", "first_responder.checklist[6].done_by", `unknown event that ticks the item "notified"; did you mean "notify"?`},
		{"message field", "include: [what, when, severity, status]", "include: [what, when, severity, state]", "", "communication.initial_notification.include[3]", `unknown message field "state"; did you mean "status"?`},
		{"version", `version: "16.0"`, `version: "sixteen"`, "", "version", `must be a version number like 16.0, got "sixteen"`},
		{"clause id", "    clause: S1\n", "    clause: s-1\n", "", "severities[0].clause", `must be procedure clause IDs like S1 or [P1, P2]`},
		{"id format", "    - id: G1\n", "    - id: G 1\n", "", "diagnostics.groups[0].id", `must be a short id of letters, digits, _ or - like G1, got "G 1"`},
		{"email", "escalation_email: incidents@company.com", "escalation_email: incidents at company", "", "contacts.escalation_email", "must be a plain email address like incidents@company.com"},
		{"war room link", `war_room: ""`, `war_room: "zoom room 4"`, "", "contacts.war_room", "must be a link like https://zoom.us/j/123, or empty until there is one"},
		{"channel name", `incident_channel: "#incidents"`, `incident_channel: "incidents"`, "", "contacts.incident_channel", `must be a channel name like "#incidents", got "incidents"`},
		{"source with a person", "      source: \"schedule:primary\"\n", "      source: \"schedule:primary\"\n      name: Ann\n", "schedule:primary", "contacts.people[0].source", "whoever is on call fills this role"},

		// References to things that are not defined.
		{"undefined severity in detection", "severity: SEV2", "severity: SEV9", "", "detection.rules[2].severity", `unknown severity "SEV9": use one defined under severities (SEV1, SEV2, SEV3, SEV4), or define it there`},
		{"misspelt severity", "severity: SEV2", "severity: sev 2", "", "detection.rules[2].severity", `unknown severity "sev 2"; did you mean "SEV2"?`},
		{"undefined severity in checklist", "severities: [SEV1, SEV2]", "severities: [SEV1, SEV5]", "", "first_responder.checklist[4].severities[1]", `unknown severity "SEV5"`},
		{"undefined severity in status updates", "every: 15m\n    severities: [SEV1, SEV2]", "every: 15m\n    severities: [SEV1, SEV7]", "SEV7", "communication.status_updates.severities[1]", `unknown severity "SEV7"`},
		{"undefined runbook", "runbook: memory_leak", "runbook: memleak", "", "detection.rules[1].runbook", `unknown runbook "memleak": use one defined under runbooks (memory_leak, database_degradation, service_unavailability)`},
		{"undefined escalation contact", "contact: executives", "contact: board", "", "severities[0].escalation[0].contact", `unknown contact "board": use one defined under contacts.people or contacts.groups (on_call_lead, vp_engineering, cto, customer_success_director, executives, on_call_team, engineering_lead, development_team), or define it there`},
		{"undefined group member", "members: [cto, vp_engineering]", "members: [cto, vp_eng]", "", "contacts.groups[0].members[1]", `unknown person "vp_eng"`},
		{"group in a group", "members: [cto, vp_engineering]", "members: [cto, on_call_team]", "", "contacts.groups[0].members[1]", `"on_call_team" is a group; groups list people only`},
		{"undefined schedule", `source: "schedule:primary"`, `source: "schedule:tertiary"`, "", "contacts.people[0].source", `unknown schedule "tertiary"`},

		// YAML syntax and structure.
		{"syntax error", "    title: Critical\n", "    title Critical\n", "title Critical", "", "invalid YAML: could not find expected ':'; fix the YAML syntax at or near this line"},
		{"unknown alias", "rotation: *weekly", "rotation: *daily", "", "", "invalid YAML: alias *daily refers to no anchor"},
		{"merge key", "      rotation: *weekly\n", "      rotation:\n        <<: *weekly\n", "<<", "oncall.schedules[1].rotation", "merge keys (<<) are not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def := string(policy.DefaultYAML())
			if !strings.Contains(def, tc.old) {
				t.Fatalf("the default has no %q to replace", tc.old)
			}
			doc := strings.Replace(def, tc.old, tc.new, 1)
			at := tc.at
			if at == "" {
				at = strings.TrimSpace(strings.SplitN(tc.new, "\n", 2)[0])
			}
			problems := loadProblems(t, doc)
			if len(problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%s", len(problems), (&policy.LoadError{Problems: problems}).Error())
			}
			p := problems[0]
			if want := lineOf(t, doc, at); p.Path != tc.path || p.Line != want || !strings.Contains(p.Message, tc.msg) {
				t.Errorf("got  line %d: %s: %s\nwant line %d: %s: …%s…", p.Line, p.Path, p.Message, want, tc.path, tc.msg)
			}
		})
	}
}

// TestLoad_FiveProblemsAtOnce feeds a file with five distinct mistakes and
// expects all five, in line order, in one error.
func TestLoad_FiveProblemsAtOnce(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "five_errors.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	problems := loadProblems(t, string(src))
	want := []policy.Problem{
		{Path: "severities[0].response_target", Line: 8, Message: `must be a positive duration like 5m or 2h, got "-5m"`},
		{Path: "severities[1].respons_target", Line: 14, Message: `unknown key "respons_target"; did you mean "response_target"?`},
		{Path: "severities[1].escalation[0].contact", Line: 16, Message: `unknown contact "board": use one defined under contacts.people or contacts.groups (cto, executives), or define it there`},
		{Path: "detection.rules[0].severity", Line: 26, Message: `unknown severity "SEV9": use one defined under severities (SEV1, SEV2), or define it there`},
		{Path: "kpis[0].target", Line: 40, Message: "must be a percentage between 0 and 100, got 120%"},
	}
	if len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(problems), len(want), (&policy.LoadError{Problems: problems}).Error())
	}
	for i := range want {
		if problems[i] != want[i] {
			t.Errorf("problem %d:\ngot  %+v\nwant %+v", i+1, problems[i], want[i])
		}
	}
	_, err = policy.Load(src)
	wantText := `line 8: severities[0].response_target: must be a positive duration like 5m or 2h, got "-5m"
line 14: severities[1].respons_target: unknown key "respons_target"; did you mean "response_target"?
line 16: severities[1].escalation[0].contact: unknown contact "board": use one defined under contacts.people or contacts.groups (cto, executives), or define it there
line 26: detection.rules[0].severity: unknown severity "SEV9": use one defined under severities (SEV1, SEV2), or define it there
line 40: kpis[0].target: must be a percentage between 0 and 100, got 120%`
	if err.Error() != wantText {
		t.Errorf("Error() =\n%s\nwant\n%s", err, wantText)
	}
}

func TestLoad_DocumentProblems(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      policy.Problem
	}{
		{"empty", "", policy.Problem{Message: "the policy is empty: it needs at least version, name and severities"}},
		{"only comments", "# nothing yet\n", policy.Problem{Message: "the policy is empty: it needs at least version, name and severities"}},
		{"not a mapping", "- a\n- b\n", policy.Problem{Line: 1, Message: "must be a mapping of keys (key: value on separate lines), got a list"}},
		{"empty severities", "version: \"1.0\"\nname: Minimal\nseverities: []\n",
			policy.Problem{Path: "severities", Line: 3, Message: "must not be empty: list at least one severity, most severe first, e.g. - name: SEV1"}},
		{"two documents", "version: \"1.0\"\nname: Minimal\nseverities: []\n---\nversion: \"2.0\"\n",
			policy.Problem{Line: 4, Message: `a second YAML document starts here: a policy is one document, remove the "---" separator or the extra document`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems := loadProblems(t, tc.doc)
			if len(problems) != 1 || problems[0] != tc.want {
				t.Errorf("got %+v\nwant [%+v]", problems, tc.want)
			}
		})
	}
}

// TestLoad_DuplicatePathsCountItemsWithoutID guards the paths of duplicates
// when an earlier item has no id: the duplicate is runbooks[2], not [1].
func TestLoad_DuplicatePathsCountItemsWithoutID(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultYAML()), "  - id: database_degradation\n",
		"  - title: No id\n    steps: [x]\n  - id: memory_leak # again\n", 1)
	problems := loadProblems(t, doc)
	if len(problems) != 2 || problems[0].Path != "runbooks[1].id" || problems[1].Path != "runbooks[2].id" ||
		problems[1].Line != lineOf(t, doc, "memory_leak # again") {
		t.Errorf("problems = %+v, want runbooks[1].id missing and runbooks[2].id duplicate", problems)
	}
}

func TestLoadError_OneProblemPerLine(t *testing.T) {
	err := &policy.LoadError{Problems: []policy.Problem{
		{Message: "the policy is empty"},
		{Line: 3, Message: "invalid YAML: x"},
		{Line: 9, Path: "severities[0].title", Message: "missing"},
	}}
	want := "the policy is empty\nline 3: invalid YAML: x\nline 9: severities[0].title: missing"
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
}

func TestLoad_MissingRequiredTopLevel(t *testing.T) {
	problems := loadProblems(t, "overview: nothing else\n")
	var paths []string
	for _, p := range problems {
		paths = append(paths, p.Path)
	}
	if got := strings.Join(paths, " "); got != "version name severities" {
		t.Errorf("problems at %q, want version, name and severities", got)
	}
}

// TestLoad_MinimalPolicy shows what is optional: absent blocks are off.
func TestLoad_MinimalPolicy(t *testing.T) {
	p := mustLoad(t, `version: "1"
name: Minimal
severities:
  - name: P1
    title: Urgent
    meaning: Anything
    response_target: 1h
    escalation:
      - contact: me
contacts:
  people:
    - id: me
      title: Me
`)
	if len(p.Rules(1).Severities) != 1 || p.Communication.StatusUpdates.Every != 0 || len(p.Oncall.Schedules) != 0 {
		t.Errorf("minimal policy = %+v", p)
	}
	if r := p.Render(); !strings.HasPrefix(r, "# Minimal - Phase 1\n") || strings.Contains(r, "## Communication") {
		t.Errorf("minimal render:\n%s", r)
	}
}

func TestLoad_AliasBombIsBounded(t *testing.T) {
	// Each runbook is an alias of a block holding 400 steps; 400 of them
	// would be 160,000 values to walk.
	var b strings.Builder
	b.WriteString("version: \"1\"\nname: Bomb\nrunbooks:\n  - &r\n    id: x\n    title: X\n    steps: [")
	for i := range 400 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("s")
	}
	b.WriteString("]\n")
	for range 399 {
		b.WriteString("  - *r\n")
	}
	problems := loadProblems(t, b.String())
	found := false
	for _, p := range problems {
		found = found || strings.Contains(p.Message, "the document expands to more than")
	}
	if !found {
		t.Errorf("no expansion problem among %d problems", len(problems))
	}
}

// loadProblems loads doc and returns its problems, failing if it loads.
func loadProblems(t *testing.T, doc string) []policy.Problem {
	t.Helper()
	p, err := policy.Load([]byte(doc))
	if err == nil {
		t.Fatalf("Load succeeded (%s), want problems", p.Hash())
	}
	var le *policy.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Load returned %T, want *policy.LoadError", err)
	}
	for i := 1; i < len(le.Problems); i++ {
		if le.Problems[i].Line < le.Problems[i-1].Line {
			t.Errorf("problems not sorted by line: %d before %d", le.Problems[i-1].Line, le.Problems[i].Line)
		}
	}
	return le.Problems
}

// lineOf returns the 1-based line of the first line of doc containing s.
func lineOf(t *testing.T, doc, s string) int {
	t.Helper()
	for i, l := range strings.Split(doc, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in the document", s)
	return 0
}
