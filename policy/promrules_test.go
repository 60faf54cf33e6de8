package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/policy"
)

// TestD1toD4_PrometheusRulesGolden pins the rule file `arqir rules export
// --format prometheus` writes for the default policy: CPU > 80 for 5m,
// memory > 85 for 5m, error rate > 5, p95 latency > 2, with the rule's
// severity and id as labels and the runbook as an annotation.
func TestD1toD4_PrometheusRulesGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		opts policy.PrometheusOptions
	}{
		{"prometheus-rules.golden.yml", policy.PrometheusOptions{}},
		{"prometheus-rules-for-10s.golden.yml", policy.PrometheusOptions{ForOverride: ptr(policy.Duration(10 * time.Second))}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, skipped := policy.Default().PrometheusRules(tc.opts)
			if len(skipped) > 0 {
				t.Errorf("skipped %v: every default rule has an expression", skipped)
			}
			golden := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./policy -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("PrometheusRules differs from %s (run go test ./policy -update if the change is intended):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

// The exported labels route each alert back to its rule: the alert name
// folds to the rule's name and the rule label is its id.
func TestD1toD4_AlertingRulesCarryRuleAndSeverity(t *testing.T) {
	rules, _ := policy.Default().AlertingRules()
	want := map[string][2]string{"D1": {"CPU", "SEV3"}, "D2": {"Memory", "SEV3"}, "D3": {"RequestErrorRate", "SEV2"}, "D4": {"ResponseTime", "SEV3"}}
	if len(rules) != len(want) {
		t.Fatalf("%d alerting rules, want %d", len(rules), len(want))
	}
	for _, r := range rules {
		w := want[r.RuleID]
		if r.Alert != w[0] || r.Labels["severity"] != w[1] || r.Labels["rule"] != r.RuleID {
			t.Errorf("%s: alert %q labels %v, want alert %q severity %s", r.RuleID, r.Alert, r.Labels, w[0], w[1])
		}
	}
	if rules[1].Runbook == "" || !strings.HasPrefix(rules[1].Runbook, "memory_leak: Memory Leak / High Memory Usage. 1. Identify memory-consuming processes;") {
		t.Errorf("D2 runbook %q, want memory_leak with its steps", rules[1].Runbook)
	}
}

// A rule without an expression (a metric arqir has no default for) is left
// out of the export and named, so the user can add one.
func TestPrometheusRules_SkipsRuleWithoutExpr(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultYAML()), "      metric: cpu_utilization_percent\n      expr: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])))'\n", "      metric: cpu_busy\n", 1)
	p, err := policy.Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out, skipped := p.PrometheusRules(policy.PrometheusOptions{})
	if len(skipped) != 1 || skipped[0] != "D1" {
		t.Fatalf("skipped %v, want [D1]", skipped)
	}
	if strings.Contains(string(out), "alert: CPU") || !strings.Contains(string(out), "# Rule D1 is left out: it has no expr.") {
		t.Errorf("export:\n%s", out)
	}
}

func TestComparedExpr(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want string
	}{
		{"up", "up > 80"},
		{"  100 * x  ", "100 * x > 80"},
		{"a or b", "(a or b) > 80"},
		{"sum(a or b)", "sum(a or b) > 80"},
		{`x{job="or"}`, `x{job="or"} > 80`},
	} {
		if got := policy.ComparedExpr(tc.expr, policy.Above, 80); got != tc.want {
			t.Errorf("ComparedExpr(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

func TestPromDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 5 * time.Minute: "5m", 90 * time.Second: "90s", 36 * time.Hour: "36h",
		48 * time.Hour: "2d", 1500 * time.Millisecond: "1500ms", 10 * time.Second: "10s",
	} {
		if got := policy.PromDuration(policy.Duration(d)); got != want {
			t.Errorf("PromDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
