package policy_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
)

func TestRouting_DefaultPolicy(t *testing.T) {
	r := policy.Default().Rules(3)
	want := arqir.RoutingRules{
		GroupBy:         []string{"alertname", "service"},
		ReopenWithin:    30 * time.Minute,
		DefaultSeverity: "SEV3",
		DetectionRules: []arqir.AlertRule{
			{ID: "D1", Name: "CPU", Metric: "cpu_utilization_percent", Severity: "SEV3"},
			{ID: "D2", Name: "Memory", Metric: "memory_utilization_percent", Severity: "SEV3", Runbook: "memory_leak"},
			{ID: "D3", Name: "Request error rate", Metric: "http_request_error_rate_percent", Severity: "SEV2"},
			{ID: "D4", Name: "Response time", Metric: "http_response_time_seconds", Severity: "SEV3"},
		},
	}
	if !reflect.DeepEqual(r.Routing, want) {
		t.Errorf("Routing =\n%+v\nwant\n%+v", r.Routing, want)
	}
}

// Auto-resolve is off for every level of the ARQ policy, and written out for
// SEV1 and SEV2: a person confirms the service is restored (C3).
func TestRouting_AutoResolveOffByDefault(t *testing.T) {
	for _, s := range policy.Default().Rules(1).Severities {
		if s.AutoResolve {
			t.Errorf("%s auto-resolves in the default policy", s.Name)
		}
	}
	doc := strings.Replace(string(policy.DefaultYAML()), "    page_at_night: false\n", "    page_at_night: false\n    auto_resolve: true\n", 1)
	sevs := mustLoad(t, doc).Rules(1).Severities
	if !sevs[3].AutoResolve || sevs[2].AutoResolve {
		t.Errorf("auto_resolve: true on SEV4 gave %+v", sevs)
	}
}

const routingDoc = `
routing:
  group_by: [alertname, source_group]
  reopen_within: 10m
  default_severity: SEV4
  source_severities: {Critical: SEV2, p5: SEV4}
  routes:
    - match: {team: payments}
      match_re: {alertname: "Checkout.*|Pay"}
      service: checkout
      severity: SEV1
    - match_re: {env: "prod-.*"}
      service: edge
`

func TestRouting_Section(t *testing.T) {
	r := mustLoad(t, withRouting(routingDoc)).Rules(1).Routing
	if !reflect.DeepEqual(r.GroupBy, []string{"alertname", "source_group"}) || r.ReopenWithin != 10*time.Minute || r.DefaultSeverity != "SEV4" {
		t.Errorf("routing = %+v", r)
	}
	if !reflect.DeepEqual(r.SourceSeverities, map[string]string{"critical": "SEV2", "p5": "SEV4"}) {
		t.Errorf("source severities = %v (keys in lower case)", r.SourceSeverities)
	}
	if len(r.Routes) != 2 || r.Routes[0].Service != "checkout" || r.Routes[0].Severity != "SEV1" || r.Routes[1].Severity != "" {
		t.Fatalf("routes = %+v", r.Routes)
	}
	for _, tc := range []struct {
		labels map[string]string
		want   bool
	}{
		{map[string]string{"team": "payments", "alertname": "CheckoutErrors"}, true},
		{map[string]string{"team": "payments", "alertname": "Pay"}, true},
		{map[string]string{"team": "payments", "alertname": "PayLater"}, false}, // anchored: the whole value
		{map[string]string{"team": "search", "alertname": "Pay"}, false},
		{map[string]string{"alertname": "Pay"}, false},
	} {
		if got := r.Routes[0].Matches(tc.labels); got != tc.want {
			t.Errorf("route 1 matches %v = %v, want %v", tc.labels, got, tc.want)
		}
	}
}

func TestRouting_AbsentSectionHasDefaults(t *testing.T) {
	r := mustLoad(t, withRouting("")).Rules(1).Routing
	if !reflect.DeepEqual(r.GroupBy, []string{"alertname", "service"}) || r.ReopenWithin != 30*time.Minute || r.DefaultSeverity != "SEV4" {
		t.Errorf("defaults = %+v, want group by alertname and service, reopen within 30m, the least severe level", r)
	}
}

func TestRouting_EmptyGroupByTurnsGroupingOff(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultYAML()), "group_by: [alertname, service]", "group_by: []", 1)
	if r := mustLoad(t, doc).Rules(1).Routing; len(r.GroupBy) != 0 {
		t.Errorf("group_by: [] gave %v", r.GroupBy)
	}
}

// Each mistake in the routing section is one problem at its path and line.
func TestRouting_Problems(t *testing.T) {
	for _, tc := range []struct {
		name, section, at, path, msg string
	}{
		{"unknown severity in a route", "  routes:\n    - match: {team: a}\n      severity: SEV7\n", "severity: SEV7", "routing.routes[0].severity", `unknown severity "SEV7"`},
		{"bad regex", "  routes:\n    - match_re:\n        team: a\n        alertname: \"Checkout(\"\n      service: x\n", "alertname: \"Checkout(\"", "routing.routes[0].match_re.alertname", `invalid regular expression "Checkout("`},
		{"bad label name", "  routes:\n    - match: {\"team-name\": a}\n      service: x\n", "team-name", "routing.routes[0].match.team-name", "must be a label name"},
		{"route without matchers", "  routes:\n    - service: x\n", "- service: x", "routing.routes[0].match", "a route without matchers would take every alert"},
		{"route that sets nothing", "  routes:\n    - match: {team: a}\n", "match: {team: a}", "routing.routes[0].service", "a route sets a service, a severity or both"},
		{"matcher not a mapping", "  routes:\n    - match: [team]\n      service: x\n", "match: [team]", "routing.routes[0].match", "must be a mapping of names to values"},
		{"unknown source severity target", "  source_severities:\n    critical: SEV9\n", "critical: SEV9", "routing.source_severities.critical", `unknown severity "SEV9"`},
		{"unknown default severity", "  default_severity: SEV0\n", "default_severity: SEV0", "routing.default_severity", `unknown severity "SEV0"`},
		{"negative reopen window", "  reopen_within: -5m\n", "reopen_within: -5m", "routing.reopen_within", "must be 0s (immediately) or a positive duration"},
		{"bad group_by name", "  group_by: [alertname, \"a b\"]\n", "group_by:", "routing.group_by[1]", "must be a label name"},
		{"group_by twice", "  group_by: [alertname, alertname]\n", "group_by:", "routing.group_by[1]", `"alertname" is listed twice`},
		{"unknown key", "  group_bye: [alertname]\n", "group_bye", "routing.group_bye", `did you mean "group_by"?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := withRouting("routing:\n" + tc.section)
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

// withRouting returns the default policy with its routing section replaced
// by section (which starts with "routing:", or is empty to leave it out).
func withRouting(section string) string {
	doc := string(policy.DefaultYAML())
	start := strings.Index(doc, "\nrouting:\n")
	end := strings.Index(doc, "\n# done_by")
	return doc[:start+1] + strings.TrimPrefix(section, "\n") + doc[end:]
}
