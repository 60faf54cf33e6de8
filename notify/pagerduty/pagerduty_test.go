package pagerduty_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/fake/fault"
	fakepd "github.com/arqir/arqir/fake/pagerduty"
	"github.com/arqir/arqir/notify"
	"github.com/arqir/arqir/notify/pagerduty"
)

const key = "0123456789abcdef0123456789abcdef"

var created = time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)

func setup(t *testing.T) (*fakepd.Server, *pagerduty.Notifier) {
	t.Helper()
	srv := fakepd.New(key)
	t.Cleanup(srv.Close)
	return srv, notifier(t, srv.URL(), key)
}

func notifier(t *testing.T, base, routingKey string) *pagerduty.Notifier {
	t.Helper()
	n, err := pagerduty.New(pagerduty.Config{BaseURL: base, RoutingKey: routingKey})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func job(event, severity string) *notify.Job {
	return &notify.Job{
		Notification: &arqir.Notification{
			ID: 7, IncidentID: 42, Key: "INC-42/status_sync/pagerduty/" + event, Purpose: arqir.PurposeStatusSync,
			Target: "pagerduty", Channel: arqir.ChannelPagerDuty, CreatedAt: created,
			Message: arqir.Message{
				IncidentID: 42, Title: "Checkout down", Severity: severity, Status: arqir.StatusInvestigating,
				Headline: severity + " declared: Checkout down",
				Fields:   []arqir.MessageField{{Label: "Services", Value: "checkout, payments"}, {Label: "What", Value: "5xx on /pay"}},
				URL:      "https://arqir.example/incidents/42", AckURL: "https://arqir.example/ack/signed-token",
				Event: event,
			},
		},
		Refs:           map[string]string{arqir.RefWarRoomURL: "https://zoom.example/j/123"},
		IdempotencyKey: "INC-42/status_sync/pagerduty/" + event,
	}
}

func TestTrigger(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	if n.Channel() != arqir.ChannelPagerDuty {
		t.Fatalf("channel %q", n.Channel())
	}
	r, err := n.Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Ref != "INC-42" || r.Refs[arqir.RefPagerDutyDedupKey] != "INC-42" {
		t.Fatalf("receipt %+v", r)
	}
	evs := srv.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	p := ev.Payload
	switch {
	case ev.RoutingKey != key || ev.EventAction != "trigger" || ev.DedupKey != "INC-42":
		t.Errorf("event %+v", ev)
	case p.Summary != "[SEV1] Checkout down" || p.Source != "arqir" || p.Severity != "critical" || p.Class != "SEV1":
		t.Errorf("payload %+v", p)
	case p.Timestamp != "2026-03-02T14:05:00.000Z":
		t.Errorf("timestamp %q", p.Timestamp)
	case p.Component != "checkout" || p.Group != "checkout,payments":
		t.Errorf("component %q group %q", p.Component, p.Group)
	case p.CustomDetails["Incident"] != "INC-42" || p.CustomDetails["What"] != "5xx on /pay" || p.CustomDetails["Status"] != "INVESTIGATING" || p.CustomDetails["Headline"] != "SEV1 declared: Checkout down":
		t.Errorf("custom details %+v", p.CustomDetails)
	case len(ev.Links) != 2 || ev.Links[0].Href != "https://arqir.example/incidents/42" || ev.Links[1].Href != "https://zoom.example/j/123":
		t.Errorf("links %+v", ev.Links)
	case ev.Client != "arqir" || ev.ClientURL != "https://arqir.example/incidents/42":
		t.Errorf("client %q %q", ev.Client, ev.ClientURL)
	}
	for _, v := range p.CustomDetails {
		if s, _ := v.(string); strings.Contains(s, "signed-token") {
			t.Errorf("the signed acknowledge link went to PagerDuty: %q", v)
		}
	}
	if a, _ := srv.Alert("INC-42"); a.State != fakepd.StateTriggered {
		t.Fatalf("alert %+v", a)
	}
}

// Acknowledge and resolve follow the incident under the dedup key PagerDuty
// answered (kept in the incident's refs), and carry no payload.
func TestAcknowledgeAndResolve(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	ctx := context.Background()
	r, err := n.Notify(ctx, job(arqir.EventActionTrigger, "SEV2"))
	if err != nil {
		t.Fatal(err)
	}
	ack := job(arqir.EventActionAcknowledge, "SEV2")
	ack.Refs = r.Refs
	if r, err := n.Notify(ctx, ack); err != nil || r.Ref != "INC-42" || r.Refs != nil {
		t.Fatalf("acknowledge: %+v %v", r, err)
	}
	if a, _ := srv.Alert("INC-42"); a.State != fakepd.StateAcknowledged {
		t.Fatalf("after acknowledge %+v", a)
	}
	// Without the ref (it was never learned), the incident ID is the key.
	if _, err := n.Notify(ctx, job(arqir.EventActionResolve, "SEV2")); err != nil {
		t.Fatal(err)
	}
	if a, _ := srv.Alert("INC-42"); a.State != fakepd.StateResolved || a.Opened != 1 {
		t.Fatalf("after resolve %+v", a)
	}
	for _, ev := range srv.Events()[1:] {
		if ev.Payload != nil || ev.DedupKey != "INC-42" {
			t.Fatalf("follow-up event %+v", ev)
		}
	}
}

func TestSeverities(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	cases := map[string]string{"SEV1": "critical", "SEV2": "error", "SEV3": "warning", "SEV4": "info", "SEV9": "error", "": "error"}
	for sev, want := range cases {
		j := job(arqir.EventActionTrigger, sev)
		j.Notification.IncidentID = arqir.IncidentID(len(srv.Events()) + 100)
		if _, err := n.Notify(context.Background(), j); err != nil {
			t.Fatalf("%q: %v", sev, err)
		}
		evs := srv.Events()
		if got := evs[len(evs)-1].Payload.Severity; got != want {
			t.Errorf("%q sent as %q, want %q", sev, got, want)
		}
	}
	custom, err := pagerduty.New(pagerduty.Config{BaseURL: srv.URL(), RoutingKey: key, Severities: map[string]string{"P1": "critical"}, Source: "arqir-prod"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := custom.Notify(context.Background(), job(arqir.EventActionTrigger, "P1")); err != nil {
		t.Fatal(err)
	}
	evs := srv.Events()
	if p := evs[len(evs)-1].Payload; p.Severity != "critical" || p.Source != "arqir-prod" || p.Summary != "[P1] Checkout down" {
		t.Errorf("custom map: %+v", p)
	}
}

// A long title is cut to PagerDuty's 1024-character summary limit without
// splitting a character, so the trigger is still accepted.
func TestLongSummaryIsCutOnACharacterBoundary(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	j := job(arqir.EventActionTrigger, "SEV1")
	j.Notification.Message.Title = strings.Repeat("é", 2000) // 2 bytes each
	if _, err := n.Notify(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	s := srv.Events()[0].Payload.Summary
	if len(s) > 1024 || !utf8.ValidString(s) || !strings.HasPrefix(s, "[SEV1] éé") || !strings.HasSuffix(s, "é…") {
		t.Fatalf("summary of %d bytes, valid %v: …%q", len(s), utf8.ValidString(s), s[len(s)-8:])
	}
}

// An event over PagerDuty's 512 KB limit still pages, without its details.
func TestOversizedEventLosesItsDetailsNotThePage(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	j := job(arqir.EventActionTrigger, "SEV1")
	j.Notification.Message.Fields = append(j.Notification.Message.Fields, arqir.MessageField{Label: "Findings", Value: strings.Repeat("x", 600_000)})
	if _, err := n.Notify(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	d := srv.Events()[0].Payload.CustomDetails
	if _, ok := d["Findings"]; ok || !strings.Contains(d["Note"].(string), "512 KB") {
		t.Fatalf("custom details %v", d)
	}
}

func TestInvalidEventIsPermanent(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	unknown := "ffffffffffffffffffffffffffffffff"
	n := notifier(t, srv.URL(), unknown)
	_, err := n.Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
	e := notify.AsError(err)
	if err == nil || e.Retryable || !strings.Contains(err.Error(), "Invalid routing key") || !strings.Contains(err.Error(), "INC-42") {
		t.Fatalf("%#v", err)
	}
	if strings.Contains(err.Error(), unknown) {
		t.Fatalf("the routing key is in the error: %v", err)
	}
}

func TestMessagesThatCannotBeSentArePermanent(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	for name, j := range map[string]*notify.Job{
		"no event":    job("", "SEV1"),
		"bad event":   job("snooze", "SEV1"),
		"no incident": {Notification: &arqir.Notification{Message: arqir.Message{Event: "trigger"}}},
	} {
		_, err := n.Notify(context.Background(), j)
		if err == nil || notify.AsError(err).Retryable {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(srv.Events())+len(srv.Rejected()) != 0 {
		t.Fatal("a message that cannot be sent reached PagerDuty")
	}
}

func TestRateLimitIsRetryableAfterRetryAfterOrThirtySeconds(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	srv.Faults.Next(fault.RateLimit, 1, 90*time.Second)
	_, err := n.Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
	if e := notify.AsError(err); !e.Retryable || e.RetryAfter != 90*time.Second || e.Ambiguous {
		t.Fatalf("with Retry-After: %+v", e)
	}
	srv.Faults.Next(fault.RateLimit, 1, 0) // Retry-After: 0
	_, err = n.Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
	if e := notify.AsError(err); !e.Retryable || e.RetryAfter != 30*time.Second {
		t.Fatalf("without a useful Retry-After: %+v", e)
	}
}

// A 500 is retried; the retry carries the same dedup key, so PagerDuty
// (here the fake) keeps one alert.
func TestServerErrorIsRetryableAndTheRetryIsOneAlert(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	srv.Faults.Next(fault.ServerError, 1, 0)
	j := job(arqir.EventActionTrigger, "SEV1")
	_, err := n.Notify(context.Background(), j)
	if e := notify.AsError(err); !e.Retryable || e.Ambiguous || !strings.Contains(err.Error(), "500") {
		t.Fatalf("%+v", e)
	}
	if _, err := n.Notify(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	if a, _ := srv.Alert("INC-42"); a.Opened != 1 || a.Triggers != 1 {
		t.Fatalf("alert %+v", a)
	}
}

// A timeout after the request was sent is ambiguous; when the first trigger
// did arrive, the retry is de-duplicated into the same alert.
func TestTimeoutIsAmbiguousAndARepeatedTriggerIsOneAlert(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	srv.Faults.Next(fault.Hang, 1, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := n.Notify(ctx, job(arqir.EventActionTrigger, "SEV1"))
	if e := notify.AsError(err); !e.Retryable || !e.Ambiguous {
		t.Fatalf("%+v", e)
	}
	for range 2 {
		if _, err := n.Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1")); err != nil {
			t.Fatal(err)
		}
	}
	if a, _ := srv.Alert("INC-42"); a.Opened != 1 || a.Triggers != 2 || a.Duplicates != 1 {
		t.Fatalf("alert %+v", a)
	}
}

func TestConnectionRefusedIsRetryableNotAmbiguous(t *testing.T) {
	t.Parallel()
	srv := fakepd.New(key)
	srv.Close()
	_, err := notifier(t, srv.URL(), key).Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
	if e := notify.AsError(err); !e.Retryable || e.Ambiguous {
		t.Fatalf("%+v", e)
	}
}

// Answers that are not PagerDuty's documented ones (a proxy's 403) fail at
// once: retrying the same event cannot help.
func TestOtherClientErrorsArePermanent(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "forbidden by proxy", http.StatusForbidden)
	}))
	defer ts.Close()
	_, err := notifier(t, ts.URL, key).Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
	if e := notify.AsError(err); err == nil || e.Retryable || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), "forbidden by proxy") {
		t.Fatalf("%v", err)
	}
}

// A 2xx without PagerDuty's body (a relay) still delivered the key we sent.
func TestAcceptedWithoutBodyKeepsOurKey(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	defer ts.Close()
	r, err := notifier(t, ts.URL, key).Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
	if err != nil || r.Ref != "INC-42" || r.Refs[arqir.RefPagerDutyDedupKey] != "INC-42" {
		t.Fatalf("%+v %v", r, err)
	}
}

// No secret in error text: whatever fails, the routing key is not in the
// reason that reaches the timeline, even when the answer repeats it.
func TestNoSecretInErrorText(t *testing.T) {
	t.Parallel()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"status":"invalid event","message":"Event object is invalid","errors":["routing key ` + key + ` is disabled"]}`))
	}))
	defer echo.Close()
	echo500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream said: "+key, http.StatusBadGateway)
	}))
	defer echo500.Close()
	srv, n := setup(t)
	var errs []error
	for _, k := range []fault.Kind{fault.ServerError, fault.RateLimit, fault.BadRequest} {
		srv.Faults.Next(k, 1, time.Second)
		_, err := n.Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
		errs = append(errs, err)
	}
	srv.Faults.Next(fault.Hang, 1, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := n.Notify(ctx, job(arqir.EventActionTrigger, "SEV1"))
	errs = append(errs, err)
	for _, base := range []string{echo.URL, echo500.URL, "http://127.0.0.1:1"} {
		_, err := notifier(t, base, key).Notify(context.Background(), job(arqir.EventActionTrigger, "SEV1"))
		errs = append(errs, err)
	}
	_, err = pagerduty.New(pagerduty.Config{RoutingKey: key[:31]})
	errs = append(errs, err)
	_, err = pagerduty.New(pagerduty.Config{RoutingKey: key, BaseURL: "ftp://" + key})
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Fatalf("case %d did not fail", i)
		}
		for _, s := range []string{key, key[:31]} {
			for e := err; e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), s) {
					t.Errorf("case %d: the routing key is in the error: %v", i, e)
				}
			}
		}
	}
	if !strings.Contains(errs[4].Error(), "[routing key]") {
		t.Errorf("the redacted reason should say what was there: %v", errs[4])
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]pagerduty.Config{
		"no key":       {},
		"short key":    {RoutingKey: "abc"},
		"bad base":     {RoutingKey: key, BaseURL: "events.pagerduty.com"},
		"bad severity": {RoutingKey: key, Severities: map[string]string{"SEV1": "page"}},
	} {
		if _, err := pagerduty.New(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := pagerduty.New(pagerduty.Config{RoutingKey: key}); err != nil {
		t.Errorf("defaults: %v", err)
	}
}
