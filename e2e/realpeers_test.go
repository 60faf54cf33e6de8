package e2e

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/cli"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/policy"
	"github.com/arqir/arqir/promapi"
)

// The "done when": a real Alertmanager, fed by a real Prometheus,
// opens and resolves an arqir incident. Prometheus scrapes a test exporter
// and evaluates the rule file `arqir rules export` writes (D1's name, id,
// threshold, severity and labels, its for shortened to 2s, its expression
// reading the exporter's CPU gauge; see cpuExporter for why not the default
// expression, which TestD1_DefaultExpressionOnRealPrometheus checks on its
// own); Alertmanager delivers to arqir's webhook with the integration's
// credential. These tests run on the real clock: they poll with deadlines
// and never assert how fast anything happens.

// realClock runs arqir on the wall clock, as the peers do.
func realClock(c *app.Config) { c.Now = time.Now }

// D1 through Prometheus → Alertmanager → arqir: CPU above 80% opens a SEV3
// incident (the rule's severity) of the integration's service; CPU back
// down resolves the alert, which the timeline records.
func TestD1_RealPrometheusAlertmanagerOpensAndResolvesAnIncident(t *testing.T) {
	t.Parallel()
	peerBinary(t, "prometheus")
	peerBinary(t, "prometheus-alertmanager")
	h := newHarness(t, realClock)
	am := h.integration(arqir.KindAlertmanager, "checkout")

	rules := filepath.Join(t.TempDir(), "arqir-rules.yml")
	var out bytes.Buffer
	args := []string{"rules", "export", "--format", "prometheus", "--policy", testPolicy(t, "5m"), "--for-override", "2s", "-o", rules}
	if code := cli.Main(args, strings.NewReader(""), &out, &out); code != 0 {
		t.Fatalf("rules export: exit %d: %s", code, out.String())
	}
	exporter := newCPUExporter(t, true)
	alertmanager := startAlertmanager(t, h.App.URL()+"/ingest/alertmanager", am.Credential)
	prom := startPrometheus(t, exporter.URL, rules, alertmanager.url)

	inc := waitIncident(t, h, prom)
	wantOpened(t, inc, am, "SEV3", "checkout")
	alerts := h.alerts(client.AlertListOptions{Incident: inc.ID.String()})
	if len(alerts) != 1 {
		t.Fatalf("%d alerts on %s, want the one CPU alert", len(alerts), inc.ID)
	}
	a := alerts[0]
	if a.Source != arqir.KindAlertmanager || a.Labels["alertname"] != "CPU" || a.Labels["rule"] != "D1" || a.Labels["severity"] != "SEV3" ||
		a.Labels["instance"] != strings.TrimPrefix(exporter.URL, "http://") || a.Annotations["summary"] != "CPU > 80% for 5 minutes (D1): now 95.0%" {
		t.Errorf("alert %+v, want Prometheus's CPU alert of the exporter's instance", a)
	}

	exporter.setBusy(false)
	waitResolved(t, h, inc, prom)
	if n := len(h.incidents()); n != 1 {
		t.Errorf("%d incidents, want the one", n)
	}
}

// D1 through arqir's built-in evaluator querying the same kind of real
// Prometheus (no Alertmanager): the same incident opens and resolves,
// detected by the evaluator integration `serve --evaluate-url` creates.
func TestD1_BuiltInEvaluatorAgainstRealPrometheusOpensAndResolves(t *testing.T) {
	t.Parallel()
	exporter := newCPUExporter(t, true)
	prom := startPrometheus(t, exporter.URL, "", "")
	h := newHarness(t, realClock, func(c *app.Config) {
		c.PolicyFile = testPolicy(t, "2s")
		c.EvaluateURL, c.EvaluateInterval, c.EvaluateService = prom.url, time.Second, "checkout"
	})

	inc := waitIncident(t, h, prom)
	want := arqir.Detection{Kind: arqir.DetectionAutomated, Source: "evaluator:prometheus-evaluator"}
	if inc.Severity != "SEV3" || !slices.Equal(inc.Services, []string{"checkout"}) || inc.Detection != want || inc.Status != arqir.StatusInvestigating {
		t.Errorf("incident %s: %s %v %+v %s, want SEV3 of checkout detected by %+v", inc.ID, inc.Severity, inc.Services, inc.Detection, inc.Status, want)
	}
	alerts := h.alerts(client.AlertListOptions{Incident: inc.ID.String()})
	if len(alerts) != 1 {
		t.Fatalf("%d alerts on %s, want the evaluator's D1 alert", len(alerts), inc.ID)
	}
	a := alerts[0]
	if a.Source != arqir.KindEvaluator || a.Labels["alertname"] != "CPU" || a.Labels["rule"] != "D1" ||
		a.Labels["instance"] != strings.TrimPrefix(exporter.URL, "http://") || a.Summary != "CPU > 80% for 2 seconds (D1): 95.0% (instance="+a.Labels["instance"]+")" {
		t.Errorf("alert %+v, want the evaluator's D1 alert of the exporter's instance", a)
	}

	exporter.setBusy(false)
	waitResolved(t, h, inc, prom)
}

// D1's default expression, on a real Prometheus scraping node_exporter's
// CPU counters, gives one value per instance: the busy CPU's, above 80%.
func TestD1_DefaultExpressionOnRealPrometheus(t *testing.T) {
	t.Parallel()
	exporter := newCPUExporter(t, true)
	prom := startPrometheus(t, exporter.URL, "", "")
	c, err := promapi.New(prom.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	expr := policy.Default().Detection.Rules[0].Expr
	var got []promapi.Sample
	eventually(t, 30*time.Second, "a value of "+expr, func() bool {
		got, err = c.Query(context.Background(), expr, time.Now())
		if err != nil {
			t.Fatalf("Prometheus refused D1's default expression: %v", err)
		}
		return len(got) > 0
	})
	if len(got) != 1 || got[0].Labels["instance"] != strings.TrimPrefix(exporter.URL, "http://") || got[0].Value <= 80 || got[0].Value > 100 {
		t.Errorf("got %+v, want one sample of the exporter's instance above 80", got)
	}
}

// waitIncident waits for the first incident to open.
func waitIncident(t *testing.T, h *harness, prom *peer) *arqir.Incident {
	t.Helper()
	var inc *arqir.Incident
	eventually(t, 45*time.Second, "an incident", func() bool {
		if incs := h.incidents(); len(incs) > 0 {
			inc = incs[0]
			return true
		}
		return false
	})
	return inc
}

// waitResolved waits until every alert of the incident has resolved and
// checks the timeline says so.
func waitResolved(t *testing.T, h *harness, inc *arqir.Incident, prom *peer) {
	t.Helper()
	eventually(t, 45*time.Second, "the CPU alert to resolve", func() bool {
		for _, a := range h.alerts(client.AlertListOptions{Incident: inc.ID.String()}) {
			if a.Status != arqir.AlertResolved {
				return false
			}
		}
		return true
	})
	if k := kinds(h.timeline(inc.ID)); !slices.Contains(k, arqir.EventAlertsResolved) {
		t.Errorf("timeline %v lacks %s (CPU now: %s)", k, arqir.EventAlertsResolved, cpuNow(prom))
	}
	if got := h.incident(inc.ID); got.Status == arqir.StatusResolved {
		t.Errorf("%s resolved by itself; SEV3 does not auto-resolve in the default policy", inc.ID)
	}
}
