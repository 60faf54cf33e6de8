package alertmanager_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/alertmanager"
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

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// TestParseDocumentedPayloads parses the documented sample payloads into the
// expected events.
func TestParseDocumentedPayloads(t *testing.T) {
	const groupKey = `{}/{severity="critical"}:{alertname="HighCPU"}`
	const generator = "http://prometheus.example.com:9090/graph?g0.expr=cpu_usage+%3E+0.8&g0.tab=1"
	tests := []struct {
		name   string
		source ingest.Source
		file   string
		want   []arqir.AlertEvent
	}{
		{"alertmanager firing", alertmanager.Source{}, "alertmanager-v4.json", []arqir.AlertEvent{{
			DedupKey:    "3b15fd163d36582e",
			Status:      arqir.AlertFiring,
			Summary:     "CPU above 80% on web-1:9100 for 5m",
			Labels:      map[string]string{"alertname": "HighCPU", "instance": "web-1:9100", "job": "node", "severity": "critical"},
			Annotations: map[string]string{"summary": "CPU above 80% on web-1:9100 for 5m", "runbook_url": "https://runbooks.example.com/high-cpu"},
			Links:       []string{generator},
			StartsAt:    at("2026-03-02T09:20:00.123Z"),
			Severity:    "critical",
			GroupKey:    groupKey,
		}, {
			DedupKey:    "9c2a8bf1d3e4a511",
			Status:      arqir.AlertFiring,
			Summary:     "CPU above 80% for 5m",
			Labels:      map[string]string{"alertname": "HighCPU", "instance": "web-2:9100", "job": "node", "severity": "critical"},
			Annotations: map[string]string{"description": "CPU above 80% for 5m", "runbook_url": "https://runbooks.example.com/high-cpu"},
			Links:       []string{generator},
			StartsAt:    at("2026-03-02T09:21:00Z"),
			Severity:    "critical",
			GroupKey:    groupKey,
		}}},
		{"alertmanager resolved, truncated, no fingerprint", alertmanager.Source{}, "alertmanager-resolved.json", []arqir.AlertEvent{{
			DedupKey:    ingest.DerivedID("alertname", "HighCPU", "instance", "web-1:9100", "job", "node", "severity", "critical"),
			Status:      arqir.AlertResolved,
			Summary:     "HighCPU",
			Labels:      map[string]string{"alertname": "HighCPU", "instance": "web-1:9100", "job": "node", "severity": "critical"},
			Annotations: map[string]string{"truncated_alerts": "3"},
			StartsAt:    at("2026-03-02T09:20:00.123Z"),
			EndsAt:      at("2026-03-02T09:40:00Z"),
			Severity:    "critical",
			GroupKey:    groupKey,
		}}},
		{"grafana documented example", alertmanager.Grafana{}, "grafana-v1.json", []arqir.AlertEvent{{
			DedupKey: "c6eadffa33fcdf37",
			Status:   arqir.AlertFiring,
			Summary:  "This alert was triggered for zone us-1",
			Labels:   map[string]string{"alertname": "High memory usage", "team": "blue", "zone": "us-1"},
			Annotations: map[string]string{
				"description": "The system has high memory usage",
				"runbook_url": "https://myrunbook.com/runbook/1234",
				"summary":     "This alert was triggered for zone us-1",
				"values":      `{"B":44.23943737541908,"C":1}`,
			},
			Links: []string{
				"https://play.grafana.org/alerting/1afz29v7z/edit",
				"https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
			},
			StartsAt: at("2021-10-12T07:51:03.157076Z"),
			GroupKey: "{}:{}",
		}, {
			DedupKey: "bc97ff14869b13e3",
			Status:   arqir.AlertFiring,
			Summary:  "This alert was triggered for zone eu-1",
			Labels:   map[string]string{"alertname": "High CPU usage", "team": "blue", "zone": "eu-1"},
			Annotations: map[string]string{
				"description": "The system has high CPU usage",
				"runbook_url": "https://myrunbook.com/runbook/1234",
				"summary":     "This alert was triggered for zone eu-1",
				"values":      `{"B":44.23943737541908,"C":1}`,
			},
			Links: []string{
				"https://play.grafana.org/alerting/d1rdpdv7k/edit",
				"https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1",
			},
			StartsAt: at("2021-10-12T07:56:03.157076Z"),
			GroupKey: "{}:{}",
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := sample(t, tc.file)
			p, err := tc.source.Parse(ingesttest.NewRequest(body), ingesttest.Integration(tc.source.Kind()))
			if err != nil {
				t.Fatal(err)
			}
			ingesttest.AssertEvents(t, p.Events, tc.want)
			ingesttest.CheckOutcome(t, p, nil)
			if want := ingest.BodyKey(tc.source.Kind(), []byte(body)); p.RequestKey != want {
				t.Errorf("request key %q, want %q", p.RequestKey, want)
			}
		})
	}
}

// TestParseRefusesBadInput covers the bad-input cases that belong
// to parsing.
func TestParseRefusesBadInput(t *testing.T) {
	valid := sample(t, "alertmanager-v4.json")
	alert := func(fields string) string {
		return `{"version":"4","status":"firing","alerts":[{"labels":{"alertname":"A"},"fingerprint":"f1","status":"firing"},{` + fields + `}]}`
	}
	tests := []struct {
		name        string
		req         *ingest.Request
		code, field string
		fragments   []string
	}{
		{"truncated JSON", ingesttest.NewRequest(valid[:len(valid)/2]), arqir.EINVALID, "", []string{"malformed JSON", "line", "column", "truncated"}},
		{"malformed JSON", ingesttest.NewRequest("{\n  \"version\": \"4\",\n  \"alerts\": [}\n}"), arqir.EINVALID, "", []string{"line 3, column 14"}},
		{"empty body", ingesttest.NewRequest(""), arqir.EINVALID, "", []string{"empty"}},
		{"not an object", ingesttest.NewRequest(`[1,2]`), arqir.EINVALID, "", []string{"must be an object"}},
		{"trailing data", ingesttest.NewRequest(valid + `{}`), arqir.EINVALID, "", []string{"after the JSON value"}},
		{"form encoded", ingesttest.NewRequest("version=4", "Content-Type", "application/x-www-form-urlencoded"), arqir.EINVALID, "Content-Type", []string{"application/x-www-form-urlencoded", "application/json"}},
		{"GET", func() *ingest.Request { r := ingesttest.NewRequest(valid); r.Method = "GET"; return r }(), arqir.EINVALID, "", []string{"POST"}},
		{"no version", ingesttest.NewRequest(`{"alerts":[]}`), arqir.EUNPROCESSABLE, "version", nil},
		{"unknown version", ingesttest.NewRequest(`{"version":"3","alerts":[]}`), arqir.EUNPROCESSABLE, "version", []string{`"3"`}},
		{"no alerts", ingesttest.NewRequest(`{"version":"4","status":"firing"}`), arqir.EUNPROCESSABLE, "alerts", nil},
		{"alert without status", ingesttest.NewRequest(alert(`"labels":{"a":"b"}`)), arqir.EUNPROCESSABLE, "alerts[1].status", []string{"alerts[1]"}},
		{"alert with bad status", ingesttest.NewRequest(alert(`"status":"pending","labels":{"a":"b"}`)), arqir.EUNPROCESSABLE, "alerts[1].status", nil},
		{"alert without identity", ingesttest.NewRequest(alert(`"status":"firing"`)), arqir.EUNPROCESSABLE, "alerts[1].fingerprint", nil},
		{"label of wrong type", ingesttest.NewRequest(alert(`"status":"firing","labels":{"a":1}`)), arqir.EINVALID, "alerts.labels", []string{"a string"}},
		{"10 000 labels", ingesttest.NewRequest(alert(`"status":"firing","labels":` + ingesttest.Labels(10000))), arqir.EINVALID, "alerts[1].labels", []string{"10000 labels", "limit of 100"}},
		{"label value too long", ingesttest.NewRequest(alert(`"status":"firing","labels":{"a":"` + strings.Repeat("x", 5000) + `"}`)), arqir.EINVALID, "alerts[1].labels", []string{"2048"}},
		{"deeply nested JSON", ingesttest.NewRequest(ingesttest.Nested("alerts", 100)), arqir.EINVALID, "", []string{"nested deeper than 32"}},
		{"too many alerts", ingesttest.NewRequest(`{"version":"4","alerts":[` + strings.Repeat(`{"status":"firing","fingerprint":"x"},`, 1000) + `{"status":"firing","fingerprint":"x"}]}`), arqir.EINVALID, "alerts", []string{"1001 alerts"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := alertmanager.Source{}.Parse(tc.req, ingesttest.Integration(arqir.KindAlertmanager))
			ingesttest.AssertError(t, err, tc.code, tc.fragments...)
			if got := arqir.ErrorField(err); got != tc.field {
				t.Errorf("field %q, want %q", got, tc.field)
			}
			if p != nil {
				t.Error("a refused request returned events")
			}
		})
	}
}

func TestGrafanaAcceptsPUT(t *testing.T) {
	r := ingesttest.NewRequest(sample(t, "grafana-v1.json"))
	r.Method = "PUT"
	if _, err := (alertmanager.Grafana{}).Parse(r, ingesttest.Integration(arqir.KindGrafana)); err != nil {
		t.Fatal(err)
	}
	if _, err := (alertmanager.Source{}).Parse(r, ingesttest.Integration(arqir.KindAlertmanager)); err == nil {
		t.Fatal("Alertmanager accepted PUT")
	}
}

func TestCredential(t *testing.T) {
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	tests := []struct {
		name, header, want, code string
	}{
		{"bearer", "Bearer s3cret", "s3cret", ""},
		{"bearer lower case", "bearer s3cret", "s3cret", ""},
		{"basic password", basic("alertmanager", "s3cret"), "s3cret", ""},
		{"basic without password", basic("s3cret", ""), "", arqir.EUNAUTHORIZED},
		{"other scheme", "Token s3cret", "", arqir.EUNAUTHORIZED},
		{"none", "", "", arqir.EUNAUTHORIZED},
	}
	for _, src := range []ingest.Source{alertmanager.Source{}, alertmanager.Grafana{}} {
		for _, tc := range tests {
			t.Run(string(src.Kind())+" "+tc.name, func(t *testing.T) {
				got, err := src.Credential(ingesttest.NewRequest("{}", "Authorization", tc.header))
				if tc.code != "" {
					ingesttest.AssertError(t, err, tc.code, "credential")
					ingesttest.AssertNoSecret(t, err, "s3cret")
					return
				}
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, err, tc.want)
				}
			})
		}
	}
}
