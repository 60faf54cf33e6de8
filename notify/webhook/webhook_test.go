package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/fake/fault"
	fakewebhook "github.com/arqir/arqir/fake/webhook"
	"github.com/arqir/arqir/notify"
	"github.com/arqir/arqir/notify/webhook"
)

const secret = "s3cret-shared-with-the-gateway"

var at = time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)

func clock() time.Time { return at }

// setup starts a fake receiver and a notifier on the same fake clock.
func setup(t *testing.T, c webhook.Config) (*fakewebhook.Server, *webhook.Notifier) {
	t.Helper()
	srv := fakewebhook.New(secret)
	srv.SetClock(clock)
	t.Cleanup(srv.Close)
	c.URL = srv.URL() + "/hooks/arqir"
	if c.Secret == "" {
		c.Secret = secret
	}
	c.Now = clock
	n, err := webhook.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return srv, n
}

func job() *notify.Job {
	return &notify.Job{
		Notification: &arqir.Notification{
			ID: 7, IncidentID: 42, Key: "INC-42/page/1/cto", Purpose: arqir.PurposePage, Step: 1,
			Target: "cto", Channel: arqir.ChannelSMS, Address: "+15550100", Recipient: "Ada Lovelace (cto)", Attempts: 1,
			Message: arqir.Message{
				IncidentID: 42, Title: "Checkout down", Severity: "SEV1", Status: arqir.StatusInvestigating,
				Headline: "SEV1 declared: Checkout down",
				Fields:   []arqir.MessageField{{Label: "Severity", Value: "SEV1"}},
				URL:      "https://arqir.example/incidents/42", AckURL: "https://arqir.example/ack/xyz",
			},
		},
		Refs:           map[string]string{arqir.RefWarRoomURL: "https://zoom.example/j/1"},
		IdempotencyKey: "INC-42/page/1/cto",
	}
}

func TestDelivery(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, webhook.Config{})
	if n.Channel() != arqir.ChannelWebhook {
		t.Fatalf("default channel %q", n.Channel())
	}
	r, err := n.Notify(context.Background(), job())
	if err != nil {
		t.Fatal(err)
	}
	if r.Ref != "msg-1" {
		t.Fatalf("receipt %+v: the receiver's id is the provider ref", r)
	}
	ds := srv.Deliveries()
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	d := ds[0]
	h := d.Header
	if h.Get("Content-Type") != "application/json" || h.Get("Idempotency-Key") != "INC-42/page/1/cto" ||
		h.Get("X-Arqir-Timestamp") != strconv.FormatInt(at.Unix(), 10) || h.Get("User-Agent") != "arqir-webhook/1" {
		t.Fatalf("headers %v", h)
	}
	if err := webhook.Verify(secret, h, d.Body, at, 0); err != nil {
		t.Fatalf("Verify refuses what was sent: %v", err)
	}
	var p webhook.Payload
	if err := json.Unmarshal(d.Body, &p); err != nil {
		t.Fatal(err)
	}
	want := webhook.Payload{
		Version: "1", IdempotencyKey: "INC-42/page/1/cto", SentAt: at,
		Notification: webhook.Notification{ID: 7, Purpose: "page", Step: 1, Target: "cto", Channel: "sms", Address: "+15550100", Recipient: "Ada Lovelace (cto)", Attempt: 1},
		Incident:     webhook.Incident{ID: "INC-42", Title: "Checkout down", Severity: "SEV1", Status: "INVESTIGATING", URL: "https://arqir.example/incidents/42", Refs: map[string]string{"war_room_url": "https://zoom.example/j/1"}},
		Message: webhook.Message{Headline: "SEV1 declared: Checkout down", Text: "SEV1 declared: Checkout down\nSeverity: SEV1\nhttps://arqir.example/incidents/42",
			Fields: []arqir.MessageField{{Label: "Severity", Value: "SEV1"}}, URL: "https://arqir.example/incidents/42", AckURL: "https://arqir.example/ack/xyz"},
	}
	got, _ := json.Marshal(p)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Fatalf("payload\n got %s\nwant %s", got, exp)
	}
}

