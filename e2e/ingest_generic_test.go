package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// genericSignature is arqir's generic HMAC header:
// t=<unix>,v1=<hex(HMAC-SHA256(secret, t "." body))>, or with an
// Idempotency-Key of t "." key "." body.
func genericSignature(secret string, at time.Time, key, body string) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	if key == "" {
		m.Write([]byte(ts + "." + body))
	} else {
		m.Write([]byte(ts + "." + key + "." + body))
	}
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// genericHeaders are the headers a signing sender of the generic
// integration c sends with body now: its credential, its signature, and
// extra headers (name, value pairs; an Idempotency-Key among them is
// signed too).
func (h *harness) genericHeaders(c *client.CreatedIntegration, body string, extra ...string) []string {
	key := ""
	for i := 0; i+1 < len(extra); i += 2 {
		if strings.EqualFold(extra[i], "Idempotency-Key") {
			key = extra[i+1]
		}
	}
	return append([]string{"Authorization", "Bearer " + c.Credential, "X-Signature-256", genericSignature(c.SigningSecret, h.Clock.Now(), key, body)}, extra...)
}

// signed sends body to the generic integration c as a signing sender does.
func (h *harness) signed(c *client.CreatedIntegration, body string, extra ...string) answer {
	h.t.Helper()
	return h.send("POST", "/ingest/generic", body, h.genericHeaders(c, body, extra...)...)
}

// The documented generic alert opens an incident at SEV1 (severity
// "critical") for the service it names.
func TestIngest_GenericSampleOpensIncident(t *testing.T) {
	h := newHarness(t)
	g := h.integration(arqir.KindGeneric, "platform")
	h.signed(g, fixture(t, "generic", "single.json")).want(t, 200)
	inc := h.only()
	wantOpened(t, inc, g, "SEV1", "checkout")
	if inc.Title != "Checkout 5xx above 5%" {
		t.Errorf("title %q", inc.Title)
	}
}

// A batch is stored whole: the firing alert opens an incident; a resolve
// for an alert never seen firing is recorded and opens nothing.
func TestIngest_GenericBatch(t *testing.T) {
	h := newHarness(t)
	g := h.integration(arqir.KindGeneric, "db")
	rc := h.signed(g, fixture(t, "generic", "batch.json")).want(t, 200).receipt(t)
	if len(rc.Alerts) != 2 || len(rc.Incidents) != 1 {
		t.Fatalf("receipt %+v, want 2 alerts, 1 incident", rc)
	}
	wantOpened(t, h.only(), g, "SEV3", "db")
}

// A batch with bad items is refused whole (422), listing every bad item
// with its index, and stores nothing: never a silent partial.
func TestIngest_GenericBatchWithBadItemsRefusedWhole(t *testing.T) {
	h := newHarness(t)
	g := h.integration(arqir.KindGeneric, "db")
	before := h.dump()
	a := h.signed(g, fixture(t, "generic", "batch-with-bad-items.json")).want(t, 422, "none was accepted")
	var body struct {
		Error struct{ Code string } `json:"error"`
		Items []struct {
			Index   int    `json:"index"`
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(a.body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Error.Code != arqir.EUNPROCESSABLE || len(body.Items) != 2 || body.Items[0].Index != 1 || body.Items[1].Index != 3 {
		t.Errorf("refusal %s, want items 1 and 3 listed", a.body)
	}
	h.unchanged(before)
}

// The generic endpoint requires, by default, the HMAC of the signing
// secret over "t.body" ("t.key.body" with an Idempotency-Key), within 5
// minutes of arqir's clock; a bad, missing or stale signature stores
// nothing, and so does a captured request sent again under another
// Idempotency-Key. The Idempotency-Key header makes a retry a replay.
// require_signature=false accepts unsigned requests.
func TestIngest_GenericHMACSignature(t *testing.T) {
	h := newHarness(t)
	g := h.integration(arqir.KindGeneric, "checkout")
	body := fixture(t, "generic", "single.json")
	now := h.Clock.Now()
	before := h.dump()
	h.bearer(g, "/ingest/generic", body).want(t, 401, "not signed", "require_signature=false")
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", genericSignature(g.Credential, now, "", body)).want(t, 401, "does not match")
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", "sha256=abcdef").want(t, 401)
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", genericSignature(g.SigningSecret, now.Add(-6*time.Minute), "", body)).want(t, 401, "replay window")
	h.unchanged(before)

	sig := genericSignature(g.SigningSecret, now, "req-1", body)
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", sig, "Idempotency-Key", "req-1").want(t, 200, `"replayed":false`)
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", sig, "Idempotency-Key", "req-1").want(t, 200, `"replayed":true`)
	// The same signed request under a key of the attacker's choosing, or
	// with the key stripped (then the body hash would be new too), is
	// refused: the signature covers the key.
	before = h.dump()
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", sig, "Idempotency-Key", "req-2").want(t, 401, "does not match")
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", sig).want(t, 401, "does not match")
	h.unchanged(before)
	if a := h.alerts(alertsAll); len(a) != 1 || a[0].Count != 1 {
		t.Fatalf("alerts %+v, want one, counted once", a)
	}

	open := h.integration(arqir.KindGeneric, "scripts", arqir.SettingRequireSignature, "false")
	h.bearer(open, "/ingest/generic", `{"dedup_key":"cron","status":"firing","summary":"Nightly backup failed"}`).want(t, 200)
}
