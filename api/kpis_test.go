package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/internal/testserver"
)

// kpiServer is the test server whose API reads the test's clock, so
// "the last 30 days" ends at the clock's now.
func kpiServer(t *testing.T, configure ...func(*api.Config)) *testserver.Server {
	t.Helper()
	var srv *testserver.Server
	srv = testserver.New(t, append([]func(*api.Config){func(c *api.Config) {
		c.Now = func() time.Time { return srv.Now() }
	}}, configure...)...)
	return srv
}

// kpiData records incidents through the store at chosen times.
type kpiData struct {
	t   *testing.T
	srv *testserver.Server
}

var kpiActor = arqir.Actor{Name: "alice", Source: arqir.SourceAPI}

// at moves the clock to Epoch + d.
func (d kpiData) at(offset time.Duration) {
	d.srv.Advance(testserver.Epoch.Add(offset).Sub(d.srv.Now()))
}

// declare opens an incident now whose impact started impact ago and which
// was detected detected ago (0: at declaration).
func (d kpiData) declare(sev, service string, automated, drill bool, impact, detected time.Duration) arqir.IncidentID {
	d.t.Helper()
	now := d.srv.Now()
	dec := arqir.Declaration{Title: sev + " on " + service, Severity: sev, Services: []string{service}, Drill: drill,
		Detection: arqir.Detection{Kind: arqir.DetectionManual, Source: arqir.SourceInternalObservation}}
	if automated {
		dec.Detection = arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager"}
	}
	started, seen := now.Add(-impact), now.Add(-detected)
	dec.ImpactStartedAt, dec.DetectedAt = &started, &seen
	inc, err := d.srv.Store.Declare(context.Background(), dec, kpiActor)
	if err != nil {
		d.t.Fatalf("declare: %v", err)
	}
	return inc.ID
}

func (d kpiData) ack(id arqir.IncidentID) {
	d.t.Helper()
	if _, err := d.srv.Store.Acknowledge(context.Background(), id, arqir.Change{Actor: kpiActor}); err != nil {
		d.t.Fatalf("acknowledge %s: %v", id, err)
	}
}

func (d kpiData) resolve(id arqir.IncidentID, falsePositive bool) {
	d.t.Helper()
	r := arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "errors", FalsePositive: falsePositive}
	if _, err := d.srv.Store.Resolve(context.Background(), id, r, arqir.Change{Actor: kpiActor}); err != nil {
		d.t.Fatalf("resolve %s: %v", id, err)
	}
}

// seedKPIs records the known dataset, ending at Epoch + 7d 2h:
//
//	INC-1 SEV2 checkout  automated  impact T−5m, detected T (Epoch), acked +2m, resolved +20m
//	INC-2 SEV2 checkout  manual     impact T+50m, detected T+56m, declared T+1h, response swept
//	                                as missed at +16m, resolved +40m
//	INC-3 SEV1 payments  automated  impact = detected = T+2d, acked +3m, resolved +10m as a false positive
//	INC-4 SEV3 checkout  automated  impact T+7d−1m, detected T+7d, open
//	INC-5 SEV1 checkout  drill (never counts), acked, resolved
//
// and a sweep at the end, which breaches INC-4's response (SEV3, 30m) and
// the RCA deadlines of INC-1–3 (24 h after resolution, no meeting held).
//
// By hand, over the four that count:
//
//	MTTR    resolved − detected:     20m, 44m, 10m → 74m / 3 = 24m40s (1480 s), < 30m: PASS
//	MTTR    resolved − impact start: 25m, 50m, 10m → 85m / 3 = 28m20s (1700 s), no target
//	MTTK    detected − impact start: 5m, 6m, 0, 1m → 12m / 4 = 3m (180 s), < 5m: PASS
//	MTBF    checkout T−5m … T+7d−1m, 2 intervals; payments once → (7d 4m) / 2 = 3d12h2m (302520 s), > 30d: FAIL
//	detection 3 / 4 = 75%, > 80%: FAIL
//	false positives: 1 (INC-3) of 3 alert-opened = 33.3%, < 10%: FAIL
//	response SEV1 1/1, SEV2 1/2, SEV3 0/1, SEV4 none; RCA in time 0/3
func seedKPIs(t *testing.T, srv *testserver.Server) {
	t.Helper()
	d := kpiData{t, srv}
	inc1 := d.declare("SEV2", "checkout", true, false, 5*time.Minute, 0)
	srv.Advance(2 * time.Minute)
	d.ack(inc1)
	srv.Advance(18 * time.Minute)
	d.resolve(inc1, false)

	d.at(time.Hour)
	inc2 := d.declare("SEV2", "checkout", false, false, 10*time.Minute, 4*time.Minute)
	srv.Advance(16 * time.Minute)
	srv.Sweep(t)
	srv.Advance(24 * time.Minute)
	d.resolve(inc2, false)

	d.at(48 * time.Hour)
	inc3 := d.declare("SEV1", "payments", true, false, 0, 0)
	srv.Advance(3 * time.Minute)
	d.ack(inc3)
	srv.Advance(7 * time.Minute)
	d.resolve(inc3, true)

	d.at(7 * 24 * time.Hour)
	d.declare("SEV3", "checkout", true, false, time.Minute, 0)

	d.at(7*24*time.Hour + time.Hour)
	drill := d.declare("SEV1", "checkout", true, true, 30*time.Minute, 0)
	srv.Advance(time.Minute)
	d.ack(drill)
	srv.Advance(49 * time.Minute)
	d.resolve(drill, false)

	d.at(7*24*time.Hour + 2*time.Hour)
	srv.Sweep(t)
}