// The same type serves an SMS or voice gateway: only the channel differs.
func TestChannelIsConfigurable(t *testing.T) {
	t.Parallel()
	_, n := setup(t, webhook.Config{Channel: arqir.ChannelPhone})
	if n.Channel() != arqir.ChannelPhone {
		t.Fatalf("channel %q", n.Channel())
	}
}

// The same idempotency key on a retry after an injected 500: the receiver
// sees one delivery.
func TestRetryAfterServerErrorKeepsTheIdempotencyKey(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, webhook.Config{})
	srv.Faults.Next(fault.ServerError, 1, 0)
	_, err := n.Notify(context.Background(), job())
	if e := notify.AsError(err); err == nil || !e.Retryable || e.Ambiguous || !strings.Contains(err.Error(), "500") {
		t.Fatalf("%v", err)
	}
	if _, err := n.Notify(context.Background(), job()); err != nil {
		t.Fatal(err)
	}
	ds := srv.Deliveries()
	if srv.Faults.Injected() != 1 || len(ds) != 1 || ds[0].IdempotencyKey != "INC-42/page/1/cto" || srv.Count("INC-42/page/1/cto") != 1 {
		t.Fatalf("injected %d, deliveries %+v", srv.Faults.Injected(), ds)
	}
}

// A timeout after sending is ambiguous; when the receiver did act, the
// retry carries the same key, so it is recognised and counted as a repeat.
func TestAmbiguousTimeoutAndTheRepeat(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, webhook.Config{})
	srv.Faults.Next(fault.Hang, 1, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := n.Notify(ctx, job())
	if e := notify.AsError(err); !e.Retryable || !e.Ambiguous {
		t.Fatalf("%+v", e)
	}
	r1, err1 := n.Notify(context.Background(), job())
	r2, err2 := n.Notify(context.Background(), job())
	if err1 != nil || err2 != nil || r1.Ref != r2.Ref {
		t.Fatalf("%v %v %q %q", err1, err2, r1.Ref, r2.Ref)
	}
	if len(srv.Deliveries()) != 1 || srv.Count("INC-42/page/1/cto") != 2 || srv.Duplicates() != 1 {
		t.Fatalf("deliveries %d, count %d", len(srv.Deliveries()), srv.Count("INC-42/page/1/cto"))
	}
}

func TestWrongSecretIsRefusedByTheReceiver(t *testing.T) {
	t.Parallel()
	const wrong = "not-the-shared-secret-at-all"
	srv, n := setup(t, webhook.Config{Secret: wrong})
	_, err := n.Notify(context.Background(), job())
	if e := notify.AsError(err); err == nil || e.Retryable || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "same signing secret") {
		t.Fatalf("%v", err)
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), secret) {
		t.Fatalf("a secret is in the error: %v", err)
	}
	if len(srv.Received()) != 0 || len(srv.Rejected()) != 1 || srv.Rejected()[0].Status != http.StatusUnauthorized {
		t.Fatalf("received %d, rejected %+v", len(srv.Received()), srv.Rejected())
	}
}

func TestAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status    int
		retryable bool
	}{
		{200, false}, {201, false}, {202, false}, {204, false},
		{408, true}, {425, true}, {429, true}, {500, true}, {502, true}, {503, true}, {504, true},
		{301, false}, {400, false}, {401, false}, {403, false}, {404, false}, {410, false}, {413, false}, {422, false},
	}
	for _, c := range cases {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			if c.status == 301 {
				w.Header().Set("Location", "https://elsewhere.example/")
			}
			w.WriteHeader(c.status)
			if c.status >= 300 {
				_, _ = w.Write([]byte("nope: " + http.StatusText(c.status)))
			}
		}))
		n, err := webhook.New(webhook.Config{URL: ts.URL, Secret: secret})
		if err != nil {
			t.Fatal(err)
		}
		_, err = n.Notify(context.Background(), job())
		ts.Close()
		e := notify.AsError(err)
		switch {
		case c.status < 300 && err != nil:
			t.Errorf("%d: %v", c.status, err)
		case c.status >= 300 && err == nil:
			t.Errorf("%d delivered", c.status)
		case c.status >= 300 && (e.Retryable != c.retryable || e.Ambiguous):
			t.Errorf("%d: retryable %v ambiguous %v, want retryable %v", c.status, e.Retryable, e.Ambiguous, c.retryable)
		case c.retryable && e.RetryAfter != 7*time.Second:
			t.Errorf("%d: Retry-After %s, want 7s", c.status, e.RetryAfter)
		case c.status >= 300 && !strings.Contains(err.Error(), "nope: "+http.StatusText(c.status)):
			t.Errorf("%d: the reason lacks the answer: %v", c.status, err)
		}
	}
}

