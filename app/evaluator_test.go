package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/policy"
)

// fakeProm is a Prometheus HTTP API that answers /api/v1/query with the
// values the test sets per expression, or with an error while down.
type fakeProm struct {
	*httptest.Server
	mu      sync.Mutex
	values  map[string][]sample // by the expression queried
	down    bool
	queries int
}

type sample struct {
	labels map[string]string
	value  string
}

func newFakeProm(t *testing.T) *fakeProm {
	f := &fakeProm{values: map[string][]sample{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeProm) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries++
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/api/v1/query" || r.URL.Query().Get("time") == "" {
		w.WriteHeader(404)
		fmt.Fprint(w, `{"status":"error","errorType":"not_found","error":"want GET /api/v1/query with a time"}`)
		return
	}
	if f.down {
		w.WriteHeader(503)
		fmt.Fprint(w, `{"status":"error","errorType":"unavailable","error":"TSDB not ready"}`)
		return
	}
	result := []any{}
	for _, s := range f.values[r.URL.Query().Get("query")] {
		result = append(result, map[string]any{"metric": s.labels, "value": []any{1.7e9, s.value}})
	}
	json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "vector", "result": result}})
}

// set makes the rule's expression answer these samples.
func (f *fakeProm) set(ruleID string, samples ...sample) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range policy.Default().Detection.Rules {
		if r.ID == ruleID {
			f.values[r.Expr] = samples
			return
		}
	}
	panic("no rule " + ruleID)
}

func (f *fakeProm) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

// evalSetup is arqir with the built-in evaluator on a fake clock.
type evalSetup struct {
	t    *testing.T
	app  *app.App
	now  time.Time
	prom *fakeProm
	cfg  app.Config
}

func newEvalSetup(t *testing.T) *evalSetup {
	s := &evalSetup{t: t, now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), prom: newFakeProm(t)}
	s.cfg = app.Config{
		Addr:             "127.0.0.1:0",
		DB:               filepath.Join(t.TempDir(), "arqir.db"),
		Logger:           slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:              func() time.Time { return s.now },
		Out:              io.Discard,
		EvaluateURL:      s.prom.URL,
		EvaluateInterval: 30 * time.Second,
		EvaluateService:  "checkout",
	}
	s.open()
	return s
}

