package cli_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/internal/testserver"
)

// kpiCmd runs "arqir kpi ARGS --url SRV --token TOKEN".
func kpiCmd(t *testing.T, srv *testserver.Server, token string, args ...string) run {
	t.Helper()
	return arqirCmd(t, append(append([]string{"kpi"}, args...), "--url", srv.URL, "--token", token)...)
}

// kpiCLIServer is a server whose API reads the test clock, holding two
// incidents of checkout (drills aside), worked out by hand:
//
//	INC-1 SEV1 automated, impact 08:58, declared 09:00 Mar 3, acked 09:01, resolved 09:12
//	INC-2 SEV2 manual, declared 09:00 Mar 4, resolved 09:30 (never acknowledged: moot)
//	INC-3 SEV1 drill, never counts
//
//	MTTR (12m + 30m) / 2 = 21m; from impact (14m + 30m) / 2 = 22m; MTTK (2m + 0) / 2 = 1m
//	MTBF 1d2m over 1 interval; detection 1/2; false positives 0 of 1
func kpiCLIServer(t *testing.T) *testserver.Server {
	t.Helper()
	var srv *testserver.Server
	srv = testserver.New(t, func(c *api.Config) { c.Now = func() time.Time { return srv.Now() } })
	ctx := context.Background()
	actor := arqir.Actor{Name: "alice", Source: arqir.SourceCLI}
	declare := func(sev string, automated, drill bool, impact time.Duration) arqir.IncidentID {
		t.Helper()
		started := srv.Now().Add(-impact)
		d := arqir.Declaration{Title: "Checkout errors", Severity: sev, Services: []string{"checkout"}, ImpactStartedAt: &started, Drill: drill}
		if automated {
			d.Detection = arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager"}
		}
		inc, err := srv.Store.Declare(ctx, d, actor)
		if err != nil {
			t.Fatal(err)
		}
		return inc.ID
	}
	act := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	resolve := func(id arqir.IncidentID) {
		t.Helper()
		_, err := srv.Store.Resolve(ctx, id, arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "5xx"}, arqir.Change{Actor: actor})
		act(err)
	}
	one := declare("SEV1", true, false, 2*time.Minute)
	srv.Advance(time.Minute)
	_, err := srv.Store.Acknowledge(ctx, one, arqir.Change{Actor: actor})
	act(err)
	srv.Advance(11 * time.Minute)
	resolve(one)
	srv.Advance(24*time.Hour - 12*time.Minute)
	two := declare("SEV2", false, false, 0)
	srv.Advance(30 * time.Minute)
	resolve(two)
	drill := declare("SEV1", true, true, time.Hour)
	resolve(drill)
	return srv
}

// squeeze collapses the padding of table columns to one space.
var padding = regexp.MustCompile(` {2,}`)

func squeeze(s string) string { return padding.ReplaceAllString(s, " ") }

func TestK1toK5_KPICommandPrintsTheScorecard(t *testing.T) {
	t.Parallel()
	srv := kpiCLIServer(t)
	r := kpiCmd(t, srv, srv.Viewer, "--from", "2025-03-01", "--to", "2025-03-08", "--service", "checkout").want(t, 0)
	out := squeeze(r.stdout)
	for _, want := range []string{
		"KPIs of the incidents declared 2025-03-01 00:00:00Z – 2025-03-08 00:00:00Z, service checkout (drills excluded)\n",
		"CLAUSE KPI VALUE TARGET RESULT SAMPLES\n",
		"K1 MTTR (Mean Time to Repair) 21m < 30m PASS 2\n",
		"K1 MTTR from impact start 22m - - 2\n",
		"K2 MTTK (Mean Time to Know) 1m < 5m PASS 2\n",
		"K3 MTBF (Mean Time Between Failures) 1d > 30d FAIL 1\n",
		"K4 Detection Rate 50.0% > 80% FAIL 2\n",
		"K5 False Positive Rate 0.0% < 10% PASS 1\n",
		"CLAUSE COMPLIANCE MET\n",
		"S1 SEV1 acknowledged within the response target 1/1 (100.0%)\n",
		"S2 SEV2 acknowledged within the response target no data\n",
		"S4 SEV4 acknowledged within the response target no data\n",
		"C1 Initial notice on time ",
		"P1 RCA meeting within the deadline ",
		"WEEK OF MTTR MTTK DETECTION FALSE POSITIVES\n",
		"2025-02-24 no data no data no data no data\n",
		"2025-03-03 21m 1m 50.0%* 0.0%\n",
		"* misses its target\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the scorecard lacks %q:\n%s", want, r.stdout)
		}
	}

	// --json prints the API's document; the default window is the 30 days
	// ending at the server's now (Mar 4 09:30).
	r = kpiCmd(t, srv, srv.Viewer, "--json").want(t, 0)
	var report arqir.KPIReport
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("--json printed %s: %v", r.stdout, err)
	}
	end := testserver.Epoch.Add(24*time.Hour + 30*time.Minute)
	if !report.To.Equal(end) || !report.From.Equal(end.Add(-30*24*time.Hour)) || report.KPIs[0].Display != "21m" {
		t.Errorf("default window %s – %s, MTTR %q", report.From, report.To, report.KPIs[0].Display)
	}

	// An empty window says "no data", never 0; --since and --severity work.
	r = kpiCmd(t, srv, srv.Viewer, "--since", "12h", "--severity", "sev1").want(t, 0)
	out = squeeze(r.stdout)
	for _, want := range []string{", severity SEV1 (drills excluded)", "K1 MTTR (Mean Time to Repair) no data < 30m no data 0\n", "S1 SEV1 acknowledged within the response target no data\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("the empty scorecard lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(out, "S2 ") || strings.Contains(out, "* misses") {
		t.Errorf("a SEV1 scorecard without data lists other severities or misses:\n%s", r.stdout)
	}
}

// Bad input exits 2 with the reason, locally or from the server.
func TestK1_KPICommandRefusesBadWindows(t *testing.T) {
	t.Parallel()
	srv := kpiCLIServer(t)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--since", "30d", "--from", "2025-03-01", "--to", "2025-03-08"}, "--since and --from/--to exclude each other"},
		{[]string{"--from", "2025-03-01"}, "--from needs --to"},
		{[]string{"--to", "2025-03-01"}, "--to needs --from"},
		{[]string{"--from", "2025-03-08", "--to", "2025-03-01"}, "the window is empty or inverted: --to (2025-03-01 00:00:00Z) must be after --from (2025-03-08 00:00:00Z)"},
		{[]string{"--from", "2025-03-01", "--to", "2025-03-01T00:00:00Z"}, "empty or inverted"},
		{[]string{"--from", "last week", "--to", "2025-03-01"}, `--from "last week" is not a time`},
		{[]string{"--since", "3mo"}, `--since: "3mo" is not a window length`},
		{[]string{"--since", "0d"}, "empty window"},
		{[]string{"--since", "4000d"}, "longer than 10 years (3660d): ask for a shorter window (set it with --since)"},
		{[]string{"--severity", "SEV9"}, `the policy has no severity "SEV9": use one of SEV1, SEV2, SEV3, SEV4 (set it with --severity)`},
		{[]string{"now"}, "unknown command"},
	} {
		r := kpiCmd(t, srv, srv.Viewer, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.msg) || r.stdout != "" {
			t.Errorf("arqir kpi %s: exit %d, stderr %q, stdout %q; want 2 with %q", strings.Join(tc.args, " "), r.code, r.stderr, r.stdout, tc.msg)
		}
	}
}
