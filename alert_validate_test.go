package arqir_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

func TestValidateAlertEvents(t *testing.T) {
	ok := arqir.AlertEvent{DedupKey: "k", Status: arqir.AlertFiring}
	many := map[string]string{}
	for i := range arqir.MaxAlertLabels + 1 {
		many[fmt.Sprint("l", i)] = "v"
	}
	for _, tc := range []struct {
		name   string
		events []arqir.AlertEvent
		field  string
	}{
		{"fine", []arqir.AlertEvent{ok, {DedupKey: "j", Status: arqir.AlertResolved}}, ""},
		{"none", nil, "alerts"},
		{"too many", make([]arqir.AlertEvent, arqir.MaxAlertsPerRequest+1), "alerts"},
		{"no dedup key", []arqir.AlertEvent{ok, {DedupKey: "  ", Status: arqir.AlertFiring}}, "alerts[1].dedup_key"},
		{"long dedup key", []arqir.AlertEvent{{DedupKey: strings.Repeat("k", arqir.MaxDedupKeyLen+1), Status: arqir.AlertFiring}}, "alerts[0].dedup_key"},
		{"no status", []arqir.AlertEvent{{DedupKey: "k"}}, "alerts[0].status"},
		{"long summary", []arqir.AlertEvent{{DedupKey: "k", Status: arqir.AlertFiring, Summary: strings.Repeat("s", arqir.MaxAlertSummaryLen+1)}}, "alerts[0].summary"},
		{"invalid UTF-8", []arqir.AlertEvent{{DedupKey: "k", Status: arqir.AlertFiring, Summary: "\xff"}}, "alerts[0].summary"},
		{"10 000 labels", []arqir.AlertEvent{{DedupKey: "k", Status: arqir.AlertFiring, Labels: many}}, "alerts[0].labels"},
		{"empty label name", []arqir.AlertEvent{{DedupKey: "k", Status: arqir.AlertFiring, Labels: map[string]string{"": "v"}}}, "alerts[0].labels"},
		{"long label value", []arqir.AlertEvent{{DedupKey: "k", Status: arqir.AlertFiring, Labels: map[string]string{"a": strings.Repeat("v", arqir.MaxLabelValueLen+1)}}}, "alerts[0].labels.a"},
		{"NUL in an annotation", []arqir.AlertEvent{{DedupKey: "k", Status: arqir.AlertFiring, Annotations: map[string]string{"a": "x\x00"}}}, "alerts[0].annotations.a"},
		{"too many links", []arqir.AlertEvent{{DedupKey: "k", Status: arqir.AlertFiring, Links: make([]string, arqir.MaxAlertLinks+1)}}, "alerts[0].links"},
		{"long link", []arqir.AlertEvent{{DedupKey: "k", Status: arqir.AlertFiring, Links: []string{strings.Repeat("l", arqir.MaxLinkLen+1)}}}, "alerts[0].links[0]"},
	} {
		err := arqir.ValidateAlertEvents(tc.events)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if arqir.ErrorCode(err) != arqir.EUNPROCESSABLE || arqir.ErrorField(err) != tc.field {
			t.Errorf("%s: got %v (field %q), want EUNPROCESSABLE on %s", tc.name, err, arqir.ErrorField(err), tc.field)
		}
	}
	if err := arqir.ValidateRequestKey(strings.Repeat("k", arqir.MaxRequestKeyLen+1)); arqir.ErrorCode(err) != arqir.EINVALID {
		t.Errorf("long request key: %v", err)
	}
	if err := arqir.ValidateRequestKey(""); err != nil {
		t.Errorf("empty request key: %v", err)
	}
}

func TestNewIntegrationValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     arqir.NewIntegration
		field string
	}{
		{"fine", arqir.NewIntegration{Name: " prom ", Kind: arqir.KindAlertmanager, Severity: "sev2"}, ""},
		{"grafana signature", arqir.NewIntegration{Name: "g", Kind: arqir.KindGrafana, Settings: map[string]string{"require_signature": "true", "signature_header": "X-Grafana-Alerting-Signature", "timestamp_header": "X-Ts"}}, ""},
		{"cloudwatch topics", arqir.NewIntegration{Name: "c", Kind: arqir.KindCloudWatch, Settings: map[string]string{"topic_arns": "arn:aws:sns:us-east-1:123456789012:a, arn:aws-cn:sns:cn-north-1:123456789012:b"}}, ""},
		{"evaluator", arqir.NewIntegration{Name: "e", Kind: arqir.KindEvaluator, Settings: map[string]string{"prometheus_url": "http://127.0.0.1:9090", "interval": "15s"}}, ""},
		{"unknown kind", arqir.NewIntegration{Name: "x", Kind: "nagios"}, "kind"},
		{"no name", arqir.NewIntegration{Kind: arqir.KindGeneric}, "name"},
		{"long service", arqir.NewIntegration{Name: "x", Kind: arqir.KindGeneric, Service: strings.Repeat("s", arqir.MaxNameLen+1)}, "service"},
		{"unknown severity", arqir.NewIntegration{Name: "x", Kind: arqir.KindGeneric, Severity: "P1"}, "severity"},
		{"unknown setting", arqir.NewIntegration{Name: "x", Kind: arqir.KindPagerDuty, Settings: map[string]string{"routing_key": "k"}}, "settings.routing_key"},
		{"not a bool", arqir.NewIntegration{Name: "x", Kind: arqir.KindGeneric, Settings: map[string]string{"require_signature": "yes"}}, "settings.require_signature"},
		{"missing topics", arqir.NewIntegration{Name: "x", Kind: arqir.KindCloudWatch}, "settings.topic_arns"},
		{"bad URL", arqir.NewIntegration{Name: "x", Kind: arqir.KindEvaluator, Settings: map[string]string{"prometheus_url": "127.0.0.1:9090"}}, "settings.prometheus_url"},
		{"bad interval", arqir.NewIntegration{Name: "x", Kind: arqir.KindEvaluator, Settings: map[string]string{"interval": "0s"}}, "settings.interval"},
	} {
		n := tc.n
		err := n.Validate(testRules())
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if arqir.ErrorCode(err) != arqir.EUNPROCESSABLE || arqir.ErrorField(err) != tc.field {
			t.Errorf("%s: got %v, want EUNPROCESSABLE on %s", tc.name, err, tc.field)
		}
	}
	n := arqir.NewIntegration{Name: " prom ", Kind: arqir.KindAlertmanager, Severity: "sev 2"}
	if err := n.Validate(testRules()); err != nil || n.Name != "prom" || n.Severity != "SEV2" {
		t.Errorf("normalised = %+v, %v", n, err)
	}
	in := &arqir.Integration{Kind: arqir.KindGrafana, Settings: map[string]string{}}
	gen := &arqir.Integration{Kind: arqir.KindGeneric, Settings: map[string]string{}}
	// Grafana's absent require_signature has no default: the other
	// settings decide (Integration.SignatureRequired).
	if in.Setting(arqir.SettingSignatureHeader) != "X-Grafana-Alert-Signature" || in.Setting(arqir.SettingRequireSignature) != "" || gen.Setting(arqir.SettingRequireSignature) != "true" {
		t.Error("defaults of absent settings")
	}
}
