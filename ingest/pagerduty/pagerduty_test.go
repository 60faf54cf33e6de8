package pagerduty_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/ingesttest"
	"github.com/arqir/arqir/ingest/pagerduty"
)

func sample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func enqueue(body string) *ingest.Request {
	r := ingesttest.NewRequest(body)
	r.Path = "/v2/enqueue"
	return r
}

// TestParseDocumentedPayloads parses PagerDuty's documented examples.
func TestParseDocumentedPayloads(t *testing.T) {
	triggerBody := sample(t, "trigger-no-dedup-key.json")
	trigger := func(key string) arqir.AlertEvent {
		return arqir.AlertEvent{
			DedupKey: key,
			Status:   arqir.AlertFiring,
			Summary:  "Example alert on host1.example.com",
			Labels: map[string]string{
				"source":    "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
				"component": "postgres",
				"group":     "prod-datapipe",
				"class":     "deploy",
			},
			Annotations: map[string]string{"ping time": "1500ms", "load avg": "0.75", "client": "Sample Monitoring Service"},
			Links:       []string{"https://monitoring.example.com", "https://example.com/"},
			StartsAt:    time.Date(2015, 7, 17, 8, 42, 58, 315e6, time.UTC),
			Severity:    "info",
		}
	}
	tests := []struct {
		file    string
		want    []arqir.AlertEvent
		wantKey string
	}{
		{"trigger.json", []arqir.AlertEvent{trigger("samplekeyhere")}, "samplekeyhere"},
		{"trigger-no-dedup-key.json", []arqir.AlertEvent{trigger(ingest.DerivedID("pagerduty", triggerBody))}, ingest.DerivedID("pagerduty", triggerBody)},
		// An acknowledge is answered like any event and changes nothing.
		{"acknowledge.json", nil, "dedupkeyhere"},
		{"resolve.json", []arqir.AlertEvent{{DedupKey: "dedupkeyhere", Status: arqir.AlertResolved, Labels: map[string]string{}, Annotations: map[string]string{}}}, "dedupkeyhere"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			body := sample(t, tc.file)
			p, err := pagerduty.Source{}.Parse(enqueue(body), ingesttest.Integration(arqir.KindPagerDuty))
			if err != nil {
				t.Fatal(err)
			}
			ingesttest.AssertEvents(t, p.Events, tc.want)
			ingesttest.CheckOutcome(t, p, nil)
			status, reply := p.Reply(ingesttest.Result(p.Events))
			want := pagerduty.Response{Status: "success", Message: "Event processed", DedupKey: tc.wantKey}
			if status != http.StatusAccepted || !reflect.DeepEqual(reply, want) {
				t.Errorf("reply %d %+v, want 202 %+v", status, reply, want)
			}
		})
	}
}

func TestCredentialIsTheRoutingKey(t *testing.T) {
	got, err := pagerduty.Source{}.Credential(enqueue(sample(t, "trigger.json")))
	if err != nil || got != "samplekeyhere" {
		t.Fatalf("got %q, %v", got, err)
	}
	_, err = pagerduty.Source{}.Credential(enqueue(`{"event_action":"trigger"}`))
	ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, "routing_key")
	_, err = pagerduty.Source{}.Credential(enqueue(`{"routing_key":`))
	ingesttest.AssertError(t, err, arqir.EINVALID, "malformed JSON")
}

