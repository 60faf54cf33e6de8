package datadog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/datadog"
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
	return datadog.Source{}.Parse(ingesttest.NewRequest(body, header...), ingesttest.Integration(arqir.KindDatadog))
}

// TestParseDocumentedPayloads parses the default payload and arqir's custom
// payload into the expected events; trigger and recovery share a key.
func TestParseDocumentedPayloads(t *testing.T) {
	defaultKey := "datadog-title:" + ingest.DerivedID("", "[TEST] Host Cluster Alert")
	defaultMsg := func(file string) string {
		var s string
		if strings.Contains(file, "triggered") {
			s = "%%%\n@webhook-relay-test\n@webhook-relay-prod-demo\n@webhook-relay\n\nTest notification triggered by kenaz@puppet.com.\n\n\n\nThe monitor was last triggered at Wed Jun 03 2020 20:43:04 UTC.\n\n- - -\n\n[[Monitor Status](https://app.datadoghq.com/monitors#18692904?)] · [[Edit Monitor](https://app.datadoghq.com/monitors#18692904/edit)]\n%%%"
		} else {
			s = "%%%\n@webhook-relay\n\nThe monitor recovered at Wed Jun 03 2020 20:58:04 UTC.\n\n- - -\n\n[[Monitor Status](https://app.datadoghq.com/monitors#18692904?)] · [[Edit Monitor](https://app.datadoghq.com/monitors#18692904/edit)]\n%%%"
		}
		return s
	}
	customLabels := map[string]string{
		"host": "ip-012345", "monitor_id": "1234", "event_type": "query_alert_monitor",
		"availability-zone": "us-east-1a", "role": "computing-node", "env": "prod", "service": "checkout", "monitor": "true",
	}
	customAnnotations := func(transition, id string) map[string]string {
		return map[string]string{
			"message":     "%%%\nsystem.load.1 over host:my-host was > 0 at least once during the last 1m\n@webhook-arqir\n%%%",
			"status_text": "system.load.1 over host:my-host was > 0 at least once during the last 1m",
			"query":       "avg(last_1m):avg:system.load.1{*} by {host} > 0",
			"metric":      "system.load.1",
			"scope":       "availability-zone:us-east-1a, role:computing-node",
			"transition":  transition,
			"tags":        "env:prod,service:checkout,role:computing-node,monitor",
			"datadog_org": "Example Org",
			"event_id":    id,
		}
	}
	tests := []struct {
		file, requestKey string
		want             arqir.AlertEvent
	}{
		{"default-triggered.json", "datadog:id:5485379890863845239", arqir.AlertEvent{
			DedupKey: defaultKey, Status: arqir.AlertFiring, Summary: "[TEST] Host Cluster Alert",
			Labels:      map[string]string{"event_type": "service_check"},
			Annotations: map[string]string{"message": defaultMsg("triggered"), "transition": "Triggered", "datadog_org": "Puppet", "event_id": "5485379890863845239"},
			StartsAt:    time.UnixMilli(1591216985000).UTC(),
		}},
		{"default-recovered.json", "datadog:id:5485379890863849001", arqir.AlertEvent{
			DedupKey: defaultKey, Status: arqir.AlertResolved, Summary: "[TEST] Host Cluster Alert",
			Labels:      map[string]string{"event_type": "service_check"},
			Annotations: map[string]string{"message": defaultMsg("recovered"), "transition": "Recovered", "datadog_org": "Puppet", "event_id": "5485379890863849001"},
			EndsAt:      time.UnixMilli(1591217885000).UTC(),
		}},
		{"custom-triggered.json", "datadog:id:7082913360148270001", arqir.AlertEvent{
			DedupKey: "6ef5a9c4-3f1d-4c2e-9b7a-0d8e2f4a1b3c", Status: arqir.AlertFiring, Summary: "Host is Down (host:ip-012345)",
			Labels: customLabels, Annotations: customAnnotations("Triggered", "7082913360148270001"),
			Links:    []string{"https://app.datadoghq.com/event/event?id=7082913360148270001"},
			StartsAt: time.UnixMilli(1406662672000).UTC(), Severity: "P1", GroupKey: "9bd4ac313a4d1e8fae2482df7b77628",
		}},
		{"custom-recovered.json", "datadog:id:7082913360148279999", arqir.AlertEvent{
			DedupKey: "6ef5a9c4-3f1d-4c2e-9b7a-0d8e2f4a1b3c", Status: arqir.AlertResolved, Summary: "Host is Down (host:ip-012345)",
			Labels: customLabels, Annotations: customAnnotations("Recovered", "7082913360148279999"),
			Links:  []string{"https://app.datadoghq.com/event/event?id=7082913360148279999"},
			EndsAt: time.UnixMilli(1406663572000).UTC(), Severity: "P1", GroupKey: "9bd4ac313a4d1e8fae2482df7b77628",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p, err := parse(t, sample(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			ingesttest.AssertEvents(t, p.Events, []arqir.AlertEvent{tc.want})
			ingesttest.CheckOutcome(t, p, nil)
			if p.RequestKey != tc.requestKey {
				t.Errorf("request key %q, want %q", p.RequestKey, tc.requestKey)
			}
		})
	}
}

func TestStatusAndKeyFallbacks(t *testing.T) {
	tests := []struct {
		name, body    string
		status        arqir.AlertStatus
		key, severity string
	}{
		{"warn is firing with warning", `{"alert_transition":"Re-Warn","alert_id":"9","title":"CPU"}`, arqir.AlertFiring, "datadog-monitor:9", "warning"},
		{"no data is firing", `{"alert_transition":"No Data","alert_id":"9","alert_scope":"host:a"}`, arqir.AlertFiring, "datadog-monitor:9:host:a", ""},
		{"renotify is firing", `{"alert_transition":"Renotify","alert_cycle_key":"c"}`, arqir.AlertFiring, "c", ""},
		{"success type resolves", `{"alert_type":"success","alert_id":9}`, arqir.AlertResolved, "datadog-monitor:9", ""},
		{"priority and group in title", `{"title":"[P2] [Re-Triggered on {host:web-1}] Disk full"}`, arqir.AlertFiring, "datadog-title:" + ingest.DerivedID("host:web-1", "Disk full"), "P2"},
		{"alert type is severity", `{"title":"[Triggered] x","alert_type":"warning"}`, arqir.AlertFiring, "datadog-title:" + ingest.DerivedID("", "x"), "warning"},
		{"unfilled cycle key is ignored", `{"alert_cycle_key":"$ALERT_CYCLE_KEY","alert_transition":"Triggered","alert_id":"5"}`, arqir.AlertFiring, "datadog-monitor:5", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parse(t, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			ev := p.Events[0]
			if ev.Status != tc.status || ev.DedupKey != tc.key || ev.Severity != tc.severity {
				t.Errorf("got %s %q %q, want %s %q %q", ev.Status, ev.DedupKey, ev.Severity, tc.status, tc.key, tc.severity)
			}
		})
	}
}

func TestCredential(t *testing.T) {
	r := ingesttest.NewRequest("{}", "Authorization", "Bearer s3cret")
	if got, err := (datadog.Source{}).Credential(r); err != nil || got != "s3cret" {
		t.Fatalf("header: %q %v", got, err)
	}
	r = ingesttest.NewRequest("{}")
	r.Path = "/s3cret"
	if got, err := (datadog.Source{}).Credential(r); err != nil || got != "s3cret" {
		t.Fatalf("path: %q %v", got, err)
	}
	r.Path = "/a/b"
	_, err := datadog.Source{}.Credential(r)
	ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, "Custom Headers", "/ingest/datadog/<credential>")
	_, err = datadog.Source{}.Credential(ingesttest.NewRequest("{}", "Authorization", "Basic czNjcmV0"))
	ingesttest.AssertError(t, err, arqir.EUNAUTHORIZED, "Bearer")
}

func TestParseRefusesBadInput(t *testing.T) {
	custom := sample(t, "custom-triggered.json")
	tests := []struct {
		name, body  string
		header      []string
		code, field string
		fragments   []string
	}{
		{"encoded as form", "title=%5BTriggered%5D", []string{"Content-Type", "application/x-www-form-urlencoded"}, arqir.EINVALID, "Content-Type", []string{"Encode as form"}},
		{"truncated JSON", custom[:300], nil, arqir.EINVALID, "", []string{"line", "column", "truncated"}},
		{"malformed JSON", "{\"title\": \"[Triggered] x\",\n\"id\": 12,}", nil, arqir.EINVALID, "", []string{"line 2, column 10"}},
		{"no state", `{"title":"CPU high","id":"1"}`, nil, arqir.EUNPROCESSABLE, "alert_transition", []string{"$ALERT_TRANSITION"}},
		{"no identity", `{"alert_transition":"Triggered"}`, nil, arqir.EUNPROCESSABLE, "alert_cycle_key", []string{"$ALERT_CYCLE_KEY"}},
		{"org not an object", `{"title":"[Triggered] x","org":"acme"}`, nil, arqir.EINVALID, "org", []string{"an object"}},
		{"deeply nested", ingesttest.Nested("org", 33), nil, arqir.EINVALID, "", []string{"nested deeper"}},
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

// TestManyTagsDoNotRefuseTheAlert: tags are context; past the label limit
// they stay in the "tags" annotation only.
func TestManyTagsDoNotRefuseTheAlert(t *testing.T) {
	tags := make([]string, 300)
	for i := range tags {
		tags[i] = "tag" + strings.Repeat("x", i%5) + ":" + string(rune('a'+i%26)) + strings.Repeat("y", i)
	}
	p, err := parse(t, `{"alert_cycle_key":"c","alert_transition":"Triggered","tags":"`+strings.Join(tags, ",")+`"}`)
	if err != nil {
		t.Fatal(err)
	}
	ingesttest.CheckOutcome(t, p, nil)
	if !strings.HasPrefix(p.Events[0].Annotations["tags"], "tag:a") {
		t.Error("the tags annotation is missing")
	}
}
