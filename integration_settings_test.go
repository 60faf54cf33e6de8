package arqir_test

import (
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// Signing is required once it is configured: generic integrations sign by
// default and opt out explicitly; Grafana's once a signature or timestamp
// header is set, or require_signature says so.
func TestSignatureRequired(t *testing.T) {
	for _, tc := range []struct {
		kind     arqir.IntegrationKind
		settings map[string]string
		want     bool
	}{
		{arqir.KindGeneric, nil, true},
		{arqir.KindGeneric, map[string]string{arqir.SettingSignatureHeader: "X-Sig"}, true},
		{arqir.KindGeneric, map[string]string{arqir.SettingRequireSignature: "true"}, true},
		{arqir.KindGeneric, map[string]string{arqir.SettingRequireSignature: "false"}, false},
		{arqir.KindGrafana, nil, false},
		{arqir.KindGrafana, map[string]string{arqir.SettingRequireSignature: "true"}, true},
		{arqir.KindGrafana, map[string]string{arqir.SettingSignatureHeader: "X-Grafana-Alerting-Signature"}, true},
		{arqir.KindGrafana, map[string]string{arqir.SettingTimestampHeader: "X-Grafana-Alert-Timestamp"}, true},
		{arqir.KindGrafana, map[string]string{arqir.SettingSignatureHeader: "X-Sig", arqir.SettingRequireSignature: "false"}, false},
		{arqir.KindAlertmanager, nil, false},
		{arqir.KindCloudWatch, nil, false}, // SNS signatures are not HMACs: always checked, by the source
	} {
		in := &arqir.Integration{Kind: tc.kind, Settings: tc.settings}
		if got := in.SignatureRequired(); got != tc.want {
			t.Errorf("%s %v: %v, want %v", tc.kind, tc.settings, got, tc.want)
		}
	}
}

// A key the sender chose is kept a day; one derived from the body only
// for the span of the sender's retries.
func TestRequestKeyRetention(t *testing.T) {
	for key, want := range map[string]time.Duration{
		"cloudwatch:id:m-1":                         24 * time.Hour,
		"generic:id:deploy-42":                      24 * time.Hour,
		arqir.BodyKeyPrefix + "pagerduty:sha256:ab": 10 * time.Minute,
	} {
		if got := arqir.RequestKeyRetention(key); got != want {
			t.Errorf("%s: %v, want %v", key, got, want)
		}
	}
}
