package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// grafanaSignature is Grafana's HMAC: hex(HMAC-SHA256(secret, [ts ":"] body)).
func grafanaSignature(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	if ts != "" {
		m.Write([]byte(ts + ":"))
	}
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

// The example payload of Grafana's webhook documentation opens one incident
// per alert group (alertname differs), at the default severity SEV3, for
// the integration's service; Grafana may PUT.
func TestIngest_GrafanaSampleOpensIncidents(t *testing.T) {
	h := newHarness(t)
	gf := h.integration(arqir.KindGrafana, "web")
	rc := h.send("PUT", "/ingest/grafana", fixture(t, "alertmanager", "grafana-v1.json"), "Authorization", "Bearer "+gf.Credential).want(t, 200).receipt(t)
	if len(rc.Alerts) != 2 || len(rc.Incidents) != 2 {
		t.Fatalf("receipt %+v, want 2 alerts in 2 incidents", rc)
	}
	for _, inc := range h.incidents() {
		wantOpened(t, inc, gf, "SEV3", "web")
	}
}

// With require_signature, an unsigned or wrongly signed request is refused
// (401) and stores nothing; the right HMAC of the body is accepted. A
// credential alone cannot forge it: the key is the signing secret.
func TestIngest_GrafanaHMACSignature(t *testing.T) {
	h := newHarness(t)
	gf := h.integration(arqir.KindGrafana, "web", arqir.SettingRequireSignature, "true")
	body := fixture(t, "alertmanager", "grafana-v1.json")
	before := h.dump()
	h.bearer(gf, "/ingest/grafana", body).want(t, 401, "not signed", "X-Grafana-Alert-Signature")
	h.bearer(gf, "/ingest/grafana", body, "X-Grafana-Alert-Signature", grafanaSignature(gf.Credential, "", body)).want(t, 401, "does not match")
	h.bearer(gf, "/ingest/grafana", body, "X-Grafana-Alert-Signature", grafanaSignature(gf.SigningSecret, "", body+" ")).want(t, 401, "does not match")
	h.unchanged(before)
	h.bearer(gf, "/ingest/grafana", body, "X-Grafana-Alert-Signature", grafanaSignature(gf.SigningSecret, "", body)).want(t, 200)
	if n := len(h.alerts(alertsAll)); n != 2 {
		t.Errorf("%d alerts, want 2", n)
	}
}

// With a timestamp header configured, the signature covers "ts:body" and a
// request signed outside the 5-minute window is refused as a replay.
func TestIngest_GrafanaSignedReplayOutsideWindow(t *testing.T) {
	h := newHarness(t)
	gf := h.integration(arqir.KindGrafana, "web",
		arqir.SettingRequireSignature, "true", arqir.SettingSignatureHeader, "X-Grafana-Alerting-Signature", arqir.SettingTimestampHeader, "X-Grafana-Alerting-Timestamp")
	body := fixture(t, "alertmanager", "grafana-v1.json")
	signed := func(at time.Time) []string {
		ts := strconv.FormatInt(at.Unix(), 10)
		return []string{"X-Grafana-Alerting-Timestamp", ts, "X-Grafana-Alerting-Signature", grafanaSignature(gf.SigningSecret, ts, body)}
	}
	before := h.dump()
	h.bearer(gf, "/ingest/grafana", body, signed(h.Clock.Now().Add(-10*time.Minute))...).want(t, 401, "replay window")
	h.bearer(gf, "/ingest/grafana", body, signed(h.Clock.Now().Add(10*time.Minute))...).want(t, 401, "replay window")
	h.unchanged(before)
	h.bearer(gf, "/ingest/grafana", body, signed(h.Clock.Now().Add(-time.Minute))...).want(t, 200)
}