// kpiReport asks GET /api/v1/kpis with the query and decodes the answer.
func kpiReport(t *testing.T, srv *testserver.Server, query string) *arqir.KPIReport {
	t.Helper()
	r := call(t, srv, "GET", "/api/v1/kpis"+query, srv.Viewer, "").wantStatus(t, http.StatusOK)
	var report arqir.KPIReport
	if err := json.Unmarshal(r.body, &report); err != nil {
		t.Fatalf("decode the scorecard %s: %v", r.body, err)
	}
	return &report
}

// kpiWant is a measure as a test states it: value and target are "-" for
// none (else compared to 1e-6), pass "PASS", "FAIL" or "-".
type kpiWant struct {
	id      string
	value   float64
	none    bool
	display string
	target  string
	pass    string
	samples int
}

func checkKPIs(t *testing.T, what string, got []arqir.KPI, wants []kpiWant) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("%s: %d measures, want %d: %+v", what, len(got), len(wants), got)
	}
	for i, w := range wants {
		k := got[i]
		target, pass := "-", "-"
		if k.Target != nil {
			target = fmt.Sprintf("%s %g", k.Comparison, *k.Target)
		}
		if k.Pass != nil {
			pass = map[bool]string{true: "PASS", false: "FAIL"}[*k.Pass]
		}
		valueOK := (w.none && k.Value == nil) || (!w.none && k.Value != nil && math.Abs(*k.Value-w.value) < 1e-6)
		if k.ID != w.id || !valueOK || k.Display != w.display || target != w.target || pass != w.pass || k.Samples != w.samples {
			v := "null"
			if k.Value != nil {
				v = fmt.Sprint(*k.Value)
			}
			t.Errorf("%s: %s = %s %q target %s %s samples %d; want %s %v %q target %s %s samples %d",
				what, k.ID, v, k.Display, target, pass, k.Samples, w.id, w.value, w.display, w.target, w.pass, w.samples)
		}
	}
}

// noData is a measure without samples.
func noData(id, target string) kpiWant {
	return kpiWant{id: id, none: true, display: "no data", target: target, pass: "-"}
}

