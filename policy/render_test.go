package policy_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/arqir/arqir/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestRender_DefaultGolden(t *testing.T) {
	got := policy.Default().Render()
	golden := filepath.Join("testdata", "default.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./policy -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("Render() differs from %s (run go test ./policy -update if the change is intended):\n%s", golden, firstDiff(string(want), got))
	}
}

// sharedFile reads a file of the shared project folder next to the repo. It
// is outside the module, so a checkout without it skips the test, unless
// ARQIR_TEST_REQUIRE_ALL=1 demands that every test runs.
func sharedFile(t *testing.T, elem ...string) string {
	t.Helper()
	path := filepath.Join(append([]string{"..", ".."}, elem...)...)
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("ARQIR_TEST_REQUIRE_ALL") == "1" {
			t.Fatalf("read %s: %v (ARQIR_TEST_REQUIRE_ALL=1)", path, err)
		}
		t.Skipf("%s not found (%v): this test needs the shared folder beside the repository; set ARQIR_TEST_REQUIRE_ALL=1 to make its absence fail", path, err)
	}
	return string(b)
}

var htmlComment = regexp.MustCompile(`\s*<!--.*?-->`)

// normalizedLines returns the non-blank lines of a Markdown text with clause
// comments removed and whitespace collapsed.
func normalizedLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.Join(strings.Fields(htmlComment.ReplaceAllString(l, "")), " ")
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestRender_EveryLineOfTheProcedures proves that the default policy holds
// every number and list of the ARQ document: each content line of the
// document appears in the rendered default, in the same order.
func TestRender_EveryLineOfTheProcedures(t *testing.T) {
	seed := normalizedLines(sharedFile(t, "shared", "seed", "incident-response-procedures.md"))
	rendered := normalizedLines(policy.Default().Render())
	i := 0
	for _, want := range seed {
		j := i
		for j < len(rendered) && rendered[j] != want {
			j++
		}
		if j == len(rendered) {
			t.Errorf("the rendered default lacks (after line %d of %d) the procedures line %q", i, len(rendered), want)
			continue
		}
		i = j + 1
	}
	if len(rendered) != len(seed) {
		t.Logf("rendered default has %d content lines, the procedures %d", len(rendered), len(seed))
	}
}

// TestRender_TracesEveryClause checks that every clause ID of
// procedure-clauses.md is carried by the default policy, as a clause comment
// in its rendering.
func TestRender_TracesEveryClause(t *testing.T) {
	clauses := regexp.MustCompile(`(?m)^\| ([A-Z][0-9]+) \|`).FindAllStringSubmatch(sharedFile(t, "shared", "procedure-clauses.md"), -1)
	if len(clauses) == 0 {
		t.Fatal("no clause IDs found in procedure-clauses.md")
	}
	traced := map[string]bool{}
	for _, m := range regexp.MustCompile(`<!-- (.*?) -->`).FindAllStringSubmatch(policy.Default().Render(), -1) {
		for _, id := range strings.Split(m[1], ", ") {
			traced[id] = true
		}
	}
	for _, c := range clauses {
		if !traced[c[1]] {
			t.Errorf("clause %s is not traced in the rendered default policy", c[1])
		}
	}
}

// TestRender_Values renders values the default does not use.
func TestRender_Values(t *testing.T) {
	def := string(policy.DefaultYAML())
	for _, tc := range []struct {
		name     string
		old, new string
		want     string // a line of the rendering
	}{
		{"named contact", "      title: CTO\n      name: \"\"\n      email: \"\"\n      phone: \"\"\n",
			"      title: CTO\n      name: Ann Lee\n      email: ann@example.com\n      phone: \"+1 555 0100\"\n",
			"- CTO: Ann Lee, +1 555 0100 / ann@example.com"},
		{"email only", "      title: CTO\n      name: \"\"\n      email: \"\"\n", "      title: CTO\n      name: \"\"\n      email: cto@example.com\n",
			"- CTO: cto@example.com"},
		{"war room link", `war_room: ""`, `war_room: "https://zoom.us/j/42"`, "War Room Zoom: https://zoom.us/j/42"},
		{"delayed escalation", "      - contact: on_call_team\n", "      - contact: on_call_team\n        after: 10m\n",
			"- Escalation: VP Engineering + On-call team (after 10 minutes)"},
		{"updates for every severity", "    severities: [SEV1, SEV2]\n    include: [current", "    include: [current", "Status Updates (every 15 min):"},
		{"updates for a gap", "severities: [SEV1, SEV2]\n    include: [current", "severities: [SEV1, SEV3]\n    include: [current", "Status Updates (every 15 min for SEV 1, SEV 3):"},
		{"initial within an hour", "    within: 5m\n", "    within: 1h\n", "Initial Notification (within 1 hour):"},
		{"join calls within", "join_calls_within: 0s", "join_calls_within: 5m", "- Join incident calls within 5 minutes"},
		{"daily rotation", "        length: 1w\n        handoff:\n          weekday: Monday\n", "        length: 1d\n        handoff:\n", "- Rotation: Daily at 9 AM US/Eastern"},
		{"other zone", "          zone: America/New_York\n", "          zone: Europe/Berlin\n", "- Rotation: Weekly on Monday 9 AM Europe/Berlin"},
		{"afternoon handoff", `time: "09:00"`, `time: "13:30"`, "- Rotation: Weekly on Monday 1:30 PM US/Eastern"},
		{"milliseconds", "threshold: 2\n      unit: seconds", "threshold: 500\n      unit: milliseconds", "- Response time > 500 ms (p95)"},
		{"other chat tool", "    title: Slack\n", "    title: Teams\n", "- Teams update with current status"},
		{"yearly review", "every: 3mo", "every: 12mo", "- Review and update this document yearly"},
		{"version 16.1", `version: "16.0"`, `version: "16.1"`, "# Incident Response Procedures - Phase 16.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(def, tc.old) {
				t.Fatalf("the default has no %q to replace", tc.old)
			}
			out := mustLoad(t, strings.Replace(def, tc.old, tc.new, 1)).Render()
			for _, l := range normalizedLines(out) {
				if l == tc.want {
					return
				}
			}
			t.Errorf("rendering lacks the line %q:\n%s", tc.want, out)
		})
	}
}

func TestRender_SchedulesWithOwnRotations(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultYAML()), "      rotation: *weekly\n",
		"      rotation:\n        length: 2w\n        handoff: {weekday: Friday, time: \"17:00\", zone: America/Chicago}\n", 1)
	out := mustLoad(t, doc).Render()
	for _, want := range []string{
		"- Rotation (Primary On-Call): Weekly on Monday 9 AM US/Eastern <!-- O3 -->",
		"- Rotation (Secondary On-Call): Every 2 weeks on Friday 5 PM US/Central",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("rendering lacks %q", want)
		}
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\nwant " + wl + "\ngot  " + gl
		}
	}
	return "(no line differs)"
}
