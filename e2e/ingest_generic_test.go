package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// genericSignature is arqir's generic HMAC header:
// t=<unix>,v1=<hex(HMAC-SHA256(secret, t "." body))>.
func genericSignature(secret string, at time.Time, body string) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + body))
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// The documented generic alert opens an incident at SEV1 (severity
// "critical") for the service it names.
func TestIngest_GenericSampleOpensIncident(t *testing.T) {
	h := newHarness(t)
	g := h.integration(arqir.KindGeneric, "platform")
	h.bearer(g, "/ingest/generic", fixture(t, "generic", "single.json")).want(t, 200)
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
	rc := h.bearer(g, "/ingest/generic", fixture(t, "generic", "batch.json")).want(t, 200).receipt(t)
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
	a := h.bearer(g, "/ingest/generic", fixture(t, "generic", "batch-with-bad-items.json")).want(t, 422, "none was accepted")
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

// With require_signature the generic endpoint needs the HMAC of the
// signing secret over "t.body", within 5 minutes of arqir's clock; a bad,
// missing or stale signature stores nothing. The Idempotency-Key header
// makes a retry a replay.
func TestIngest_GenericHMACSignature(t *testing.T) {
	h := newHarness(t)
	g := h.integration(arqir.KindGeneric, "checkout", arqir.SettingRequireSignature, "true")
	body := fixture(t, "generic", "single.json")
	now := h.Clock.Now()
	before := h.dump()
	h.bearer(g, "/ingest/generic", body).want(t, 401, "not signed")
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", genericSignature(g.Credential, now, body)).want(t, 401, "does not match")
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", "sha256=abcdef").want(t, 401)
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", genericSignature(g.SigningSecret, now.Add(-6*time.Minute), body)).want(t, 401, "replay window")
	h.unchanged(before)

	sig := genericSignature(g.SigningSecret, now, body)
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", sig, "Idempotency-Key", "req-1").want(t, 200, `"replayed":false`)
	h.bearer(g, "/ingest/generic", body, "X-Signature-256", sig, "Idempotency-Key", "req-1").want(t, 200, `"replayed":true`)
	if a := h.alerts(alertsAll); len(a) != 1 || a[0].Count != 1 {
		t.Fatalf("alerts %+v, want one, counted once", a)
	}
}
