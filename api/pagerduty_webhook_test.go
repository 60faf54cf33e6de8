package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// pagerDutyPlanner mirrors each new incident to PagerDuty (R4, T1), as
// escalate plans it: one trigger with the incident ID as dedup_key.
type pagerDutyPlanner struct{}

func (pagerDutyPlanner) Plan(before, after *arqir.Incident, _ []arqir.TimelineEvent, _ time.Time) arqir.Plan {
	if before != nil {
		return arqir.Plan{}
	}
	return arqir.Plan{Notify: []arqir.NotificationIntent{{
		Key: after.ID.String() + "/pagerduty/trigger", Purpose: arqir.PurposeStatusSync, Target: "pagerduty", Channel: arqir.ChannelPagerDuty,
		Recipient: "PagerDuty", Message: arqir.Message{IncidentID: after.ID, Title: after.Title, Severity: after.Severity, Status: after.Status,
			Headline: "[" + after.Severity + "] " + after.ID.String() + " " + after.Title, Event: arqir.EventActionTrigger},
	}}}
}

// triggered delivers the PagerDuty triggers queued so far, as PagerDuty
// answers them: 202 with the dedup_key, which the incident records.
func triggered(t *testing.T, srv *testserver.Server) {
	t.Helper()
	ctx := t.Context()
	claimed, err := srv.Store.ClaimNotifications(ctx, srv.Now(), time.Minute, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range claimed {
		d := arqir.Delivery{State: arqir.NotificationDelivered}
		if n.Channel == arqir.ChannelPagerDuty {
			d.ProviderRef, d.Refs = n.IncidentID.String(), map[string]string{arqir.RefPagerDutyDedupKey: n.IncidentID.String()}
		}
		if err := srv.Store.FinishNotification(ctx, n.ID, n.Attempts, d, srv.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

// pagerDutyEvent is a V3 webhook body (developer.pagerduty.com, Webhooks
// → Overview) about the PagerDuty incident whose incident_key is key.
func pagerDutyEvent(eventType, key, agent string) string {
	ev := map[string]any{"event": map[string]any{
		"id": "5ac64822-4adc-4fda-ade0-410becf0de4f", "event_type": eventType, "resource_type": "incident",
		"occurred_at": "2025-03-03T09:03:22.169Z",
		"agent": map[string]any{"html_url": "https://acme.pagerduty.com/users/PLH1HKV", "id": "PLH1HKV",
			"self": "https://api.pagerduty.com/users/PLH1HKV", "summary": agent, "type": "user_reference"},
		"client": map[string]any{"name": "PagerDuty"},
		"data": map[string]any{"id": "PGR0VU2", "type": "incident", "self": "https://api.pagerduty.com/incidents/PGR0VU2",
			"html_url": "https://acme.pagerduty.com/incidents/PGR0VU2", "number": 2, "status": "acknowledged",
			"incident_key": key, "created_at": "2025-03-03T09:00:27Z", "title": "[SEV2] " + key + " Checkout errors",
			"service":  map[string]any{"id": "PF9KMXH", "summary": "API Service", "type": "service_reference"},
			"urgency":  "high",
			"priority": nil, "resolve_reason": nil},
	}}
	b, _ := json.Marshal(ev)
	return string(b)
}

func pagerDutySign(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

func pagerDutyPost(t *testing.T, srv *testserver.Server, body, signature string) reply {
	t.Helper()
	return call(t, srv, "POST", "/api/v1/pagerduty/webhook", "", body, "Content-Type", "application/json", "X-PagerDuty-Signature", signature)
}

type pagerDutyAnswer struct {
	Result, Incident, Reason string
}

func (r reply) pagerDuty(t *testing.T) pagerDutyAnswer {
	t.Helper()
	r.wantStatus(t, http.StatusOK)
	var a pagerDutyAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return a
}

// R4, T1: acknowledging in PagerDuty acknowledges the arqir incident that
// triggered the PagerDuty incident, as pagerduty:<who>, and ticks R1. A
// signature made with the old secret during rotation still counts.
func TestR4_PagerDutyAcknowledgementAcknowledgesTheIncident(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	srv.Store.SetPlanner(pagerDutyPlanner{})
	declare(t, srv, "")
	triggered(t, srv)
	if key := incidentNow(t, srv, 1).Refs[arqir.RefPagerDutyDedupKey]; key != "INC-1" {
		t.Fatalf("the incident recorded dedup key %q", key)
	}
	srv.Advance(3 * time.Minute)
	body := pagerDutyEvent("incident.acknowledged", "INC-1", "Tenex Engineer")
	sig := pagerDutySign("the-previous-secret", body) + "," + pagerDutySign(testPagerDutySecret, body)
	r := pagerDutyPost(t, srv, body, sig)
	if a := r.pagerDuty(t); a.Result != "acknowledged" || a.Incident != "INC-1" {
		t.Errorf("answer %+v", a)
	}
	inc := incidentNow(t, srv, 1)
	if inc.AcknowledgedBy != "pagerduty:Tenex Engineer" || inc.AcknowledgedAt == nil || !inc.AcknowledgedAt.Equal(srv.Now()) {
		t.Fatalf("acknowledged by %q at %v", inc.AcknowledgedBy, inc.AcknowledgedAt)
	}
	if !checklistItem(t, inc, "R1").Done {
		t.Error("R1 is not ticked")
	}
	for _, e := range timeline(t, srv, 1) {
		if e.Kind == arqir.EventAcknowledged && e.Source != arqir.SourcePagerDuty {
			t.Errorf("acknowledged through %s, want pagerduty", e.Source)
		}
	}

	// PagerDuty delivers at least once, and arqir's own acknowledgement comes
	// back as a webhook too: both are no-ops.
	before := srv.Dump(t)
	if a := pagerDutyPost(t, srv, body, pagerDutySign(testPagerDutySecret, body)).pagerDuty(t); a.Result != "already_acknowledged" ||
		!strings.Contains(a.Reason, "pagerduty:Tenex Engineer") {
		t.Errorf("again: %+v", a)
	}
	srv.Unchanged(t, before)
	noSecretIn(t, srv, r)
}

// Whatever arqir does not act on is answered 200 with the reason, so that
// PagerDuty neither retries it nor disables the subscription; nothing changes.
func TestPagerDutyWebhookIgnoresWhatIsNotOurs(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	srv.Store.SetPlanner(nil)
	declare(t, srv, "") // INC-1: never sent to PagerDuty
	srv.Store.SetPlanner(pagerDutyPlanner{})
	declare(t, srv, `{"title":"Resolved one","severity":"SEV2"}`) // INC-2
	triggered(t, srv)
	call(t, srv, "POST", "/api/v1/incidents/INC-2/resolve", srv.Responder, `{"root_cause":"x","customer_impact":"none"}`).wantStatus(t, http.StatusOK)
	cases := []struct {
		name, body, result, says string
	}{
		{"other event type", pagerDutyEvent("incident.triggered", "INC-2", "x"), "ignored", "incident.triggered"},
		{"ping", `{"event":{"id":"01","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2025-03-03T09:00:00Z","agent":null,"client":null,"data":{"message":"Hello from your friend Pagey!","type":"ping"}}}`, "ignored", "pagey.ping"},
		{"unknown incident", pagerDutyEvent("incident.acknowledged", "INC-99", "x"), "ignored", "no arqir incident"},
		{"not an arqir key", pagerDutyEvent("incident.acknowledged", "d3640fbd41094207a1c11e58e46b1662", "x"), "ignored", "no arqir incident"},
		{"arqir never triggered it", pagerDutyEvent("incident.acknowledged", "INC-1", "x"), "ignored", "no arqir incident"},
		{"resolved", pagerDutyEvent("incident.acknowledged", "INC-2", "x"), "ignored", "resolved"},
	}
	for _, c := range cases {
		before := srv.Dump(t)
		a := pagerDutyPost(t, srv, c.body, pagerDutySign(testPagerDutySecret, c.body)).pagerDuty(t)
		if a.Result != c.result || !strings.Contains(a.Reason, c.says) {
			t.Errorf("%s: %+v, want %s saying %q", c.name, a, c.result, c.says)
		}
		srv.Unchanged(t, before)
	}
}

// Only PagerDuty may use the webhook: a missing or wrong signature is
// refused 401, a signed body that is not a webhook 400; nothing changes.
func TestPagerDutyWebhookSignatureIsVerified(t *testing.T) {
	t.Parallel()
	srv := pagingServer(t, nil)
	srv.Store.SetPlanner(pagerDutyPlanner{})
	declare(t, srv, "")
	triggered(t, srv)
	body := pagerDutyEvent("incident.acknowledged", "INC-1", "Mallory")
	good := pagerDutySign(testPagerDutySecret, body)
	cases := []struct {
		name, body, sig string
		status          int
	}{
		{"no signature", body, "", 401},
		{"wrong secret", body, pagerDutySign("guessed", body), 401},
		{"body changed", strings.Replace(body, "Mallory", "Ada", 1), good, 401},
		{"other version", body, strings.Replace(good, "v1=", "v0=", 1), 401},
		{"truncated", body, good[:20], 401},
		{"not hex", body, "v1=zz", 401},
		{"not JSON", "{event", pagerDutySign(testPagerDutySecret, "{event"), 400},
		{"no event type", `{"event":{}}`, pagerDutySign(testPagerDutySecret, `{"event":{}}`), 400},
	}
	var answers []reply
	for _, c := range cases {
		before := srv.Dump(t)
		r := pagerDutyPost(t, srv, c.body, c.sig)
		answers = append(answers, r)
		if r.status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, r.status, r.body, c.status)
		}
		srv.Unchanged(t, before)
	}
	noSecretIn(t, srv, answers...)
	if incidentNow(t, srv, 1).AcknowledgedAt != nil {
		t.Error("an unsigned webhook acknowledged the incident")
	}
}

// Without a secret the webhook route is not there.
func TestPagerDutyWebhookNotConfigured(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	body := pagerDutyEvent("incident.acknowledged", "INC-1", "x")
	r := pagerDutyPost(t, srv, body, pagerDutySign(testPagerDutySecret, body)).wantStatus(t, http.StatusNotFound)
	if !strings.Contains(r.errorBody(t).Error.Message, "PagerDuty webhooks are not configured") {
		t.Errorf("%s", r.body)
	}
}