func TestConnectionRefusedIsRetryableNotAmbiguous(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	n, err := webhook.New(webhook.Config{URL: "http://" + addr + "/hook", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Notify(context.Background(), job())
	if e := notify.AsError(err); !e.Retryable || e.Ambiguous {
		t.Fatalf("%+v", e)
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	srv, n := setup(t, webhook.Config{})
	j := job()
	j.IdempotencyKey = ""
	if _, err := n.Notify(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	if ds := srv.Deliveries(); ds[0].IdempotencyKey != "INC-42/page/1/cto" {
		t.Fatalf("without the job's key the notification's is used: %q", ds[0].IdempotencyKey)
	}
	j.Notification.Key = ""
	_, err := n.Notify(context.Background(), j)
	if err == nil || notify.AsError(err).Retryable {
		t.Fatalf("no key at all: %v", err)
	}
}

// No secret in error text: the signing secret and the credentials a URL
// may carry (password, query token) never reach an error, whether the
// answer echoes them or the connection fails.
func TestNoSecretInErrorText(t *testing.T) {
	t.Parallel()
	const token, pathToken, password = "tok-9f8e7d6c5b4a", "9f8e7d6c5b4a3210ffee", "pa55w0rd-gateway"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		http.Error(w, "bad request for "+r.URL.String()+" user "+u+":"+p+" secret "+secret, http.StatusBadRequest)
	}))
	defer echo.Close()
	echo503 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "overloaded; token="+r.URL.Query().Get("token"), http.StatusServiceUnavailable)
	}))
	defer echo503.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := ln.Addr().String()
	ln.Close()
	hang, n := setup(t, webhook.Config{})
	hang.Faults.Next(fault.Hang, 1, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, hangErr := n.Notify(ctx, job())

	errs := []error{hangErr}
	for _, base := range []string{echo.URL, echo503.URL, "http://" + refused} {
		u := strings.Replace(base, "http://", "http://arqir:"+password+"@", 1) + "/hooks/" + pathToken + "?token=" + token
		n, err := webhook.New(webhook.Config{URL: u, Secret: secret})
		if err != nil {
			t.Fatal(err)
		}
		_, err = n.Notify(context.Background(), job())
		errs = append(errs, err)
	}
	_, err := webhook.New(webhook.Config{URL: "ftp://x/" + pathToken, Secret: secret})
	errs = append(errs, err)
	_, err = webhook.New(webhook.Config{URL: "https://gw.example/" + pathToken})
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Fatalf("case %d did not fail", i)
		}
		for e := err; e != nil; e = errors.Unwrap(e) {
			for _, s := range []string{secret, token, pathToken, password} {
				if strings.Contains(e.Error(), s) {
					t.Errorf("case %d: %q is in the error: %v", i, s, e)
				}
			}
		}
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]webhook.Config{
		"no URL":       {Secret: secret},
		"relative URL": {URL: "/hook", Secret: secret},
		"not http":     {URL: "ftp://gw.example/hook", Secret: secret},
		"no secret":    {URL: "https://gw.example/hook"},
	} {
		if _, err := webhook.New(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReceiverID(t *testing.T) {
	t.Parallel()
	for answer, want := range map[string]string{
		`{"id":"SM123"}`: "SM123",
		`{"id":4711}`:    "4711",
		`{"ok":true}`:    "",
		`accepted`:       "",
		``:               "",
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(answer)) }))
		n, _ := webhook.New(webhook.Config{URL: ts.URL, Secret: secret})
		r, err := n.Notify(context.Background(), job())
		ts.Close()
		if err != nil || r.Ref != want {
			t.Errorf("%q: ref %q, %v; want %q", answer, r.Ref, err, want)
		}
	}
}
