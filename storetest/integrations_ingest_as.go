package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// Conformance of AlertService.IngestAs (registered in integrations.go):
// ingest may authenticate a sender from a cache some seconds old only
// because the store refuses, in the transaction that would store the
// events, a credential that stopped working since it was checked.

// testIngestAsRevoked: a revocation on another replica refuses the
// request at once, and nothing of it is stored.
func testIngestAsRevoked(e *env) {
	e.useAlertRules()
	in, secrets := e.newIntegration(arqir.KindAlertmanager, "prom", "platform")
	checked, err := e.st.AuthenticateIntegration(e.ctx, arqir.KindAlertmanager, secrets.Credential)
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if err := e.anotherWithAlertRules().RevokeIntegration(e.ctx, in.ID); err != nil {
		e.t.Fatal(err)
	}
	_, err = e.st.IngestAs(e.ctx, checked, "req-1", []arqir.AlertEvent{firing("fp-1", "alertname", "CPU")})
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	if msg := arqir.ErrorMessage(err); !strings.Contains(msg, "revoked at "+micro(Start.Add(time.Minute)).Format(time.RFC3339)) {
		e.t.Errorf("message %q: want when it was revoked", msg)
	}
	if n := len(e.allAlerts(arqir.AlertFilter{})); n != 0 {
		e.t.Fatalf("%d alerts stored for a revoked integration", n)
	}
	e.wantIncidents(0, "a refused request opens nothing")
}

// testIngestAsRotated: after a rotation on another replica, a request
// checked with the old credential is refused, a retry of a request stored
// before included (it gets no earlier result), and stores nothing; the
// integration as rotated is taken at once.
func testIngestAsRotated(e *env) {
	e.useAlertRules()
	in, _ := e.newIntegration(arqir.KindAlertmanager, "prom", "platform")
	first, err := e.st.IngestAs(e.ctx, in, "req-1", []arqir.AlertEvent{firing("fp-1", "alertname", "CPU")})
	if err != nil {
		e.t.Fatal(err)
	}
	other := e.anotherWithAlertRules()
	e.clock.Advance(time.Hour)
	_, rotated, err := other.RotateIntegration(e.ctx, in.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, tc := range []struct {
		name, key string
		ev        arqir.AlertEvent
	}{
		{"a retry of a stored request", "req-1", firing("fp-1", "alertname", "CPU")},
		{"a new request", "req-2", firing("fp-2", "alertname", "Disk")},
		{"a request without a key", "", firing("fp-1", "alertname", "CPU")},
	} {
		res, err := e.st.IngestAs(e.ctx, in, tc.key, []arqir.AlertEvent{tc.ev})
		if arqir.ErrorCode(err) != arqir.EUNAUTHORIZED || res != nil {
			e.t.Fatalf("%s with the credential checked before the rotation: %+v, %v; want EUNAUTHORIZED", tc.name, res, err)
		}
		if msg := arqir.ErrorMessage(err); !strings.Contains(msg, "rotated at "+micro(Start.Add(time.Hour)).Format(time.RFC3339)) || !strings.Contains(msg, "send the new credential") {
			e.t.Errorf("%s: message %q: want when it was rotated and what to do", tc.name, msg)
		}
	}
	alerts := e.allAlerts(arqir.AlertFilter{})
	if len(alerts) != 1 || alerts[0].Count != 1 {
		e.t.Fatalf("alerts after refused requests: %d (first count %d), want the one stored before, unchanged", len(alerts), alerts[0].Count)
	}
	e.wantIncidents(1, "refused requests open nothing")

	// The integration as rotated: the retry is answered from the first
	// result, a new request is stored.
	again, err := e.st.IngestAs(e.ctx, rotated, "req-1", []arqir.AlertEvent{firing("fp-1", "alertname", "CPU")})
	if err != nil || !again.Replayed {
		e.t.Fatalf("the retry as rotated: %+v, %v; want it replayed", again, err)
	}
	equal(e.t, "the replayed alerts", alertIDs(again.Alerts), alertIDs(first.Alerts))
	if _, err := e.st.IngestAs(e.ctx, rotated, "req-2", []arqir.AlertEvent{firing("fp-2", "alertname", "Disk")}); err != nil {
		e.t.Fatalf("a new request as rotated: %v", err)
	}

	// A second rotation stops the first rotation's credential too.
	e.clock.Advance(time.Hour)
	if _, _, err := other.RotateIntegration(e.ctx, in.ID); err != nil {
		e.t.Fatal(err)
	}
	_, err = e.st.IngestAs(e.ctx, rotated, "req-3", []arqir.AlertEvent{firing("fp-3")})
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	if n := len(e.allAlerts(arqir.AlertFilter{})); n != 2 {
		e.t.Fatalf("%d alerts, want 2: the request after the second rotation stored one", n)
	}
}

// testIngestAsCurrent: with the integration as stored, IngestAs is Ingest:
// the same alert, incident and idempotency.
func testIngestAsCurrent(e *env) {
	in := e.prom()
	res, err := e.st.IngestAs(e.ctx, in, "req-1", []arqir.AlertEvent{firing("fp-1", "alertname", "CPU")})
	if err != nil {
		e.t.Fatal(err)
	}
	if res.Replayed || len(res.Alerts) != 1 || len(res.Incidents) != 1 {
		e.t.Fatalf("result %+v: want one new alert in one incident", res)
	}
	a := e.alert(res.Alerts[0].ID)
	if a.IntegrationID != in.ID || a.Source != arqir.KindAlertmanager || a.Service != "platform" || a.IncidentID == nil || *a.IncidentID != res.Incidents[0] {
		e.t.Fatalf("stored alert %+v", a)
	}
	// Ingest and IngestAs share the request keys: one is a retry of the other.
	again := e.ingest(in, "req-1", firing("fp-1", "alertname", "CPU"))
	if !again.Replayed {
		e.t.Fatal("Ingest after IngestAs with the same key was applied again")
	}
	equal(e.t, "the replayed alerts", alertIDs(again.Alerts), alertIDs(res.Alerts))
}