// TestParseRefusesBadInput covers the bad-input cases that belong
// to parsing.
func TestParseRefusesBadInput(t *testing.T) {
	trigger := sample(t, "trigger.json")
	tests := []struct {
		name, path, body, contentType string
		code, field                   string
		fragments                     []string
	}{
		{"truncated JSON", "/v2/enqueue", trigger[:100], "", arqir.EINVALID, "", []string{"line", "column", "truncated"}},
		{"malformed JSON", "/v2/enqueue", `{"event_action": trigger}`, "", arqir.EINVALID, "", []string{"line 1, column 20"}},
		{"form encoded", "/v2/enqueue", "routing_key=x", "application/x-www-form-urlencoded", arqir.EINVALID, "Content-Type", nil},
		{"unknown path", "/v1/create_event", trigger, "", arqir.EINVALID, "", []string{"/v2/enqueue"}},
		{"change event", "/v2/change/enqueue", trigger, "", arqir.EINVALID, "", []string{"change events"}},
		{"no action", "/v2/enqueue", `{"routing_key":"k"}`, "", arqir.EUNPROCESSABLE, "event_action", nil},
		{"bad action", "/v2/enqueue", `{"routing_key":"k","event_action":"snooze"}`, "", arqir.EUNPROCESSABLE, "event_action", []string{"snooze"}},
		{"trigger without payload", "/v2/enqueue", `{"routing_key":"k","event_action":"trigger"}`, "", arqir.EUNPROCESSABLE, "payload", nil},
		{"trigger without summary", "/v2/enqueue", `{"routing_key":"k","event_action":"trigger","payload":{"source":"s","severity":"info"}}`, "", arqir.EUNPROCESSABLE, "payload.summary", nil},
		{"trigger without source", "/v2/enqueue", `{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","severity":"info"}}`, "", arqir.EUNPROCESSABLE, "payload.source", nil},
		{"trigger with bad severity", "/v2/enqueue", `{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"s","severity":"high"}}`, "", arqir.EUNPROCESSABLE, "payload.severity", []string{"high"}},
		{"resolve without dedup key", "/v2/enqueue", `{"routing_key":"k","event_action":"resolve"}`, "", arqir.EUNPROCESSABLE, "dedup_key", nil},
		{"acknowledge without dedup key", "/v2/enqueue", `{"routing_key":"k","event_action":"acknowledge"}`, "", arqir.EUNPROCESSABLE, "dedup_key", nil},
		{"dedup key too long", "/v2/enqueue", `{"routing_key":"k","event_action":"resolve","dedup_key":"` + strings.Repeat("k", 256) + `"}`, "", arqir.EUNPROCESSABLE, "dedup_key", []string{"255"}},
		{"deeply nested custom_details", "/v2/enqueue", `{"routing_key":"k","event_action":"trigger","payload":{"custom_details":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}`, "", arqir.EINVALID, "", []string{"nested deeper"}},
		{"summary of wrong type", "/v2/enqueue", `{"routing_key":"k","event_action":"trigger","payload":{"summary":1}}`, "", arqir.EINVALID, "payload.summary", []string{"a string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := enqueue(tc.body)
			r.Path = tc.path
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			p, err := pagerduty.Source{}.Parse(r, ingesttest.Integration(arqir.KindPagerDuty))
			ingesttest.AssertError(t, err, tc.code, tc.fragments...)
			if got := arqir.ErrorField(err); got != tc.field {
				t.Errorf("field %q, want %q", got, tc.field)
			}
			if p != nil {
				t.Error("a refused event returned a result")
			}
		})
	}
}

func TestLongSummaryIsTruncated(t *testing.T) {
	body := `{"routing_key":"k","event_action":"trigger","dedup_key":"d","payload":{"summary":"` + strings.Repeat("é", 600) + `","source":"s","severity":"critical"}}`
	p, err := pagerduty.Source{}.Parse(enqueue(body), ingesttest.Integration(arqir.KindPagerDuty))
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Events[0].Summary; len(s) > ingest.MaxSummary || !strings.HasSuffix(s, "…") {
		t.Errorf("summary %d bytes, ends %q", len(s), s[len(s)-4:])
	}
}

func TestCustomDetailsWithTooManyKeysStayWhole(t *testing.T) {
	body := `{"routing_key":"k","event_action":"trigger","dedup_key":"d","payload":{"summary":"s","source":"s","severity":"critical","custom_details":` + ingesttest.Labels(500) + `}}`
	p, err := pagerduty.Source{}.Parse(enqueue(body), ingesttest.Integration(arqir.KindPagerDuty))
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Events[0].Annotations; len(a) != 1 || !strings.HasPrefix(a["custom_details"], `{"label_`) {
		t.Errorf("annotations %d, custom_details %.40q", len(a), a["custom_details"])
	}
}

func TestReplyError(t *testing.T) {
	status, body := pagerduty.Source{}.ReplyError(422, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "payload.source", "payload.source is required"))
	want := pagerduty.Response{Status: "invalid event", Message: "Event object is invalid", Errors: []string{"payload.source is required"}}
	if status != http.StatusBadRequest || !reflect.DeepEqual(body, want) {
		t.Errorf("got %d %+v", status, body)
	}
	status, body = pagerduty.Source{}.ReplyError(500, errors.New("database is down"))
	if status != 500 || strings.Contains(body.(pagerduty.Response).Message, "database") {
		t.Errorf("internal error leaked: %d %+v", status, body)
	}
}
