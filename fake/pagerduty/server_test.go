package pagerduty_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	gopd "github.com/PagerDuty/go-pagerduty"

	"github.com/arqir/arqir/fake/fault"
	"github.com/arqir/arqir/fake/pagerduty"
)

const (
	key      = "0123456789abcdef0123456789abcdef"
	otherKey = "fedcba9876543210fedcba9876543210"
)

func start(t *testing.T, keys ...string) *pagerduty.Server {
	t.Helper()
	srv := pagerduty.New(keys...)
	t.Cleanup(srv.Close)
	return srv
}

// post sends body as JSON to /v2/enqueue and decodes the answer.
func post(t *testing.T, srv *pagerduty.Server, body string) (int, pagerduty.Response) {
	t.Helper()
	return postAs(t, srv, "application/json", body)
}

func postAs(t *testing.T, srv *pagerduty.Server, contentType, body string) (int, pagerduty.Response) {
	t.Helper()
	resp, err := http.Post(srv.URL()+"/v2/enqueue", contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r pagerduty.Response
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusAccepted || resp.StatusCode == http.StatusBadRequest {
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("answer %d is not PagerDuty's JSON: %q", resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, r
}

func trigger(dedup string) string {
	return `{"routing_key":"` + key + `","event_action":"trigger","dedup_key":"` + dedup + `",
		"payload":{"summary":"[SEV1] Checkout down","source":"arqir","severity":"critical","timestamp":"2015-07-17T08:42:58.315+0000","custom_details":{"Status":"INVESTIGATING"}},
		"links":[{"href":"https://arqir.example/incidents/42","text":"INC-42"}]}`
}

func action(act, dedup string) string {
	return `{"routing_key":"` + key + `","event_action":"` + act + `","dedup_key":"` + dedup + `"}`
}

func TestTriggerAcknowledgeResolve(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	status, r := post(t, srv, trigger("INC-42"))
	if status != http.StatusAccepted || r.Status != "success" || r.Message != "Event processed" || r.DedupKey != "INC-42" {
		t.Fatalf("trigger: %d %+v", status, r)
	}
	a, ok := srv.Alert("INC-42")
	if !ok || a.State != pagerduty.StateTriggered || a.Summary != "[SEV1] Checkout down" || a.Severity != "critical" || a.Source != "arqir" || a.Opened != 1 {
		t.Fatalf("after trigger: %+v %v", a, ok)
	}
	if status, _ := post(t, srv, action("acknowledge", "INC-42")); status != http.StatusAccepted {
		t.Fatalf("acknowledge: %d", status)
	}
	if a, _ := srv.Alert("INC-42"); a.State != pagerduty.StateAcknowledged || a.Acknowledges != 1 {
		t.Fatalf("after acknowledge: %+v", a)
	}
	if status, _ := post(t, srv, action("resolve", "INC-42")); status != http.StatusAccepted {
		t.Fatalf("resolve: %d", status)
	}
	if a, _ := srv.Alert("INC-42"); a.State != pagerduty.StateResolved || a.Resolves != 1 {
		t.Fatalf("after resolve: %+v", a)
	}
	evs := srv.Events()
	if len(evs) != 3 || evs[0].Payload.CustomDetails["Status"] != "INVESTIGATING" || evs[0].Links[0].Href != "https://arqir.example/incidents/42" || evs[0].ReceivedAt.IsZero() {
		t.Fatalf("events %+v", evs)
	}
}

// The same trigger twice is one alert, as PagerDuty de-duplicates it, but
// the fake records that it arrived twice.
func TestDuplicateTriggerIsOneAlertReceivedTwice(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	for range 2 {
		if status, r := post(t, srv, trigger("INC-7")); status != http.StatusAccepted || r.DedupKey != "INC-7" {
			t.Fatalf("%d %+v", status, r)
		}
	}
	a, _ := srv.Alert("INC-7")
	if a.Opened != 1 || a.Triggers != 2 || a.Duplicates != 1 || a.State != pagerduty.StateTriggered {
		t.Fatalf("alert %+v", a)
	}
	if evs := srv.Events(); len(evs) != 2 || evs[0].Duplicate || !evs[1].Duplicate {
		t.Fatalf("events %+v", evs)
	}
}

// A trigger to an acknowledged alert stays on it (no new notifications);
// a trigger after resolve opens a new alert; ack and resolve of a resolved,
// unknown or other routing key's alert are accepted and dropped.
func TestDeduplicationRules(t *testing.T) {
	t.Parallel()
	srv := start(t, key, otherKey)
	post(t, srv, trigger("k"))
	post(t, srv, action("acknowledge", "k"))
	post(t, srv, trigger("k"))
	if a, _ := srv.Alert("k"); a.State != pagerduty.StateAcknowledged || a.Opened != 1 || a.Duplicates != 1 {
		t.Fatalf("trigger on acknowledged: %+v", a)
	}
	other := `{"routing_key":"` + otherKey + `","event_action":"resolve","dedup_key":"k"}`
	if status, _ := post(t, srv, other); status != http.StatusAccepted {
		t.Fatalf("resolve under another key: %d", status)
	}
	if a, _ := srv.AlertFor(key, "k"); a.State != pagerduty.StateAcknowledged {
		t.Fatalf("another routing key resolved the alert: %+v", a)
	}
	post(t, srv, action("resolve", "k"))
	post(t, srv, action("acknowledge", "k"))
	if a, _ := srv.Alert("k"); a.State != pagerduty.StateResolved || a.Acknowledges != 1 {
		t.Fatalf("ack after resolve: %+v", a)
	}
	post(t, srv, trigger("k"))
	if a, _ := srv.Alert("k"); a.State != pagerduty.StateTriggered || a.Opened != 2 || a.Triggers != 3 {
		t.Fatalf("trigger after resolve: %+v", a)
	}
	post(t, srv, action("resolve", "never-triggered"))
	if _, ok := srv.Alert("never-triggered"); ok {
		t.Fatal("a resolve opened an alert")
	}
	var dropped int
	for _, ev := range srv.Events() {
		if ev.Dropped {
			dropped++
		}
	}
	if dropped != 3 {
		t.Fatalf("dropped %d events, want 3 (other key, ack after resolve, unknown key)", dropped)
	}
}

func TestTriggerWithoutDedupKeyGetsAFreshOne(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	body := `{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"}}`
	_, r1 := post(t, srv, body)
	_, r2 := post(t, srv, body)
	if r1.DedupKey == "" || r1.DedupKey == r2.DedupKey {
		t.Fatalf("generated keys %q and %q", r1.DedupKey, r2.DedupKey)
	}
	if a, ok := srv.Alert(r1.DedupKey); !ok || a.Opened != 1 {
		t.Fatalf("alert %+v", a)
	}
}

func TestInvalidEvents(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	long := func(n int) string { return strings.Repeat("é", n) }
	cases := map[string]struct{ body, want string }{
		"not json":           {`{"routing_key":`, "not valid JSON"},
		"wrong type":         {`{"routing_key":42}`, "wrong type"},
		"no routing key":     {`{"event_action":"trigger"}`, "'routing_key' is missing"},
		"short routing key":  {`{"routing_key":"abc","event_action":"resolve","dedup_key":"x"}`, "wrong length"},
		"unknown key":        {`{"routing_key":"` + otherKey + `","event_action":"resolve","dedup_key":"x"}`, "Invalid routing key"},
		"no action":          {`{"routing_key":"` + key + `","dedup_key":"x"}`, "'event_action' is missing"},
		"bad action":         {`{"routing_key":"` + key + `","event_action":"snooze","dedup_key":"x"}`, "'event_action' must be one of"},
		"long dedup":         {`{"routing_key":"` + key + `","event_action":"resolve","dedup_key":"` + long(256) + `"}`, "'dedup_key' is too long"},
		"ack without dedup":  {`{"routing_key":"` + key + `","event_action":"acknowledge"}`, "'dedup_key' is required to acknowledge"},
		"resolve no dedup":   {`{"routing_key":"` + key + `","event_action":"resolve","dedup_key":" "}`, "'dedup_key' is required to resolve"},
		"no payload":         {`{"routing_key":"` + key + `","event_action":"trigger"}`, "'payload' is missing"},
		"no summary":         {`{"routing_key":"` + key + `","event_action":"trigger","payload":{"source":"h","severity":"info"}}`, "'payload.summary' is missing"},
		"long summary":       {`{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"` + long(1025) + `","source":"h","severity":"info"}}`, "'payload.summary' is too long"},
		"no source":          {`{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"s","severity":"info"}}`, "'payload.source' is missing"},
		"bad severity":       {`{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"SEV1"}}`, "'payload.severity' must be one of"},
		"bad timestamp":      {`{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info","timestamp":"yesterday"}}`, "'payload.timestamp'"},
		"details not object": {`{"routing_key":"` + key + `","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info","custom_details":"x"}}`, "wrong type"},
		"http image":         {`{"routing_key":"` + key + `","event_action":"resolve","dedup_key":"x","images":[{"src":"http://x/i.png"}]}`, "https"},
		"link without href":  {`{"routing_key":"` + key + `","event_action":"resolve","dedup_key":"x","links":[{"text":"t"}]}`, "'links[].href'"},
	}
	for name, c := range cases {
		status, r := post(t, srv, c.body)
		if status != http.StatusBadRequest || r.Status != "invalid event" || r.Message != "Event object is invalid" || !strings.Contains(strings.Join(r.Errors, "; "), c.want) {
			t.Errorf("%s: %d %+v, want 400 with %q", name, status, r, c.want)
		}
		for _, e := range r.Errors {
			if strings.Contains(e, key) || strings.Contains(e, otherKey) {
				t.Errorf("%s: the answer repeats the routing key: %q", name, e)
			}
		}
	}
	if got := len(srv.Rejected()); got != len(cases) {
		t.Errorf("rejected %d, want %d", got, len(cases))
	}
	if len(srv.Events()) != 0 {
		t.Errorf("invalid events were recorded as accepted: %+v", srv.Events())
	}

	// Every reason is listed at once.
	_, r := post(t, srv, `{"routing_key":"`+key+`","event_action":"trigger","payload":{"severity":"loud"}}`)
	if len(r.Errors) != 3 {
		t.Errorf("errors %q, want summary, source and severity", r.Errors)
	}
}

func TestContentTypeAndSize(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	if status, r := postAs(t, srv, "text/plain", action("resolve", "x")); status != http.StatusBadRequest || !strings.Contains(r.Errors[0], "application/json") {
		t.Fatalf("text/plain: %d %+v", status, r)
	}
	if status, _ := postAs(t, srv, "application/json; charset=utf-8", action("resolve", "x")); status != http.StatusAccepted {
		t.Fatalf("charset parameter refused: %d", status)
	}
	pad := strings.Repeat("x", pagerduty.MaxBody)
	big := `{"routing_key":"` + key + `","event_action":"trigger","dedup_key":"big","payload":{"summary":"s","source":"h","severity":"info","custom_details":{"pad":"` + pad + `"}}}`
	if status, r := post(t, srv, big); status != http.StatusBadRequest || !strings.Contains(r.Errors[0], "512 KB") {
		t.Fatalf("over 512 KB: %d %+v", status, r)
	}
	fits := `{"routing_key":"` + key + `","event_action":"trigger","dedup_key":"fits","payload":{"summary":"s","source":"h","severity":"info","custom_details":{"pad":"` + pad[:pagerduty.MaxBody-300] + `"}}}`
	if status, _ := post(t, srv, fits); status != http.StatusAccepted {
		t.Fatalf("under 512 KB: %d", status)
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	resp, err := http.Get(srv.URL() + "/v2/enqueue")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	resp, err = http.Post(srv.URL()+"/v1/enqueue", "application/json", strings.NewReader(action("resolve", "x")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown path: %d", resp.StatusCode)
	}
}

// Faults are answered before the request is looked at, and nothing is recorded.
func TestFaultsComeFirst(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	srv.Faults.Next(fault.ServerError, 1, 0)
	srv.Faults.Next(fault.RateLimit, 1, 90*time.Second)
	if status, _ := post(t, srv, "not even json"); status != http.StatusInternalServerError {
		t.Fatalf("first: %d, want the injected 500", status)
	}
	resp, err := http.Post(srv.URL()+"/v2/enqueue", "application/json", strings.NewReader(trigger("INC-1")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "90" {
		t.Fatalf("second: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if len(srv.Events())+len(srv.Rejected()) != 0 || srv.Faults.Injected() != 2 {
		t.Fatalf("faulted requests were recorded: %d events, %d rejected, %d injected", len(srv.Events()), len(srv.Rejected()), srv.Faults.Injected())
	}
	if status, _ := post(t, srv, trigger("INC-1")); status != http.StatusAccepted {
		t.Fatalf("after the faults: %d", status)
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() {
		// Not post: t.Fatal belongs to the test goroutine.
		for _, body := range []string{trigger("INC-9"), action("acknowledge", "INC-9")} {
			resp, err := http.Post(srv.URL()+"/v2/enqueue", "application/json", strings.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}
	}()
	if a, err := srv.WaitAlert(ctx, "INC-9", pagerduty.StateAcknowledged); err != nil || a.Acknowledges != 1 {
		t.Fatalf("%+v %v", a, err)
	}
	if evs, err := srv.WaitEvents(ctx, 2); err != nil || len(evs) != 2 {
		t.Fatalf("%d events, %v", len(evs), err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	if _, err := srv.WaitEvents(short, 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting for an event that never comes: %v", err)
	}
}

// The real go-pagerduty client reads the fake's answers as PagerDuty's.
func TestGoPagerDutyClient(t *testing.T) {
	t.Parallel()
	srv := start(t, key)
	client := gopd.NewClient("", gopd.WithV2EventsAPIEndpoint(srv.URL()))
	ctx := context.Background()
	res, err := client.ManageEventWithContext(ctx, &gopd.V2Event{
		RoutingKey: key, Action: "trigger",
		Payload: &gopd.V2Payload{Summary: "disk full on db-1", Source: "db-1", Severity: "critical", Timestamp: time.Now().Format(time.RFC3339), Details: map[string]any{"free": "0%"}},
	})
	if err != nil || res.Status != "success" || res.DedupKey == "" {
		t.Fatalf("trigger: %+v %v", res, err)
	}
	if _, err := client.ManageEventWithContext(ctx, &gopd.V2Event{RoutingKey: key, Action: "resolve", DedupKey: res.DedupKey}); err != nil {
		t.Fatal(err)
	}
	if a, _ := srv.Alert(res.DedupKey); a.State != pagerduty.StateResolved {
		t.Fatalf("alert %+v", a)
	}
	_, err = client.ManageEventWithContext(ctx, &gopd.V2Event{RoutingKey: key, Action: "trigger", Payload: &gopd.V2Payload{Summary: "no source", Severity: "critical"}})
	var apiErr gopd.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Fatalf("invalid event: %#v", err)
	}
}
