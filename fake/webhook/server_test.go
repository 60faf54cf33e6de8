package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/fake/fault"
	"github.com/arqir/arqir/fake/webhook"
)

const secret = "s3cret-shared-with-the-gateway"

func start(t *testing.T) *webhook.Server {
	t.Helper()
	srv := webhook.New(secret)
	t.Cleanup(srv.Close)
	return srv
}

// sign is the documented scheme, written out here so the fake is checked
// against the documentation.
func sign(secret string, ts int64, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10) + "." + body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func body(key string) string {
	return `{"version":"1","idempotency_key":"` + key + `","sent_at":"2026-03-02T14:05:00Z","notification":{"channel":"sms","address":"+15550100"},"incident":{"id":"INC-42"},"message":{"text":"SEV1 declared"}}`
}

type req struct {
	body, key, contentType, signature string
	ts                                int64
	method                            string
}

func send(t *testing.T, srv *webhook.Server, r req) (int, map[string]any) {
	t.Helper()
	if r.ts == 0 {
		r.ts = time.Now().Unix()
	}
	if r.method == "" {
		r.method = http.MethodPost
	}
	hr, err := http.NewRequest(r.method, srv.URL()+"/hooks/sms", strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType == "" {
		r.contentType = "application/json"
	}
	hr.Header.Set("Content-Type", r.contentType)
	if r.key != "" {
		hr.Header.Set("Idempotency-Key", r.key)
	}
	hr.Header.Set("X-Arqir-Timestamp", strconv.FormatInt(r.ts, 10))
	switch r.signature {
	case "":
		hr.Header.Set("X-Arqir-Signature", sign(secret, r.ts, r.body))
	case "-":
	default:
		hr.Header.Set("X-Arqir-Signature", r.signature)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	return resp.StatusCode, answer
}

func TestAcceptsASignedDelivery(t *testing.T) {
	t.Parallel()
	srv := start(t)
	status, answer := send(t, srv, req{body: body("k1"), key: "k1"})
	if status != http.StatusOK || answer["ok"] != true || answer["id"] != "msg-1" || answer["duplicate"] != false {
		t.Fatalf("%d %v", status, answer)
	}
	ds := srv.Deliveries()
	if len(ds) != 1 || ds[0].IdempotencyKey != "k1" || string(ds[0].Body) != body("k1") || ds[0].Header.Get("Idempotency-Key") != "k1" || ds[0].Timestamp.IsZero() {
		t.Fatalf("%+v", ds)
	}
	if n := ds[0].Payload["notification"].(map[string]any); n["address"] != "+15550100" {
		t.Fatalf("payload %v", ds[0].Payload)
	}
}

// The same idempotency key twice is acted on once, and the repeat is counted.
func TestDeduplicatesByIdempotencyKey(t *testing.T) {
	t.Parallel()
	srv := start(t)
	send(t, srv, req{body: body("k1"), key: "k1"})
	status, answer := send(t, srv, req{body: body("k1"), key: "k1"})
	if status != http.StatusOK || answer["id"] != "msg-1" || answer["duplicate"] != true {
		t.Fatalf("repeat: %d %v", status, answer)
	}
	send(t, srv, req{body: body("k2"), key: "k2"})
	if len(srv.Deliveries()) != 2 || len(srv.Received()) != 3 || srv.Count("k1") != 2 || srv.Duplicates() != 1 {
		t.Fatalf("deliveries %d, received %d, k1 %d, duplicates %d", len(srv.Deliveries()), len(srv.Received()), srv.Count("k1"), srv.Duplicates())
	}
	if r := srv.Received(); !r[1].Duplicate || r[0].Duplicate || r[2].Duplicate {
		t.Fatalf("%+v", r)
	}
}

func TestRefusesUnsignedOrBadlySignedRequests(t *testing.T) {
	t.Parallel()
	srv := start(t)
	b := body("k1")
	now := time.Now().Unix()
	cases := map[string]req{
		"unsigned":     {body: b, key: "k1", signature: "-"},
		"wrong secret": {body: b, key: "k1", signature: sign("another secret", now, b)},
		"changed body": {body: strings.Replace(b, "+15550100", "+15559999", 1), key: "k1", signature: sign(secret, now, b), ts: now},
		"stale":        {body: b, key: "k1", ts: now - 600},
		"future":       {body: b, key: "k1", ts: now + 600},
		"no prefix":    {body: b, key: "k1", signature: strings.TrimPrefix(sign(secret, now, b), "sha256="), ts: now},
		"not hex":      {body: b, key: "k1", signature: "sha256=zz", ts: now},
	}
	for name, r := range cases {
		if status, answer := send(t, srv, r); status != http.StatusUnauthorized || answer["error"] == "" {
			t.Errorf("%s: %d %v", name, status, answer)
		}
	}
	if len(srv.Received()) != 0 || len(srv.Rejected()) != len(cases) {
		t.Fatalf("received %d, rejected %d", len(srv.Received()), len(srv.Rejected()))
	}
	// One good value among several (a secret being rotated) is enough.
	rotated := sign("old secret", now, b) + ", " + sign(secret, now, b)
	if status, _ := send(t, srv, req{body: b, key: "k1", signature: rotated, ts: now}); status != http.StatusOK {
		t.Fatalf("rotation: %d", status)
	}
}

// The fake's clock and tolerance are settable, for tests on a fake clock.
func TestClock(t *testing.T) {
	t.Parallel()
	srv := start(t)
	at := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	srv.SetClock(func() time.Time { return at })
	srv.SetTolerance(time.Minute)
	if status, _ := send(t, srv, req{body: body("k"), key: "k", ts: at.Add(-50 * time.Second).Unix()}); status != http.StatusOK {
		t.Fatalf("inside the tolerance: %d", status)
	}
	if status, _ := send(t, srv, req{body: body("k"), key: "k", ts: at.Add(-70 * time.Second).Unix()}); status != http.StatusUnauthorized {
		t.Fatalf("outside the tolerance: %d", status)
	}
}

func TestRefusesBodiesThatAreNotArqirJSON(t *testing.T) {
	t.Parallel()
	srv := start(t)
	cases := map[string]req{
		"not json":        {body: "hello", key: "k1"},
		"json array":      {body: "[1]", key: "k1"},
		"text/plain":      {body: body("k1"), key: "k1", contentType: "text/plain"},
		"other version":   {body: strings.Replace(body("k1"), `"version":"1"`, `"version":"2"`, 1), key: "k1"},
		"no header key":   {body: body("k1")},
		"keys differ":     {body: body("k1"), key: "k2"},
		"no notification": {body: `{"version":"1","idempotency_key":"k1","sent_at":"x","incident":{},"message":{}}`, key: "k1"},
		"message not obj": {body: `{"version":"1","idempotency_key":"k1","sent_at":"x","notification":{},"incident":{},"message":"hi"}`, key: "k1"},
		"no sent_at":      {body: `{"version":"1","idempotency_key":"k1","notification":{},"incident":{},"message":{}}`, key: "k1"},
	}
	for name, r := range cases {
		if status, answer := send(t, srv, r); status != http.StatusBadRequest || answer["error"] == "" {
			t.Errorf("%s: %d %v", name, status, answer)
		}
	}
	if status, _ := send(t, srv, req{method: http.MethodGet, body: "", key: "k1"}); status != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", status)
	}
	if len(srv.Received()) != 0 {
		t.Fatalf("refused requests were recorded: %+v", srv.Received())
	}
}

// Faults are answered before the request is looked at.
func TestFaultsComeFirst(t *testing.T) {
	t.Parallel()
	srv := start(t)
	srv.Faults.Next(fault.ServerError, 1, 0)
	if status, _ := send(t, srv, req{body: "not even signed", signature: "-"}); status != http.StatusInternalServerError {
		t.Fatalf("%d, want the injected 500", status)
	}
	if len(srv.Received())+len(srv.Rejected()) != 0 || srv.Faults.Injected() != 1 {
		t.Fatal("a faulted request was recorded")
	}
	if status, _ := send(t, srv, req{body: body("k1"), key: "k1"}); status != http.StatusOK {
		t.Fatalf("after the fault: %d", status)
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, k := range []string{"a", "a", "b"} {
			ts := time.Now().Unix()
			hr, _ := http.NewRequest(http.MethodPost, srv.URL(), strings.NewReader(body(k)))
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set("Idempotency-Key", k)
			hr.Header.Set("X-Arqir-Timestamp", strconv.FormatInt(ts, 10))
			hr.Header.Set("X-Arqir-Signature", sign(secret, ts, body(k)))
			resp, err := http.DefaultClient.Do(hr)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}
	}()
	ds, err := srv.Wait(ctx, 2)
	if err != nil || len(ds) != 2 || ds[0].IdempotencyKey != "a" || ds[1].IdempotencyKey != "b" {
		t.Fatalf("%+v %v", ds, err)
	}
	<-done
	short, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	if _, err := srv.Wait(short, 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting for a delivery that never comes: %v", err)
	}
}
