package generic_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/generic"
	"github.com/arqir/arqir/ingest/ingesttest"
)

func sample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func parse(t testing.TB, body string, header ...string) (*ingest.Parsed, error) {
	t.Helper()
	return generic.Source{}.Parse(ingesttest.NewRequest(body, header...), ingesttest.Integration(arqir.KindGeneric))
}

func TestParseDocumentedPayloads(t *testing.T) {
	tests := []struct {
		file string
		want []arqir.AlertEvent
	}{
		{"single.json", []arqir.AlertEvent{{
			DedupKey: "checkout-5xx", Status: arqir.AlertFiring, Summary: "Checkout 5xx above 5%", Severity: "critical", GroupKey: "checkout",
			Labels:      map[string]string{"env": "prod", "region": "eu-west-1", "service": "checkout"},
			Annotations: map[string]string{"runbook": "https://runbooks.example.com/checkout-5xx"},
			Links:       []string{"https://grafana.example.com/d/checkout"},
			StartsAt:    time.Date(2026, 3, 2, 9, 20, 0, 0, time.UTC),
		}}},
		{"batch.json", []arqir.AlertEvent{{
			DedupKey: "disk-db-1", Status: arqir.AlertFiring, Summary: "Disk 95% full on db-1", Severity: "warning",
			Labels: map[string]string{"host": "db-1"}, Annotations: map[string]string{},
			StartsAt: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC),
		}, {
			DedupKey: "disk-db-2", Status: arqir.AlertResolved,
			Labels: map[string]string{}, Annotations: map[string]string{},
			EndsAt: time.Date(2026, 3, 2, 9, 25, 0, 0, time.UTC),
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p, err := parse(t, sample(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			ingesttest.AssertEvents(t, p.Events, tc.want)
			ingesttest.CheckOutcome(t, p, nil)
		})
	}
}

// TestBatchIsAllOrNothing: one bad item refuses the whole batch, and every
// bad item is listed with its index.
func TestBatchIsAllOrNothing(t *testing.T) {
	p, err := parse(t, sample(t, "batch-with-bad-items.json"))
	if p != nil {
		t.Fatal("a batch with bad items returned events")
	}
	ingesttest.AssertError(t, err, arqir.EUNPROCESSABLE, "2 of 4 alerts are invalid", "none was accepted", "item 1", "item 3")
	status, body := generic.Source{}.ReplyError(422, err)
	eb, ok := body.(ingest.ErrorBody)
	if status != 422 || !ok {
		t.Fatalf("reply %d %T", status, body)
	}
	want := []ingest.ItemError{
		{Index: 1, Field: "status", Message: `status "pending" is not firing or resolved`},
		{Index: 3, Field: "sumary", Message: ""},
	}
	if len(eb.Items) != len(want) {
		t.Fatalf("items %+v", eb.Items)
	}
	for i, w := range want {
		got := eb.Items[i]
		if got.Index != w.Index || got.Field != w.Field || (w.Message != "" && got.Message != w.Message) || got.Message == "" {
			t.Errorf("item %d: %+v, want %+v", i, got, w)
		}
	}
	if eb.Error.Code != arqir.EUNPROCESSABLE || !strings.Contains(eb.Items[1].Message, generic.Fields) {
		t.Errorf("error body %+v", eb)
	}
}

func TestParseRefusesBadInput(t *testing.T) {
	single := sample(t, "single.json")
	item := func(fields string) string { return `{"dedup_key":"k","status":"firing","summary":"s",` + fields + `}` }
	tests := []struct {
		name, body  string
		header      []string
		code, field string
		fragments   []string
	}{
		{"truncated JSON", single[:120], nil, arqir.EINVALID, "", []string{"line", "column", "truncated"}},
		{"malformed JSON", "{\n\"dedup_key\": 'k'\n}", nil, arqir.EINVALID, "", []string{"line 2, column 14"}},
		{"not an object or array", `"alert"`, nil, arqir.EINVALID, "", []string{"alert object"}},
		{"empty body", ``, nil, arqir.EINVALID, "", []string{"empty"}},
		{"wrong content type", single, []string{"Content-Type", "application/x-www-form-urlencoded"}, arqir.EINVALID, "Content-Type", nil},
		{"text content type", single, []string{"Content-Type", "text/plain"}, arqir.EINVALID, "Content-Type", nil},
		{"unknown field", `{"dedup_key":"k","status":"firing","summary":"s","sevrity":"x"}`, nil, arqir.EINVALID, "sevrity", []string{"accepted fields are"}},
		{"no dedup key", `{"status":"firing","summary":"s"}`, nil, arqir.EUNPROCESSABLE, "dedup_key", nil},
		{"no status", `{"dedup_key":"k","summary":"s"}`, nil, arqir.EUNPROCESSABLE, "status", nil},
		{"firing without summary", `{"dedup_key":"k","status":"firing"}`, nil, arqir.EUNPROCESSABLE, "summary", nil},
		{"bad time", item(`"starts_at":"yesterday"`), nil, arqir.EUNPROCESSABLE, "starts_at", []string{"RFC 3339"}},
		{"bad link", item(`"links":["javascript:alert(1)"]`), nil, arqir.EUNPROCESSABLE, "links[0]", nil},
		{"service conflict", item(`"service":"a","labels":{"service":"b"}`), nil, arqir.EUNPROCESSABLE, "service", nil},
		{"10 000 labels", item(`"labels":` + ingesttest.Labels(10000)), nil, arqir.EINVALID, "labels", []string{"10000 labels"}},
		{"label name too long", item(`"labels":{"` + strings.Repeat("n", 300) + `":"v"}`), nil, arqir.EINVALID, "labels", []string{"128-byte"}},
		{"201 annotations", item(`"annotations":` + ingesttest.Labels(201)), nil, arqir.EINVALID, "annotations", []string{"201 annotations"}},
		{"deeply nested", ingesttest.Nested("labels", 33), nil, arqir.EINVALID, "", []string{"nested deeper than 32"}},
		{"empty batch", `[]`, nil, arqir.EUNPROCESSABLE, "", []string{"empty"}},
		{"batch over 1000", "[" + strings.TrimSuffix(strings.Repeat(item(`"severity":"x"`)+",", 1001), ",") + "]", nil, arqir.EINVALID, "", []string{"1001 alerts"}},
		{"idempotency key too long", single, []string{"Idempotency-Key", strings.Repeat("k", 256)}, arqir.EINVALID, "Idempotency-Key", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parse(t, tc.body, tc.header...)
			ingesttest.AssertError(t, err, tc.code, tc.fragments...)
			if got := arqir.ErrorField(err); got != tc.field {
				t.Errorf("field %q, want %q", got, tc.field)
			}
			if p != nil {
				t.Error("a refused request returned a result")
			}
		})
	}
}

func TestRequestKey(t *testing.T) {
	body := sample(t, "single.json")
	p, _ := parse(t, body)
	if p.RequestKey != ingest.BodyKey(arqir.KindGeneric, []byte(body)) {
		t.Errorf("body key %q", p.RequestKey)
	}
	p, _ = parse(t, body, "Idempotency-Key", "deploy-42")
	if p.RequestKey != "generic:id:deploy-42" {
		t.Errorf("header key %q", p.RequestKey)
	}
}

func TestBatchOf1000(t *testing.T) {
	items := make([]string, 1000)
	for i := range items {
		items[i] = `{"dedup_key":"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + `","status":"resolved"}`
	}
	p, err := parse(t, "["+strings.Join(items, ",")+"]")
	if err != nil || len(p.Events) != 1000 {
		t.Fatalf("%v", err)
	}
}

// TestVerify checks the HMAC: required by default, optional only when
// opted out, replayed, tampered, rotated secrets, and the Idempotency-Key
// header covered by the signature.
func TestVerify(t *testing.T) {
	secret := []byte("integration-credential")
	body := sample(t, "single.json")
	sign := func(at time.Time, key string) string { return generic.Sign(secret, at, key, []byte(body)) }
	tests := []struct {
		name      string
		header    string
		setting   string // require_signature, if set
		key       string // Idempotency-Key header, if any
		body      string
		code      string
		fragments []string
	}{
		{"unsigned, opted out", "", "false", "", body, "", nil},
		{"unsigned, by default", "", "", "", body, arqir.EUNAUTHORIZED, []string{"not signed", "X-Signature-256", "require_signature=false"}},
		{"unsigned, required", "", "true", "", body, arqir.EUNAUTHORIZED, []string{"not signed", "X-Signature-256"}},
		{"signed", sign(ingesttest.Now, ""), "", "", body, "", nil},
		{"signed, opted out: still checked", sign(ingesttest.Now, "") + "0", "false", "", body, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"signed 4m59s ago", sign(ingesttest.Now.Add(-299*time.Second), ""), "", "", body, "", nil},
		{"two v1, one matching (rotation)", sign(ingesttest.Now, "") + ",v1=" + strings.Repeat("0", 64), "", "", body, "", nil},
		{"tampered body", sign(ingesttest.Now, ""), "", "", body + " ", arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"other secret", generic.Sign([]byte("other"), ingesttest.Now, "", []byte(body)), "", "", body, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"replayed after 6 minutes", sign(ingesttest.Now.Add(-6*time.Minute), ""), "", "", body, arqir.EUNAUTHORIZED, []string{"replay window"}},
		{"timestamp rewritten", strings.Replace(sign(ingesttest.Now.Add(-6*time.Minute), ""), "t=", "t=9", 1), "", "", body, arqir.EUNAUTHORIZED, nil},
		{"malformed header", "sha256=abc", "", "", body, arqir.EUNAUTHORIZED, []string{"t=<unix seconds>"}},
		{"idempotency key signed", sign(ingesttest.Now, "deploy-42"), "", "deploy-42", body, "", nil},
		{"idempotency key added to a signed request", sign(ingesttest.Now, ""), "", "deploy-43", body, arqir.EUNAUTHORIZED, []string{"does not match", "Idempotency-Key"}},
		{"idempotency key changed", sign(ingesttest.Now, "deploy-42"), "", "deploy-43", body, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"idempotency key removed", sign(ingesttest.Now, "deploy-42"), "", "", body, arqir.EUNAUTHORIZED, []string{"does not match"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ingesttest.Integration(arqir.KindGeneric)
			if tc.setting != "" {
				in.Settings[arqir.SettingRequireSignature] = tc.setting
			}
			r := ingesttest.NewRequest(tc.body, "X-Signature-256", tc.header, generic.IdempotencyKeyHeader, tc.key)
			err := generic.Source{}.Verify(context.Background(), r, in, secret)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			ingesttest.AssertError(t, err, tc.code, tc.fragments...)
			ingesttest.AssertNoSecret(t, err, string(secret))
		})
	}
}

func TestSignFormat(t *testing.T) {
	// hex(HMAC-SHA256("k", "1700000000.{}")) and, with an Idempotency-Key,
	// of "1700000000.deploy-42.{}", computed independently with
	// openssl dgst -sha256 -hmac k.
	for key, want := range map[string]string{
		"":          "t=1700000000,v1=c6ef4734033cee2367414a0939385eca0397754aa7a59716da7463a9298b5146",
		"deploy-42": "t=1700000000,v1=ba3dfb8675f3b7b37a37dc87397c8dee12fe29705c9daffe2f9ad22bcaece340",
	} {
		if got := generic.Sign([]byte("k"), time.Unix(1700000000, 0), key, []byte(`{}`)); got != want {
			t.Errorf("key %q: got %s, want %s", key, got, want)
		}
	}
}