// open starts arqir without its loops (no Start): the test evaluates.
func (s *evalSetup) open() {
	a, err := app.New(context.Background(), s.cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	s.app = a
	s.t.Cleanup(func() { a.Close() })
}

// evaluateAt moves the clock by d and evaluates.
func (s *evalSetup) evaluateAt(d time.Duration) error {
	s.now = s.now.Add(d)
	return s.app.Evaluate(context.Background())
}

func (s *evalSetup) mustEvaluate(d time.Duration) {
	s.t.Helper()
	if err := s.evaluateAt(d); err != nil {
		s.t.Fatal(err)
	}
}

func (s *evalSetup) incidents() []*arqir.Incident {
	s.t.Helper()
	page, err := s.app.Store.Incidents(context.Background(), arqir.IncidentFilter{Limit: 100})
	if err != nil {
		s.t.Fatal(err)
	}
	return page.Incidents
}

func (s *evalSetup) alerts(status arqir.AlertStatus) []*arqir.Alert {
	s.t.Helper()
	page, err := s.app.Store.Alerts(context.Background(), arqir.AlertFilter{Status: status, Limit: 100})
	if err != nil {
		s.t.Fatal(err)
	}
	return page.Alerts
}

func (s *evalSetup) metrics() string {
	rec := httptest.NewRecorder()
	s.app.Handler.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

func (s *evalSetup) integrations() []*arqir.Integration {
	s.t.Helper()
	all, err := s.app.Store.Integrations(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return all
}

func cpu(instance, value string) sample {
	return sample{labels: map[string]string{"instance": instance}, value: value}
}

// D1 through the built-in evaluator: CPU above 80% opens nothing until it
// has held for 5 minutes, then opens a SEV3 incident of the evaluator's
// service, detected automatically; when CPU drops, the alert resolves and
// the timeline says so.
func TestD1_BuiltInEvaluatorFiresAfterFiveMinutesAndResolves(t *testing.T) {
	s := newEvalSetup(t)
	s.prom.set("D1", cpu("web-1:9100", "93.5"))
	s.mustEvaluate(0)
	s.mustEvaluate(4*time.Minute + 30*time.Second)
	if n := len(s.incidents()); n != 0 {
		t.Fatalf("%d incidents after 4m30s of high CPU, want none before 5 minutes", n)
	}
	s.mustEvaluate(30 * time.Second)
	incs := s.incidents()
	if len(incs) != 1 {
		t.Fatalf("%d incidents after 5 minutes, want 1", len(incs))
	}
	inc := incs[0]
	if inc.Severity != "SEV3" || !slices.Equal(inc.Services, []string{"checkout"}) ||
		inc.Detection != (arqir.Detection{Kind: arqir.DetectionAutomated, Source: "evaluator:prometheus-evaluator"}) {
		t.Errorf("incident %s: severity %s, services %v, detection %+v", inc.ID, inc.Severity, inc.Services, inc.Detection)
	}
	if want := s.now.Add(-5 * time.Minute); !inc.ImpactStartedAt.Equal(want) {
		t.Errorf("impact started %s, want when CPU first exceeded 80%%, %s", inc.ImpactStartedAt, want)
	}
	firing := s.alerts(arqir.AlertFiring)
	if len(firing) != 1 || firing[0].Labels["alertname"] != "CPU" || firing[0].Labels["rule"] != "D1" ||
		firing[0].Summary != "CPU > 80% for 5 minutes (D1): 93.5% (instance=web-1:9100)" || firing[0].Source != arqir.KindEvaluator {
		t.Fatalf("firing alerts %+v", firing)
	}
	if len(firing[0].Links) != 1 || !strings.HasPrefix(firing[0].Links[0], s.prom.URL+"/graph?g0.expr=") {
		t.Errorf("links %v, want the query in Prometheus's UI", firing[0].Links)
	}

	s.prom.set("D1", cpu("web-1:9100", "42"))
	s.mustEvaluate(30 * time.Second)
	if res := s.alerts(arqir.AlertResolved); len(res) != 1 {
		t.Fatalf("%d resolved alerts, want the CPU alert", len(res))
	}
	tl, err := s.app.Store.Timeline(context.Background(), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(tl, func(e arqir.TimelineEvent) bool { return e.Kind == arqir.EventAlertsResolved }) {
		t.Errorf("timeline lacks %s", arqir.EventAlertsResolved)
	}
}

// D3 fires at once (no for) and its service label names the service; the
// rule's severity is SEV2.
func TestD3_BuiltInEvaluatorErrorRateOpensSev2ForTheService(t *testing.T) {
	s := newEvalSetup(t)
	s.prom.set("D3", sample{labels: map[string]string{"service": "payments"}, value: "7.5"}, sample{labels: map[string]string{"service": "search"}, value: "0.2"})
	s.mustEvaluate(0)
	incs := s.incidents()
	if len(incs) != 1 || incs[0].Severity != "SEV2" || !slices.Equal(incs[0].Services, []string{"payments"}) {
		t.Fatalf("incidents %+v, want one SEV2 incident of payments", incs)
	}
}

// D2: memory above 85% for 5 minutes opens a SEV3 incident whose alert
// carries the memory_leak runbook (M1); exactly 85% is not above it.
func TestD2_BuiltInEvaluatorMemoryOver85For5MinutesOpensSev3WithRunbook(t *testing.T) {
	s := newEvalSetup(t)
	s.prom.set("D2", sample{labels: map[string]string{"instance": "db-1:9100"}, value: "91"}, sample{labels: map[string]string{"instance": "db-2:9100"}, value: "85"})
	s.mustEvaluate(0)
	s.mustEvaluate(4*time.Minute + 30*time.Second)
	if n := len(s.alerts("")); n != 0 {
		t.Fatalf("%d alerts before 5 minutes, want none", n)
	}
	s.mustEvaluate(30 * time.Second)
	f := s.alerts(arqir.AlertFiring)
	if len(f) != 1 || f[0].Labels["instance"] != "db-1:9100" || f[0].Severity != "SEV3" || f[0].Labels["alertname"] != "Memory" ||
		!strings.HasPrefix(f[0].Annotations["runbook"], "memory_leak: Memory Leak / High Memory Usage. 1. Identify memory-consuming processes;") {
		t.Fatalf("firing %+v, want db-1's memory alert at SEV3 with the memory_leak runbook", f)
	}
	if incs := s.incidents(); len(incs) != 1 || incs[0].Severity != "SEV3" {
		t.Errorf("incidents %+v, want one SEV3", incs)
	}
}

// D4: a p95 response time above 2 seconds opens a SEV3 incident of the
// service at once (the rule has no for); 1.9 s does not.
func TestD4_BuiltInEvaluatorP95Over2SecondsOpensSev3(t *testing.T) {
	s := newEvalSetup(t)
	s.prom.set("D4", sample{labels: map[string]string{"service": "search"}, value: "2.7"}, sample{labels: map[string]string{"service": "cart"}, value: "1.9"})
	s.mustEvaluate(0)
	f := s.alerts(arqir.AlertFiring)
	if len(f) != 1 || f[0].Service != "search" || f[0].Severity != "SEV3" || f[0].Summary != "Response time > 2 seconds (p95) (D4): 2.70 s (service=search)" {
		t.Fatalf("firing %+v, want search's latency alert at SEV3", f)
	}
	if incs := s.incidents(); len(incs) != 1 || !slices.Equal(incs[0].Services, []string{"search"}) {
		t.Errorf("incidents %+v, want one of search", incs)
	}
}

// A flapping error rate (above, below, above 5%) fires, resolves and fires
// the same alert again, which keeps one incident.
func TestD3_FlappingErrorRateKeepsOneIncident(t *testing.T) {
	s := newEvalSetup(t)
	for _, v := range []string{"9", "1", "9", "1", "9"} {
		s.prom.set("D3", sample{labels: map[string]string{"service": "payments"}, value: v})
		s.mustEvaluate(30 * time.Second)
	}
	if incs := s.incidents(); len(incs) != 1 {
		t.Errorf("%d incidents, want one for the flapping alert", len(incs))
	}
	if all := s.alerts(""); len(all) != 1 || all[0].Status != arqir.AlertFiring || all[0].Count != 3 {
		t.Errorf("alerts %+v, want one alert fired 3 times", all)
	}
}

// While Prometheus is down nothing is invented and nothing resolves: the
// errors are counted in /metrics, and alerts keep their state.
func TestEvaluator_QueryErrorsInventNothing(t *testing.T) {
	s := newEvalSetup(t)
	s.prom.set("D3", sample{labels: map[string]string{"service": "payments"}, value: "9"})
	s.mustEvaluate(0)
	s.prom.setDown(true)
	err := s.evaluateAt(30 * time.Second)
	if err == nil || !strings.Contains(err.Error(), "TSDB not ready") {
		t.Fatalf("Evaluate: %v, want the query error", err)
	}
	if !strings.Contains(s.metrics(), `arqir_evaluator_errors_total{stage="query"} 4`) {
		t.Errorf("/metrics lacks 4 query errors (one per rule):\n%s", grep(s.metrics(), "arqir_evaluator"))
	}
	if f := s.alerts(arqir.AlertFiring); len(f) != 1 {
		t.Errorf("%d firing alerts during the outage, want the one that fired before", len(f))
	}
	// Back up, the condition gone: now it resolves.
	s.prom.setDown(false)
	s.prom.set("D3")
	s.mustEvaluate(30 * time.Second)
	if f := s.alerts(arqir.AlertFiring); len(f) != 0 {
		t.Errorf("%d firing alerts, want it resolved", len(f))
	}
}

// A down Prometheus at the first start opens nothing either.
func TestEvaluator_DownFromTheStartOpensNothing(t *testing.T) {
	s := newEvalSetup(t)
	s.prom.setDown(true)
	for i := 0; i < 12; i++ {
		s.evaluateAt(30 * time.Second)
	}
	if n := len(s.alerts("")); n != 0 {
		t.Errorf("%d alerts with Prometheus down, want none", n)
	}
}

// After a restart the evaluator keeps its integration and reads the firing
// alert back, so a condition that cleared meanwhile resolves it.
func TestEvaluator_RestartResolvesWhatClearedMeanwhile(t *testing.T) {
	s := newEvalSetup(t)
	s.prom.set("D3", sample{labels: map[string]string{"service": "payments"}, value: "9"})
	s.mustEvaluate(0)
	s.app.Close()
	s.prom.set("D3")
	s.open()
	s.mustEvaluate(time.Minute)
	if f := s.alerts(arqir.AlertFiring); len(f) != 0 {
		t.Errorf("%d firing alerts after the restart, want the cleared one resolved", len(f))
	}
	if n := len(s.integrations()); n != 1 {
		t.Errorf("%d integrations after a restart, want the one evaluator integration", n)
	}
}

// The interval is honoured, and a revoked integration is no longer
// queried.
func TestEvaluator_IntervalAndRevoke(t *testing.T) {
	s := newEvalSetup(t)
	s.mustEvaluate(0)
	s.mustEvaluate(10 * time.Second) // not due yet
	if s.prom.queries != 4 {
		t.Errorf("%d queries, want 4 (one per rule, once in 30s)", s.prom.queries)
	}
	in := s.integrations()[0]
	if in.Kind != arqir.KindEvaluator || in.Service != "checkout" || in.Setting(arqir.SettingPrometheusURL) != s.prom.URL || in.Setting(arqir.SettingInterval) != "30s" {
		t.Errorf("integration %+v", in)
	}
	if err := s.app.Store.RevokeIntegration(context.Background(), in.ID); err != nil {
		t.Fatal(err)
	}
	s.mustEvaluate(time.Minute)
	if s.prom.queries != 4 {
		t.Errorf("%d queries after revoking, want no more", s.prom.queries)
	}
}

// An integration created through the API with a prometheus_url is
// evaluated too, at its own interval.
func TestEvaluator_IntegrationFromTheAPI(t *testing.T) {
	s := newEvalSetup(t)
	other := newFakeProm(t)
	other.set("D3", sample{labels: map[string]string{"service": "search"}, value: "50"})
	_, in, err := s.app.Store.CreateIntegration(context.Background(), arqir.NewIntegration{
		Name: "staging-prometheus", Kind: arqir.KindEvaluator,
		Settings: map[string]string{arqir.SettingPrometheusURL: other.URL, arqir.SettingInterval: "10s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.mustEvaluate(0)
	f := s.alerts(arqir.AlertFiring)
	if len(f) != 1 || f[0].IntegrationID != in.ID || f[0].Service != "search" {
		t.Fatalf("firing %+v, want search's alert from the API's integration", f)
	}
}

func TestEvaluator_BadFlagsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		url      string
		interval time.Duration
		msg      string
	}{
		{"127.0.0.1:9090", 0, "--evaluate-url"},
		{"http://127.0.0.1:9090", 500 * time.Millisecond, "--evaluate-interval 500ms: give a duration from 1s to 1h"},
		{"http://127.0.0.1:9090", 2 * time.Hour, "--evaluate-interval 2h0m0s"},
	} {
		_, err := app.New(context.Background(), app.Config{
			DB: filepath.Join(t.TempDir(), "arqir.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Out: io.Discard,
			EvaluateURL: tc.url, EvaluateInterval: tc.interval,
		})
		if arqir.ErrorCode(err) != arqir.EINVALID || !strings.Contains(arqir.ErrorMessage(err), tc.msg) {
			t.Errorf("%s every %s: %v, want EINVALID …%s…", tc.url, tc.interval, err, tc.msg)
		}
	}
}

func grep(text, word string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
