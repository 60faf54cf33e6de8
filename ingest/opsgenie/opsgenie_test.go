package opsgenie_test

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/ingesttest"
	"github.com/arqir/arqir/ingest/opsgenie"
)

func sample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func request(path, query, body string) *ingest.Request {
	r := ingesttest.NewRequest(body, "Authorization", "GenieKey s3cret")
	r.Path = path
	if query != "" {
		r.Query.Set("identifierType", query)
	}
	return r
}

// TestParseDocumentedPayloads parses Opsgenie's documented examples.
func TestParseDocumentedPayloads(t *testing.T) {
	tests := []struct {
		name, path, identifierType, file string
		want                             arqir.AlertEvent
	}{
		{"create", "/v2/alerts", "", "create.json", arqir.AlertEvent{
			DedupKey: "Life is too short for no alias",
			Status:   arqir.AlertFiring,
			Summary:  "An example alert message",
			Labels:   map[string]string{"entity": "An example entity", "OverwriteQuietHours": "true", "Critical": "true"},
			Annotations: map[string]string{
				"description": "Every alert needs a description",
				"key1":        "value1",
				"key2":        "value2",
				"actions":     "Restart, AnExampleAction",
				"tags":        "OverwriteQuietHours, Critical",
				"responders":  `[{"id":"4513b7ea-3b91-438f-b7e4-e3e54af9147c","type":"team"},{"name":"NOC","type":"team"},{"id":"bb4d9938-c3c2-455d-aaab-727aa701c0d8","type":"user"},{"username":"trinity@opsgenie.com","type":"user"},{"id":"aee8a0de-c80f-4515-a232-501c0bc9d715","type":"escalation"},{"name":"Nightwatch Escalation","type":"escalation"},{"id":"80564037-1984-4f38-b98e-8a1f662df552","type":"schedule"},{"name":"First Responders Schedule","type":"schedule"}]`,
				"visible_to":  `[{"id":"4513b7ea-3b91-438f-b7e4-e3e54af9147c","type":"team"},{"name":"rocket_team","type":"team"},{"id":"bb4d9938-c3c2-455d-aaab-727aa701c0d8","type":"user"},{"username":"trinity@opsgenie.com","type":"user"}]`,
			},
			Severity: "P1",
		}},
		{"close by alias", "/v2/alerts/life_is_too_short_for_no_alias/close", "alias", "close.json", arqir.AlertEvent{
			DedupKey:    "life_is_too_short_for_no_alias",
			Status:      arqir.AlertResolved,
			Labels:      map[string]string{},
			Annotations: map[string]string{"user": "Monitoring Script", "source": "AWS Lambda", "note": "Action executed via Alert API"},
		}},
		{"alertmanager create", "/v2/alerts", "", "alertmanager-create.json", arqir.AlertEvent{
			DedupKey: "6d8d1e7b1c2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
			Status:   arqir.AlertFiring,
			Summary:  "[FIRING:1] HighCPU web-1:9100 node critical",
			Labels:   map[string]string{"entity": "web-1", "source": "http://alertmanager.example.com:9093/#/alerts?receiver=arqir", "env": "prod", "checkout": "true"},
			Annotations: map[string]string{
				"description": "CPU above 80% on web-1:9100 for 5m",
				"alertname":   "HighCPU", "instance": "web-1:9100", "job": "node", "severity": "critical",
				"tags":       "env:prod, checkout",
				"responders": `[{"name":"sre","type":"team"}]`,
			},
			Severity: "P1",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := opsgenie.Source{}.Parse(request(tc.path, tc.identifierType, sample(t, tc.file)), ingesttest.Integration(arqir.KindOpsgenie))
			if err != nil {
				t.Fatal(err)
			}
			ingesttest.AssertEvents(t, p.Events, []arqir.AlertEvent{tc.want})
			ingesttest.CheckOutcome(t, p, nil)
			status, body := p.Reply(ingesttest.Result(p.Events))
			if r, ok := body.(opsgenie.Response); status != http.StatusAccepted || !ok || r.Result != "Request will be processed" || r.RequestID == "" {
				t.Errorf("reply %d %+v", status, body)
			}
		})
	}
}

// TestAcknowledgeChangesNothing: an acknowledge is checked and answered as
// Opsgenie answers it, and yields no event: it must neither fire an alert
// nor create one.
func TestAcknowledgeChangesNothing(t *testing.T) {
	for _, body := range []string{sample(t, "close.json"), ""} {
		p, err := opsgenie.Source{}.Parse(request("/v2/alerts/a%2Fb%20c/acknowledge", "alias", body), ingesttest.Integration(arqir.KindOpsgenie))
		if err != nil {
			t.Fatal(err)
		}
		ingesttest.AssertEvents(t, p.Events, nil)
		ingesttest.CheckOutcome(t, p, nil)
		status, reply := p.Reply(nil)
		if r, ok := reply.(opsgenie.Response); status != http.StatusAccepted || !ok || r.Result != "Request will be processed" || r.RequestID == "" {
			t.Errorf("reply %d %+v", status, reply)
		}
	}
	_, err := opsgenie.Source{}.Parse(request("/v2/alerts/x/acknowledge", "tiny", ""), ingesttest.Integration(arqir.KindOpsgenie))
	ingesttest.AssertError(t, err, arqir.EUNPROCESSABLE, "tiny")
}

