package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

// labels returns a JSON object of n labels.
func labels(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"label_%d":"v"`, i)
	}
	return b.String() + "}"
}

// Bad input, end to end over HTTP: each request is refused with a status
// and a message that says what to fix, and stores nothing.
func TestIngest_BadInputStoresNothing(t *testing.T) {
	h := newHarness(t)
	am := h.integration(arqir.KindAlertmanager, "checkout")
	g := h.integration(arqir.KindGeneric, "checkout")
	pd := h.integration(arqir.KindPagerDuty, "checkout")
	dd := h.integration(arqir.KindDatadog, "checkout")
	// genericAuth marks the requests to the generic endpoint: they are
	// sent signed, as the generic integration requires, so that what is
	// refused is the payload.
	genericAuth := []string{"Authorization", "Bearer " + g.Credential}
	sample := fixture(t, "alertmanager", "alertmanager-v4.json")
	deep := `{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"a":"b"},"annotations":{"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}}]}`

	cases := []struct {
		name      string
		path      string
		body      string
		headers   []string
		status    int
		fragments []string
	}{
		{"malformed JSON", "/ingest/alertmanager", `{"version":"4",,}`, []string{"Authorization", "Bearer " + am.Credential}, 400, []string{"line 1"}},
		{"truncated JSON", "/ingest/alertmanager", sample[:len(sample)/2], []string{"Authorization", "Bearer " + am.Credential}, 400, []string{"line"}},
		{"empty body", "/ingest/generic", "", genericAuth, 400, []string{"empty"}},
		{"wrong content type", "/ingest/alertmanager", sample, []string{"Authorization", "Bearer " + am.Credential, "Content-Type", "application/x-www-form-urlencoded"}, 400, []string{"Content-Type"}},
		{"missing status", "/ingest/generic", `{"dedup_key":"a","summary":"s"}`, genericAuth, 422, []string{"status"}},
		{"missing dedup key", "/ingest/generic", `{"status":"firing","summary":"s"}`, genericAuth, 422, []string{"dedup"}},
		{"PagerDuty event without summary", "/ingest/pagerduty/v2/enqueue", `{"routing_key":"` + pd.Credential + `","event_action":"trigger","payload":{"source":"x","severity":"error"}}`, nil, 400, []string{"invalid event", "summary"}},
		{"unknown field in the generic format", "/ingest/generic", `{"dedup_key":"a","status":"firing","sumary":"typo"}`, genericAuth, 400, []string{"sumary"}},
		{"no credential", "/ingest/alertmanager", sample, nil, 401, []string{"Bearer"}},
		{"unknown credential", "/ingest/alertmanager", sample, []string{"Authorization", "Bearer arqi_unknown"}, 401, []string{"unknown integration credential"}},
		{"credential of another kind", "/ingest/alertmanager", sample, []string{"Authorization", "Bearer " + g.Credential}, 401, []string{"generic integration"}},
		{"credential of another kind in the URL", "/ingest/datadog/" + am.Credential, fixture(t, "datadog", "custom-triggered.json"), nil, 401, []string{"alertmanager integration"}},
		{"unknown kind", "/ingest/nagios", sample, []string{"Authorization", "Bearer " + am.Credential}, 404, []string{"alertmanager"}},
		{"oversize body", "/ingest/generic", `{"dedup_key":"a","status":"firing","summary":"` + strings.Repeat("x", 1<<20) + `"}`, genericAuth, 413, []string{"1 MiB"}},
		{"10 000 labels", "/ingest/generic", `{"dedup_key":"a","status":"firing","summary":"s","labels":` + labels(10000) + `}`, genericAuth, 400, []string{"10000 labels"}},
		{"deeply nested JSON", "/ingest/alertmanager", deep, []string{"Authorization", "Bearer " + am.Credential}, 400, []string{"nest"}},
		{"Datadog payload with no state", "/ingest/datadog", `{"id":"1","title":"Disk full","body":"x"}`, []string{"Authorization", "Bearer " + dd.Credential}, 422, nil},
	}
	before := h.dump()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			headers := c.headers
			if c.path == "/ingest/generic" {
				headers = h.genericHeaders(g, c.body)
			}
			a := h.send("POST", c.path, c.body, headers...)
			if a.status != c.status {
				t.Fatalf("status %d, want %d; body %s", a.status, c.status, a.body)
			}
			for _, f := range c.fragments {
				if !strings.Contains(strings.ToLower(a.body), strings.ToLower(f)) {
					t.Errorf("answer lacks %q: %.300s", f, a.body)
				}
			}
			for _, secret := range []string{am.Credential, g.Credential, pd.Credential, dd.Credential} {
				if strings.Contains(a.body, secret) {
					t.Errorf("the answer shows a credential: %.300s", a.body)
				}
			}
		})
	}
	h.unchanged(before)
}

// A revoked credential works until the revocation and is refused from the
// next request on (401), storing nothing; its alerts and incidents stay.
func TestIngest_RevokedCredentialStopsAtOnce(t *testing.T) {
	h := newHarness(t)
	g := h.integration(arqir.KindGeneric, "checkout")
	h.signed(g, `{"dedup_key":"a","status":"firing","summary":"before"}`).want(t, 200)
	if err := h.Admin.RevokeIntegration(context.Background(), g.Integration.ID); err != nil {
		t.Fatal(err)
	}
	before := h.dump()
	h.signed(g, `{"dedup_key":"b","status":"firing","summary":"after"}`).want(t, 401, "revoked")
	h.unchanged(before)
	if a := h.alerts(alertsAll); len(a) != 1 || a[0].Summary != "before" {
		t.Errorf("alerts %+v, want the one from before the revocation", a)
	}
}

// Rotating replaces the credential and the signing secret at once: the old
// credential is refused, the new one works.
func TestIngest_RotatedCredential(t *testing.T) {
	h := newHarness(t)
	g := h.integration(arqir.KindGeneric, "checkout")
	rotated, err := h.Admin.RotateIntegration(context.Background(), g.Integration.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Credential == g.Credential || rotated.SigningSecret == g.SigningSecret || rotated.Integration.RotatedAt == nil {
		t.Fatalf("rotation %+v did not replace the secrets", rotated)
	}
	before := h.dump()
	h.signed(g, `{"dedup_key":"a","status":"firing","summary":"old"}`).want(t, 401)
	// The new credential with the old signing secret is refused too.
	h.send("POST", "/ingest/generic", `{"dedup_key":"a","status":"firing","summary":"old"}`,
		"Authorization", "Bearer "+rotated.Credential, "X-Signature-256", genericSignature(g.SigningSecret, h.Clock.Now(), "", `{"dedup_key":"a","status":"firing","summary":"old"}`)).want(t, 401, "does not match")
	h.unchanged(before)
	h.signed(rotated, `{"dedup_key":"a","status":"firing","summary":"new"}`).want(t, 200)
}
