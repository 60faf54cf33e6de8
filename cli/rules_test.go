package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
	"github.com/arqir/arqir/routing"
)

// runMain runs the command line and returns its exit code, stdout and stderr.
func runMain(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// needBinary returns the path of an optional test dependency, skipping the
// test without it unless ARQIR_TEST_REQUIRE_ALL=1 demands it.
func needBinary(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ARQIR_TEST_REQUIRE_ALL") == "1" {
			t.Fatalf("%s not found (ARQIR_TEST_REQUIRE_ALL=1): install Debian's %s (bash .ci/run does)", name, pkg)
		}
		t.Skipf("%s not found: install Debian's %s to run this test; ARQIR_TEST_REQUIRE_ALL=1 makes its absence fail", name, pkg)
	}
	return path
}

// D1–D4: the exported rule file is what Prometheus's own checker accepts,
// as written and with the for shortened.
func TestD1toD4_ExportedRulesPassPromtool(t *testing.T) {
	promtool := needBinary(t, "promtool", "prometheus")
	dir := t.TempDir()
	for name, extra := range map[string][]string{"as written": nil, "for-override": {"--for-override", "10s"}} {
		file := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yml")
		code, _, stderr := runMain(append([]string{"rules", "export", "--format", "prometheus", "-o", file}, extra...)...)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		out, err := exec.Command(promtool, "check", "rules", file).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "SUCCESS: 4 rules found") {
			t.Errorf("%s: promtool check rules: %v\n%s", name, err, out)
		}
	}
}

// The command prints the rule file of policy/testdata (the golden file of
// the built-in policy).
func TestD1toD4_RulesExportPrintsTheGoldenFile(t *testing.T) {
	want, err := os.ReadFile("../policy/testdata/prometheus-rules.golden.yml")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runMain("rules", "export", "--format", "prometheus")
	if code != ExitOK || out != string(want) || stderr != "" {
		t.Errorf("exit %d, stderr %q; output differs from the golden file:\n%s", code, stderr, out)
	}
}

// The labels of every exported alert route it back to its rule: arqir opens
// its incident at the rule's severity (SEV3 for D1, D2, D4; SEV2 for D3),
// by the rule label, and by the alert name alone.
func TestD1toD4_ExportedLabelsRouteToRuleSeverity(t *testing.T) {
	_, out, _ := runMain("rules", "export", "--format", "prometheus")
	var file struct {
		Groups []struct {
			Name  string
			Rules []struct {
				Alert  string
				Labels map[string]string
			}
		}
	}
	if err := yaml.Unmarshal([]byte(out), &file); err != nil {
		t.Fatal(err)
	}
	rules := policy.Default().Rules(1)
	in := &arqir.Integration{ID: 1, Kind: arqir.KindAlertmanager, Service: "checkout"}
	want := map[string]string{"D1": "SEV3", "D2": "SEV3", "D3": "SEV2", "D4": "SEV3"}
	if len(file.Groups) != 1 || len(file.Groups[0].Rules) != len(want) {
		t.Fatalf("groups %+v, want one group of %d rules", file.Groups, len(want))
	}
	for _, r := range file.Groups[0].Rules {
		id := r.Labels["rule"]
		labels := map[string]string{"alertname": r.Alert, "instance": "web-1:9100"}
		for k, v := range r.Labels {
			labels[k] = v
		}
		d := routing.Decide(rules, in, arqir.AlertEvent{DedupKey: "x", Labels: labels})
		if d.Severity != want[id] || d.SeverityFrom != "detection rule "+id {
			t.Errorf("%s (%s) routes to %s by %q, want %s by the detection rule", r.Alert, id, d.Severity, d.SeverityFrom, want[id])
		}
		d = routing.Decide(rules, in, arqir.AlertEvent{DedupKey: "x", Labels: map[string]string{"alertname": r.Alert}})
		if d.SeverityFrom != "detection rule "+id {
			t.Errorf("alertname %s alone routes by %q, want detection rule %s", r.Alert, d.SeverityFrom, id)
		}
	}
}

// A policy file's own rules are exported; mistakes in the call exit 2 with
// what to do.
func TestRulesExport_PolicyFileAndUsage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.yaml")
	doc := strings.Replace(string(policy.DefaultYAML()), "      threshold: 80\n", "      threshold: 90\n", 1)
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runMain("rules", "export", "--policy", file)
	if code != ExitOK || !strings.Contains(out, `[5m]))) > 90`) {
		t.Errorf("exit %d, output lacks the policy's threshold 90:\n%s", code, out)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--format", "nagios"}, `--format "nagios": use prometheus`},
		{[]string{"--for-override", "soon"}, `--for-override "soon": give a duration like 10s`},
		{[]string{"--for-override", "-1m"}, `--for-override "-1m"`},
		{[]string{"--policy", filepath.Join(t.TempDir(), "missing.yaml")}, "read policy"},
	} {
		code, _, stderr := runMain(append([]string{"rules", "export"}, tc.args...)...)
		if code != ExitRejected || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and …%s…", tc.args, code, stderr, tc.msg)
		}
	}
}