// TestCreateWithoutAlias: the generated dedup key is the returned requestId,
// so the sender can close the alert with it; a retry gets the same one.
func TestCreateWithoutAlias(t *testing.T) {
	body := `{"message":"disk full on db-1","priority":"P2"}`
	p, err := opsgenie.Source{}.Parse(request("/v2/alerts", "", body), ingesttest.Integration(arqir.KindOpsgenie))
	if err != nil {
		t.Fatal(err)
	}
	_, reply := p.Reply(nil)
	id := reply.(opsgenie.Response).RequestID
	if p.Events[0].DedupKey != id {
		t.Fatalf("dedup key %q, requestId %q", p.Events[0].DedupKey, id)
	}
	again, _ := opsgenie.Source{}.Parse(request("/v2/alerts", "", body), ingesttest.Integration(arqir.KindOpsgenie))
	if again.Events[0].DedupKey != id || again.RequestKey != p.RequestKey {
		t.Fatal("a retry got another key")
	}
	closed, err := opsgenie.Source{}.Parse(request("/v2/alerts/"+id+"/close", "", ""), ingesttest.Integration(arqir.KindOpsgenie))
	if err != nil || closed.Events[0].DedupKey != id || closed.Events[0].Status != arqir.AlertResolved {
		t.Fatalf("close by id: %+v %v", closed, err)
	}
}

func TestLongMessageIsCutTo130Characters(t *testing.T) {
	msg := strings.Repeat("é", 200)
	p, err := opsgenie.Source{}.Parse(request("/v2/alerts", "", `{"message":"`+msg+`"}`), ingesttest.Integration(arqir.KindOpsgenie))
	if err != nil {
		t.Fatal(err)
	}
	ev := p.Events[0]
	if n := len([]rune(ev.Summary)); n != 130 || ev.Annotations["message"] != msg || ev.Severity != "P3" {
		t.Errorf("summary %d characters, message annotation kept: %v, severity %q", n, ev.Annotations["message"] == msg, ev.Severity)
	}
}

func TestCloseKeysDifferPerAlert(t *testing.T) {
	a, _ := opsgenie.Source{}.Parse(request("/v2/alerts/a/close", "alias", ""), ingesttest.Integration(arqir.KindOpsgenie))
	b, _ := opsgenie.Source{}.Parse(request("/v2/alerts/b/close", "alias", ""), ingesttest.Integration(arqir.KindOpsgenie))
	if a.RequestKey == b.RequestKey {
		t.Fatal("two closes of different alerts share a request key")
	}
}

func TestCredential(t *testing.T) {
	got, err := opsgenie.Source{}.Credential(request("/v2/alerts", "", "{}"))
	if err != nil || got != "s3cret" {
		t.Fatalf("got %q, %v", got, err)
	}
	for _, h := range []string{"", "Bearer s3cret", "GenieKey"} {
		_, err := opsgenie.Source{}.Credential(ingesttest.NewRequest("{}", "Authorization", h))
		ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, "GenieKey")
		ingesttest.AssertNoSecret(t, err, "s3cret")
	}
}

func TestParseRefusesBadInput(t *testing.T) {
	create := sample(t, "create.json")
	tests := []struct {
		name, path, identifierType, body string
		code, field                      string
		fragments                        []string
	}{
		{"truncated JSON", "/v2/alerts", "", create[:200], arqir.EINVALID, "", []string{"line", "column"}},
		{"malformed JSON", "/v2/alerts", "", `{"message" "x"}`, arqir.EINVALID, "", []string{"line 1, column 12"}},
		{"no message", "/v2/alerts", "", `{"alias":"a"}`, arqir.EUNPROCESSABLE, "message", nil},
		{"blank message", "/v2/alerts", "", `{"message":"  "}`, arqir.EUNPROCESSABLE, "message", nil},
		{"bad priority", "/v2/alerts", "", `{"message":"m","priority":"P0"}`, arqir.EUNPROCESSABLE, "priority", []string{"P0"}},
		{"alias too long", "/v2/alerts", "", `{"message":"m","alias":"` + strings.Repeat("a", 513) + `"}`, arqir.EUNPROCESSABLE, "alias", nil},
		{"tags not a list", "/v2/alerts", "", `{"message":"m","tags":"a,b"}`, arqir.EINVALID, "tags", []string{"a list"}},
		{"tiny id", "/v2/alerts/42/close", "tiny", "", arqir.EUNPROCESSABLE, "identifierType", nil},
		{"unknown identifier type", "/v2/alerts/42/close", "name", "", arqir.EINVALID, "identifierType", nil},
		{"unknown path", "/v2/alerts/42/snooze", "", "", arqir.EINVALID, "", []string{"/v2/alerts/{identifier}/close"}},
		{"deeply nested", "/v2/alerts", "", ingesttest.Nested("details", 64), arqir.EINVALID, "", []string{"nested deeper"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := opsgenie.Source{}.Parse(request(tc.path, tc.identifierType, tc.body), ingesttest.Integration(arqir.KindOpsgenie))
			ingesttest.AssertError(t, err, tc.code, tc.fragments...)
			if got := arqir.ErrorField(err); got != tc.field {
				t.Errorf("field %q, want %q", got, tc.field)
			}
			if p != nil {
				t.Error("a refused request returned a result")
			}
		})
	}
	r := request("/v2/alerts", "", "message=x")
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err := opsgenie.Source{}.Parse(r, ingesttest.Integration(arqir.KindOpsgenie))
	ingesttest.AssertError(t, err, arqir.EINVALID, "Content-Type")
}

func TestReplyError(t *testing.T) {
	status, body := opsgenie.Source{}.ReplyError(http.StatusUnprocessableEntity, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "message", "message is required"))
	r, ok := body.(opsgenie.Response)
	if status != http.StatusUnprocessableEntity || !ok || r.Message != "message is required" || r.RequestID == "" || r.Result != "" {
		t.Errorf("got %d %+v", status, body)
	}
	if reflect.DeepEqual(r, opsgenie.Response{}) {
		t.Fatal("empty reply")
	}
}
