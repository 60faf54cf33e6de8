package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// The webhook payload of Alertmanager's documentation opens one incident
// for its group: SEV1 from the alerts' severity "critical", the
// integration's service, detected automatically by the integration, impact
// from the earliest alert's start.
func TestIngest_AlertmanagerSampleOpensIncident(t *testing.T) {
	h := newHarness(t)
	am := h.integration(arqir.KindAlertmanager, "checkout")
	rc := h.bearer(am, "/ingest/alertmanager", fixture(t, "alertmanager", "alertmanager-v4.json")).want(t, 200, `"status":"accepted"`).receipt(t)
	if len(rc.Alerts) != 2 || len(rc.Incidents) != 1 || rc.Replayed {
		t.Fatalf("receipt %+v, want 2 alerts in 1 incident", rc)
	}
	inc := h.only()
	wantOpened(t, inc, am, "SEV1", "checkout")
	if want := time.Date(2026, 3, 2, 9, 20, 0, 123e6, time.UTC); !inc.ImpactStartedAt.Equal(want) {
		t.Errorf("impact started %s, want the first alert's start %s", inc.ImpactStartedAt, want)
	}
	if !inc.DetectedAt.Equal(start) {
		t.Errorf("detected %s, want when the first alert arrived, %s", inc.DetectedAt, start)
	}
	alerts := h.alerts(client.AlertListOptions{Incident: inc.ID.String()})
	if len(alerts) != 2 {
		t.Fatalf("%d alerts on %s, want 2", len(alerts), inc.ID)
	}
	for _, a := range alerts {
		if a.Status != arqir.AlertFiring || a.Source != arqir.KindAlertmanager || a.Count != 1 || a.Labels["alertname"] != "HighCPU" {
			t.Errorf("alert %+v", a)
		}
	}
	if k := kinds(h.timeline(inc.ID)); !strings.Contains(strings.Join(k, ","), arqir.EventAlertAttached) {
		t.Errorf("timeline %v lacks the alerts", k)
	}
}

// D1: an alert named after the policy's CPU rule opens the rule's severity,
// SEV3, whatever severity word the sender put on it.
func TestD1_AlertmanagerCPURuleOpensRuleSeverity(t *testing.T) {
	h := newHarness(t)
	am := h.integration(arqir.KindAlertmanager, "checkout")
	body := replace(t, fixture(t, "alertmanager", "alertmanager-v4.json"), `"alertname": "HighCPU"`, `"alertname": "CPU"`)
	h.bearer(am, "/ingest/alertmanager", body).want(t, 200)
	wantOpened(t, h.only(), am, "SEV3", "checkout")

	// The rule's ID in a "rule" label works as well.
	h2 := newHarness(t)
	am2 := h2.integration(arqir.KindAlertmanager, "checkout")
	body = replace(t, fixture(t, "alertmanager", "alertmanager-v4.json"), `"job": "node", "severity": "critical"}`, `"job": "node", "severity": "critical", "rule": "D1"}`)
	h2.bearer(am2, "/ingest/alertmanager", body).want(t, 200)
	wantOpened(t, h2.only(), am2, "SEV3", "checkout")
}

// D3: an alert named after the request error rate rule opens SEV2, and its
// "service" label names the service.
func TestD3_AlertmanagerErrorRateRuleOpensSev2(t *testing.T) {
	h := newHarness(t)
	am := h.integration(arqir.KindAlertmanager, "platform")
	body := fixture(t, "alertmanager", "alertmanager-v4.json")
	body = replace(t, body, `"alertname": "HighCPU", "instance"`, `"alertname": "RequestErrorRate", "service": "payments", "instance"`)
	h.bearer(am, "/ingest/alertmanager", body).want(t, 200)
	wantOpened(t, h.only(), am, "SEV2", "payments")
}

// A sender's retry of the same request is answered from the first result
// (replayed) and never creates a second alert or incident, nor bumps the
// count.
func TestIngest_RetryNeverDoublesAnAlert(t *testing.T) {
	h := newHarness(t)
	am := h.integration(arqir.KindAlertmanager, "checkout")
	body := fixture(t, "alertmanager", "alertmanager-v4.json")
	first := h.bearer(am, "/ingest/alertmanager", body).want(t, 200).receipt(t)
	before := h.dump()
	h.Clock.Advance(10 * time.Second)
	again := h.bearer(am, "/ingest/alertmanager", body).want(t, 200).receipt(t)
	if !again.Replayed || len(again.Alerts) != 2 || again.Alerts[0].ID != first.Alerts[0].ID || again.Incidents[0] != first.Incidents[0] {
		t.Fatalf("retry answered %+v, want the first result %+v, replayed", again, first)
	}
	h.unchanged(before)
}

// A repeat of a firing alert (Alertmanager's repeat_interval, a new
// notification) updates the alert's count and last-seen time and opens
// nothing new; a resolve closes the alert and the incident's timeline says
// all alerts resolved.
func TestIngest_DuplicateUpdatesCountAndResolveClosesTheAlert(t *testing.T) {
	h := newHarness(t)
	am := h.integration(arqir.KindAlertmanager, "checkout")
	body := fixture(t, "alertmanager", "alertmanager-v4.json")
	h.bearer(am, "/ingest/alertmanager", body).want(t, 200)
	inc := h.only()

	h.Clock.Advance(4 * time.Hour)
	repeat := replace(t, body, `"notification_reason": "new alerts"`, `"notification_reason": "repeat interval"`)
	rc := h.bearer(am, "/ingest/alertmanager", repeat).want(t, 200).receipt(t)
	if rc.Replayed || len(rc.Alerts) != 2 {
		t.Fatalf("repeat answered %+v, want it applied to the 2 alerts", rc)
	}
	if n := len(h.incidents()); n != 1 {
		t.Fatalf("%d incidents after a repeat, want 1", n)
	}
	for _, a := range h.alerts(client.AlertListOptions{}) {
		if a.Count != 2 || !a.LastSeenAt.Equal(h.Clock.Now()) || !a.ReceivedAt.Equal(start) || a.IncidentID == nil || *a.IncidentID != inc.ID {
			t.Errorf("alert %s after a repeat: count %d, last seen %s, received %s", a.DedupKey, a.Count, a.LastSeenAt, a.ReceivedAt)
		}
	}

	h.Clock.Advance(time.Minute)
	resolved := body
	resolved = strings.ReplaceAll(resolved, `"status": "firing"`, `"status": "resolved"`)
	resolved = replace(t, resolved, `"endsAt": "0001-01-01T00:00:00Z"`, `"endsAt": "2026-03-02T09:40:00Z"`)
	h.bearer(am, "/ingest/alertmanager", resolved).want(t, 200)
	for _, a := range h.alerts(client.AlertListOptions{}) {
		if a.Status != arqir.AlertResolved || a.ResolvedAt == nil {
			t.Errorf("alert %s is %s after the resolve", a.DedupKey, a.Status)
		}
	}
	if got := h.alerts(client.AlertListOptions{Status: "firing"}); len(got) != 0 {
		t.Errorf("%d alerts still firing", len(got))
	}
	tl := kinds(h.timeline(inc.ID))
	if tl[len(tl)-1] != arqir.EventAlertsResolved {
		t.Errorf("timeline ends %v, want %s", tl, arqir.EventAlertsResolved)
	}
	// SEV1 does not auto-resolve (C3): a person confirms.
	if got := h.incident(inc.ID); got.Status != arqir.StatusInvestigating {
		t.Errorf("%s is %s, want it left open for a person", got.ID, got.Status)
	}
}