func TestK1toK5_ScorecardOfAKnownDataset(t *testing.T) {
	t.Parallel()
	srv := kpiServer(t)
	seedKPIs(t, srv)

	r := kpiReport(t, srv, "?since=30d")
	now := testserver.Epoch.Add(7*24*time.Hour + 2*time.Hour)
	if !r.To.Equal(now) || !r.From.Equal(now.Add(-30*24*time.Hour)) || r.Service != "" || r.Severity != "" {
		t.Errorf("window %s – %s (%q, %q), want the 30 days ending %s", r.From, r.To, r.Service, r.Severity, now)
	}
	checkKPIs(t, "kpis", r.KPIs, []kpiWant{
		{"mttr", 1480, false, "24m40s", "< 1800", "PASS", 3},
		{"mttr_impact", 1700, false, "28m20s", "-", "-", 3},
		{"mttk", 180, false, "3m", "< 300", "PASS", 4},
		{"mtbf", 302520, false, "3d12h", "> 2.592e+06", "FAIL", 2},
		{"detection_rate", 75, false, "75.0%", "> 80", "FAIL", 4},
		{"false_positive_rate", 100.0 / 3, false, "33.3%", "< 10", "FAIL", 3},
	})
	wantCompliance := func(r *arqir.KPIReport) {
		t.Helper()
		checkKPIs(t, "response", r.Compliance[:4], []kpiWant{
			{"response_SEV1", 100, false, "1/1 (100.0%)", "-", "-", 1},
			{"response_SEV2", 50, false, "1/2 (50.0%)", "-", "-", 2},
			{"response_SEV3", 0, false, "0/1 (0.0%)", "-", "-", 1},
			noData("response_SEV4", "-"),
		})
	}
	wantCompliance(r)
	// C1 and C2 count the deadlines the incidents record; cross-check
	// them against the incidents themselves (drill left out).
	met, missed := map[string]int{}, map[string]int{}
	for id := arqir.IncidentID(1); id <= 4; id++ {
		inc, err := srv.Store.Incident(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, dl := range inc.Deadlines {
			switch {
			case dl.MetAt != nil:
				met[dl.Kind]++
			case dl.BreachedAt != nil:
				missed[dl.Kind]++
			}
		}
	}
	for i, kind := range []string{arqir.DeadlineInitialNotice, arqir.DeadlineStatusUpdate, arqir.DeadlineRCA} {
		k := r.Compliance[4+i]
		n := met[kind] + missed[kind]
		want := "no data"
		if n > 0 {
			want = fmt.Sprintf("%d/%d (%.1f%%)", met[kind], n, 100*float64(met[kind])/float64(n))
		}
		if k.Samples != n || k.Display != want {
			t.Errorf("%s = %q over %d, the incidents record %d met and %d missed %s deadlines", k.ID, k.Display, k.Samples, met[kind], missed[kind], kind)
		}
	}
	if k := r.Compliance[6]; k.ID != "rca_within_deadline" || k.Display != "0/3 (0.0%)" {
		t.Errorf("P1: %s = %q, want 0/3 (0.0%%): three RCA deadlines passed without a meeting", k.ID, k.Display)
	}

	// The trend: weeks from Monday 2025-02-03 (the window opens Saturday
	// Feb 8) to Monday 2025-03-10; INC-1–3 in the week of Mar 3, INC-4 in
	// the week of Mar 10.
	if len(r.Weekly) != 6 {
		t.Fatalf("%d weeks, want 6", len(r.Weekly))
	}
	for i, w := range r.Weekly {
		if want := time.Date(2025, 2, 3+7*i, 0, 0, 0, 0, time.UTC); !w.Week.Equal(want) {
			t.Errorf("week %d starts %s, want %s", i, w.Week, want)
		}
	}
	for i := range 4 {
		checkKPIs(t, "an empty week", r.Weekly[i].KPIs, []kpiWant{
			noData("mttr", "< 1800"), noData("mttk", "< 300"), noData("detection_rate", "> 80"), noData("false_positive_rate", "< 10"),
		})
	}
	checkKPIs(t, "week of Mar 3", r.Weekly[4].KPIs, []kpiWant{
		{"mttr", 1480, false, "24m40s", "< 1800", "PASS", 3},
		{"mttk", 220, false, "3m40s", "< 300", "PASS", 3},
		{"detection_rate", 200.0 / 3, false, "66.7%", "> 80", "FAIL", 3},
		{"false_positive_rate", 50, false, "50.0%", "< 10", "FAIL", 2},
	})
	checkKPIs(t, "week of Mar 10", r.Weekly[5].KPIs, []kpiWant{
		noData("mttr", "< 1800"),
		{"mttk", 60, false, "1m", "< 300", "PASS", 1},
		{"detection_rate", 100, false, "100.0%", "> 80", "PASS", 1},
		{"false_positive_rate", 0, false, "0.0%", "< 10", "PASS", 1},
	})

	// The same window by from and to, and the default window, agree.
	from, to := now.Add(-30*24*time.Hour).Format(time.RFC3339), now.Format(time.RFC3339)
	for _, q := range []string{"?from=" + from + "&to=" + to, ""} {
		again := kpiReport(t, srv, q)
		checkKPIs(t, "again "+q, again.KPIs[:1], []kpiWant{{"mttr", 1480, false, "24m40s", "< 1800", "PASS", 3}})
		if !again.From.Equal(r.From) || !again.To.Equal(r.To) || len(again.Weekly) != 6 {
			t.Errorf("%q: window %s – %s, %d weeks", q, again.From, again.To, len(again.Weekly))
		}
	}
}

// Filters: one service, one severity (any letter case). A single-incident
// service has no MTBF (no interval), not 0.
func TestK3_ScorecardByServiceAndSeverity(t *testing.T) {
	t.Parallel()
	srv := kpiServer(t)
	seedKPIs(t, srv)

	r := kpiReport(t, srv, "?since=30d&service=payments")
	if r.Service != "payments" {
		t.Errorf("service %q", r.Service)
	}
	checkKPIs(t, "payments", r.KPIs, []kpiWant{
		{"mttr", 600, false, "10m", "< 1800", "PASS", 1},
		{"mttr_impact", 600, false, "10m", "-", "-", 1},
		{"mttk", 0, false, "0s", "< 300", "PASS", 1},
		noData("mtbf", "> 2.592e+06"),
		{"detection_rate", 100, false, "100.0%", "> 80", "PASS", 1},
		{"false_positive_rate", 100, false, "100.0%", "< 10", "FAIL", 1},
	})

	// SEV2: INC-1 and INC-2. MTTR (20m + 44m) / 2 = 32m; MTTK (5m + 6m) / 2
	// = 5m30s; checkout failed at T−5m and T+50m: MTBF 55m.
	r = kpiReport(t, srv, "?since=30d&severity=sev2")
	if r.Severity != "SEV2" {
		t.Errorf("severity %q, want the policy's spelling SEV2", r.Severity)
	}
	checkKPIs(t, "SEV2", r.KPIs, []kpiWant{
		{"mttr", 1920, false, "32m", "< 1800", "FAIL", 2},
		{"mttr_impact", 2250, false, "37m30s", "-", "-", 2},
		{"mttk", 330, false, "5m30s", "< 300", "FAIL", 2},
		{"mtbf", 3300, false, "55m", "> 2.592e+06", "FAIL", 1},
		{"detection_rate", 50, false, "50.0%", "> 80", "FAIL", 2},
		{"false_positive_rate", 0, false, "0.0%", "< 10", "PASS", 1},
	})
	if len(r.Compliance) != 4 || r.Compliance[0].ID != "response_SEV2" || r.Compliance[0].Display != "1/2 (50.0%)" {
		t.Errorf("SEV2 compliance %+v: want response_SEV2 alone, then C1, C2, P1", r.Compliance)
	}
}

// An empty window reports "no data" — null values, no verdicts — never 0
// or NaN; the targets are still shown.
func TestK1toK5_EmptyWindowIsNoData(t *testing.T) {
	t.Parallel()
	srv := kpiServer(t)
	seedKPIs(t, srv)
	r := call(t, srv, "GET", "/api/v1/kpis?from=2024-01-01T00:00:00Z&to=2024-02-01T00:00:00Z", srv.Viewer, "").wantStatus(t, http.StatusOK)
	if !strings.Contains(string(r.body), `{"id":"mttr","clause":"K1","title":"MTTR (Mean Time to Repair)","unit":"seconds","value":null,"samples":0,"target":1800,"comparison":"<","pass":null,"display":"no data"}`) {
		t.Errorf("the empty window's MTTR is not null with no data:\n%s", r.body)
	}
	var report arqir.KPIReport
	if err := json.Unmarshal(r.body, &report); err != nil {
		t.Fatal(err)
	}
	for _, k := range append(report.KPIs, report.Compliance...) {
		if k.Value != nil || k.Pass != nil || k.Display != "no data" || k.Samples != 0 {
			t.Errorf("%s on an empty window: %+v", k.ID, k)
		}
	}
	if len(report.Weekly) != 5 { // Jan 1 2024 was a Monday: Jan 1, 8, 15, 22, 29
		t.Errorf("%d weeks, want 5", len(report.Weekly))
	}
}

// Every refused window names its parameter, answers 400 and changes nothing.
func TestK1_BadWindowsAreRefused(t *testing.T) {
	t.Parallel()
	srv := kpiServer(t)
	seedKPIs(t, srv)
	reporter := srv.Token(t, "support", arqir.RoleReporter)
	before := srv.Dump(t)
	for _, tc := range []struct{ query, field, msg string }{
		{"since=30d&from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z", "since", "either since"},
		{"since=30d&to=2025-02-01T00:00:00Z", "since", "not both"},
		{"from=2025-01-01T00:00:00Z", "to", "from needs to"},
		{"to=2025-01-01T00:00:00Z", "from", "to needs from"},
		{"from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "to", "empty or inverted"},
		{"from=2025-02-01T00:00:00Z&to=2025-02-01T00:00:00Z", "to", "empty or inverted"},
		{"from=2025-02-01T02:00:00%2B02:00&to=2025-02-01T00:00:00Z", "to", "empty or inverted"}, // the same instant
		{"from=2010-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from", "longer than 10 years"},
		{"from=yesterday&to=2025-01-01T00:00:00Z", "from", "RFC 3339"},
		{"from=2025-01-01T00:00:00Z&to=2025-02-30", "to", "RFC 3339"},
		{"since=0d", "since", "empty window"},
		{"since=-30d", "since", "not a window length"},
		{"since=30", "since", "not a window length"},
		{"since=a+month", "since", "not a window length"},
		{"since=3661d", "since", "longer than 10 years"},
		{"since=9999999999w", "since", "too long"},
		{"severity=SEV9", "severity", "SEV1, SEV2, SEV3, SEV4"},
		{"window=30d", "window", "unknown query parameter"},
	} {
		r := call(t, srv, "GET", "/api/v1/kpis?"+tc.query, srv.Viewer, "")
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", tc.query, r.status, r.body)
			continue
		}
		e := r.errorBody(t)
		if e.Error.Code != arqir.EINVALID || e.Error.Field != tc.field || !strings.Contains(e.Error.Message, tc.msg) {
			t.Errorf("%s: %+v, want field %s and a message with %q", tc.query, e.Error, tc.field, tc.msg)
		}
	}
	call(t, srv, "GET", "/api/v1/kpis", "", "").wantStatus(t, http.StatusUnauthorized)
	call(t, srv, "GET", "/api/v1/kpis", reporter, "").wantStatus(t, http.StatusForbidden)
	srv.Unchanged(t, before)
}

// I3 on /metrics: the gauges of the last 30 days, present after a scrape,
// absent without data, recomputed at most once a minute.
func TestI3_KPIGaugesOnMetrics(t *testing.T) {
	t.Parallel()
	srv := kpiServer(t)
	scrape := func() string {
		return string(call(t, srv, "GET", "/metrics", "", "").wantStatus(t, http.StatusOK).body)
	}
	// No incidents yet: targets only, no values, no verdicts.
	body := scrape()
	for _, want := range []string{`arqir_kpi_target{kpi="mttr"} 1800`, `arqir_kpi_target{kpi="detection_rate"} 80`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, absent := range []string{"arqir_kpi_value{", "arqir_kpi_pass{"} {
		if strings.Contains(body, absent) {
			t.Errorf("/metrics reports %s… without any incident", absent)
		}
	}

	seedKPIs(t, srv) // moves the clock a week on: the cache is stale
	body = scrape()
	for _, want := range []string{
		`arqir_kpi_value{kpi="mttr",window="30d"} 1480`,
		`arqir_kpi_value{kpi="mttr_impact",window="30d"} 1700`,
		`arqir_kpi_value{kpi="mttk",window="30d"} 180`,
		`arqir_kpi_value{kpi="mtbf",window="30d"} 302520`,
		`arqir_kpi_value{kpi="detection_rate",window="30d"} 75`,
		`arqir_kpi_value{kpi="false_positive_rate",window="30d"} 33.333333333333336`,
		`arqir_kpi_value{kpi="response_SEV2",window="30d"} 50`,
		`arqir_kpi_target{kpi="mttr"} 1800`,
		`arqir_kpi_target{kpi="mtbf"} 2.592e+06`,
		`arqir_kpi_pass{kpi="mttr",window="30d"} 1`,
		`arqir_kpi_pass{kpi="mttk",window="30d"} 1`,
		`arqir_kpi_pass{kpi="mtbf",window="30d"} 0`,
		`arqir_kpi_pass{kpi="detection_rate",window="30d"} 0`,
		`arqir_kpi_pass{kpi="false_positive_rate",window="30d"} 0`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, absent := range []string{`arqir_kpi_target{kpi="mttr_impact"}`, `arqir_kpi_pass{kpi="mttr_impact"`, `kpi="response_SEV4"`, `arqir_kpi_pass{kpi="response_SEV1"`} {
		if strings.Contains(body, absent) {
			t.Errorf("/metrics has %s: no target, or no data", absent)
		}
	}

	// An incident detected two minutes ago and resolved now changes MTTR,
	// but scrapes within the minute serve the cached scorecard; a minute
	// after it was computed it is recomputed: (74m + 2m) / 4 = 19m = 1140 s.
	d := kpiData{t, srv}
	id := d.declare("SEV4", "search", false, false, 2*time.Minute, 2*time.Minute)
	d.resolve(id, false)
	for _, wait := range []time.Duration{0, 59 * time.Second} {
		srv.Advance(wait)
		if body := scrape(); !strings.Contains(body, `arqir_kpi_value{kpi="mttr",window="30d"} 1480`+"\n") {
			t.Errorf("recomputed %s after the last computation:\n%s", wait, grepKPI(body))
		}
	}
	srv.Advance(time.Second)
	if body := scrape(); !strings.Contains(body, `arqir_kpi_value{kpi="mttr",window="30d"} 1140`+"\n") {
		t.Errorf("not recomputed a minute later:\n%s", grepKPI(body))
	}

	// A clock that goes back (corrected, or replaced) is not trusted to
	// keep the cache: resolving INC-4 and stepping back recomputes at once,
	// and the gauge agrees with the API over the same 30 days.
	srv.Advance(30 * time.Second)
	d.resolve(4, false)
	srv.Advance(-40 * time.Second)
	body = scrape()
	mttr := kpiReport(t, srv, "").KPIs[0]
	if want := fmt.Sprintf(`arqir_kpi_value{kpi="mttr",window="30d"} %v`+"\n", *mttr.Value); *mttr.Value == 1140 || !strings.Contains(body, want) {
		t.Errorf("after the clock went back, want %s (the API's MTTR %s):\n%s", strings.TrimSpace(want), mttr.Display, grepKPI(body))
	}
}

func grepKPI(body string) string {
	var out []string
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, "arqir_kpi_") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return strings.Join(out, "\n")
}

// kpiStoreDown is the store with the KPI query failing.
type kpiStoreDown struct{ arqir.Store }

func (kpiStoreDown) KPIAggregates(context.Context, arqir.KPIQuery) (*arqir.KPIAggregates, error) {
	return nil, errTest
}

// A failing KPI query fails neither the scrape nor the other series; it
// is logged. The API answers 500 without the detail.
func TestI3_KPIGaugesSurviveAFailingStore(t *testing.T) {
	t.Parallel()
	srv := kpiServer(t, func(c *api.Config) { c.Store = kpiStoreDown{c.Store} })
	call(t, srv, "GET", "/healthz", "", "")
	body := string(call(t, srv, "GET", "/metrics", "", "").wantStatus(t, http.StatusOK).body)
	if !strings.Contains(body, `arqir_http_requests_total{code="200",method="GET",route="/healthz"} 1`) || strings.Contains(body, "arqir_kpi_") {
		t.Errorf("/metrics with the KPI query failing:\n%s", body)
	}
	if !strings.Contains(srv.Logs.String(), "metrics: compute KPIs") {
		t.Error("the failing KPI query was not logged")
	}
	r := call(t, srv, "GET", "/api/v1/kpis", srv.Viewer, "").wantStatus(t, http.StatusInternalServerError)
	if strings.Contains(string(r.body), errTest.Error()) {
		t.Errorf("the store's error leaks: %s", r.body)
	}
}

// Times with a zone offset are read as the instants they are and the
// window is [from, to): 09:00–10:00 UTC holds INC-1 (declared 09:00) and
// not INC-2 (declared 10:00).
func TestK1_WindowWithAZoneOffset(t *testing.T) {
	t.Parallel()
	srv := kpiServer(t)
	seedKPIs(t, srv)
	q := url.Values{"from": {"2025-03-03T04:00:00-05:00"}, "to": {"2025-03-03T11:00:00+01:00"}}
	r := kpiReport(t, srv, "?"+q.Encode())
	if !r.From.Equal(testserver.Epoch) || r.From.Location() != time.UTC || r.KPIs[2].Samples != 1 {
		t.Errorf("window %s – %s with %d incidents, want 09:00–10:00 UTC with INC-1 alone", r.From, r.To, r.KPIs[2].Samples)
	}
}
