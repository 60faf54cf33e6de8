package policy_test

import (
	"strings"
	"testing"

	"github.com/arqir/arqir/policy"
)

// The default policy carries an expression for each ARQ rule (D1–D4).
func TestD1toD4_DefaultExpressions(t *testing.T) {
	want := map[string]string{
		"D1": `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))`,
		"D2": `100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)`,
		"D3": `100 * sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m]))`,
		"D4": `histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))`,
	}
	for _, r := range policy.Default().Detection.Rules {
		if r.Expr != want[r.ID] {
			t.Errorf("%s expr %q, want %q", r.ID, r.Expr, want[r.ID])
		}
		// A policy that leaves expr out gets the same default for the metric.
		if got := policy.DefaultExpr(r); got != want[r.ID] {
			t.Errorf("DefaultExpr(%s) = %q, want %q", r.ID, got, want[r.ID])
		}
	}
}

// A policy written before expr existed loads with the defaults filled in.
func TestDetectionRule_ExprDefaultsFromMetric(t *testing.T) {
	var lines []string
	for _, l := range strings.Split(string(policy.DefaultYAML()), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "expr:") {
			lines = append(lines, l)
		}
	}
	p, err := policy.Load([]byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range p.Detection.Rules {
		if r.Expr == "" || r.Expr != policy.Default().Detection.Rules[i].Expr {
			t.Errorf("%s expr %q, want the default", r.ID, r.Expr)
		}
	}
}

func TestDefaultExpr_LatencyFollowsPercentileAndUnit(t *testing.T) {
	r := policy.DetectionRule{Metric: "http_response_time_seconds", Aggregation: "p99", Unit: policy.UnitMilliseconds}
	if got, want := policy.DefaultExpr(r), "1000 * histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := policy.DefaultExpr(policy.DetectionRule{Metric: "queue_depth"}); got != "" {
		t.Errorf("unknown metric got %q, want none", got)
	}
}

// Each bad expression is one problem at its line, saying what to do.
func TestDetectionRule_BadExpr(t *testing.T) {
	const d1 = `expr: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))'`
	for _, tc := range []struct {
		name, new, msg string
	}{
		{"empty", `expr: ""`, "must not be empty: write the PromQL whose value is compared with threshold"},
		{"blank", `expr: "   "`, "must not be empty"},
		{"unbalanced", `expr: 'sum(rate(x[5m])'`, "( is never closed: balance the brackets"},
		{"closes nothing", `expr: 'sum(x))'`, ") at byte 7 closes nothing that is open"},
		{"wrong bracket", `expr: 'sum(x])'`, "] at byte 6 closes nothing that is open"},
		{"open string", `expr: 'x{job="a}'`, "the string starting at byte 7 is not closed"},
		{"has comparison", `expr: 'up > 80'`, `compares with ">" by itself: leave the comparison out of expr`},
		{"has equality", `expr: 'up == 0'`, `compares with "==" by itself`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(string(policy.DefaultYAML()), d1, tc.new, 1)
			problems := loadProblems(t, doc)
			if len(problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%s", len(problems), (&policy.LoadError{Problems: problems}).Error())
			}
			p := problems[0]
			if want := lineOf(t, doc, tc.new); p.Path != "detection.rules[0].expr" || p.Line != want || !strings.Contains(p.Message, tc.msg) {
				t.Errorf("got line %d: %s: %s\nwant line %d: detection.rules[0].expr: …%s…", p.Line, p.Path, p.Message, want, tc.msg)
			}
		})
	}
}

// Label matchers, strings, comments and nested comparisons are not
// top-level comparisons.
func TestCheckExpr_Accepts(t *testing.T) {
	for _, e := range []string{
		`sum by (service) (rate(http_requests_total{code=~"5..", method!="GET"}[5m]))`,
		`x{a!~"b>c"}`,
		"avg(x) # the average\n",
		`max(up == bool 1)`,
		"`raw\\` + 1",
	} {
		if err := policy.CheckExpr(e); err != nil {
			t.Errorf("CheckExpr(%q): %v", e, err)
		}
	}
}
