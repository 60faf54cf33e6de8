package alertmanager_test

import (
	"context"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/alertmanager"
	"github.com/arqir/arqir/ingest/ingesttest"
)

// TestGrafanaVerify signs requests as grafana/alerting http/hmac.go does and
// checks every way a signature can fail.
func TestGrafanaVerify(t *testing.T) {
	secret := []byte("integration-credential")
	body := sample(t, "grafana-v1.json")
	sign := func(parts ...string) string {
		bs := make([][]byte, len(parts))
		for i, p := range parts {
			bs[i] = []byte(p)
		}
		return hex.EncodeToString(ingest.HMACSHA256(secret, bs...))
	}
	unix := func(d time.Duration) string { return strconv.FormatInt(ingesttest.Now.Add(d).Unix(), 10) }
	now := unix(0)

	tests := []struct {
		name      string
		settings  []string
		headers   []string
		code      string
		fragments []string
	}{
		{"unsigned, not required", nil, nil, "", nil},
		{"body signature, default header", nil, []string{"X-Grafana-Alert-Signature", sign(body)}, "", nil},
		{"upper-case hex", nil, []string{"X-Grafana-Alert-Signature", hexUpper(sign(body))}, "", nil},
		{"custom header", []string{"signature_header", "X-Grafana-Alerting-Signature"}, []string{"X-Grafana-Alerting-Signature", sign(body)}, "", nil},
		{"timestamped", []string{"timestamp_header", "X-Grafana-Alert-Timestamp"}, []string{"X-Grafana-Alert-Signature", sign(now, ":", body), "X-Grafana-Alert-Timestamp", now}, "", nil},
		{"timestamped 4 minutes old", []string{"timestamp_header", "X-Ts"}, []string{"X-Grafana-Alert-Signature", sign(unix(-4*time.Minute), ":", body), "X-Ts", unix(-4 * time.Minute)}, "", nil},

		{"bad signature", nil, []string{"X-Grafana-Alert-Signature", sign(body + " ")}, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"not hex", nil, []string{"X-Grafana-Alert-Signature", "zz"}, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"missing, required", []string{"require_signature", "true"}, nil, arqir.EUNAUTHORIZED, []string{"not signed", "X-Grafana-Alert-Signature"}},
		{"missing, custom header required", []string{"signature_header", "X-Sig", "require_signature", "true"}, []string{"X-Grafana-Alert-Signature", sign(body)}, arqir.EUNAUTHORIZED, []string{"X-Sig"}},
		// Configuring a signature or timestamp header says the contact
		// point signs: an unsigned request is refused unless
		// require_signature is "false".
		{"custom header absent, configured", []string{"signature_header", "X-Sig"}, []string{"X-Grafana-Alert-Signature", sign(body)}, arqir.EUNAUTHORIZED, []string{"not signed", "X-Sig"}},
		{"unsigned, timestamp header configured", []string{"timestamp_header", "X-Ts"}, nil, arqir.EUNAUTHORIZED, []string{"not signed", "X-Grafana-Alert-Signature"}},
		{"custom header absent, opted out", []string{"signature_header", "X-Sig", "require_signature", "false"}, []string{"X-Grafana-Alert-Signature", sign(body + "x")}, "", nil},
		{"present though not required: checked", []string{"require_signature", "false"}, []string{"X-Grafana-Alert-Signature", sign(body + "x")}, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"timestamp missing", []string{"timestamp_header", "X-Ts"}, []string{"X-Grafana-Alert-Signature", sign(now, ":", body)}, arqir.EUNAUTHORIZED, []string{"no timestamp header X-Ts"}},
		{"replayed outside window", []string{"timestamp_header", "X-Ts"}, []string{"X-Grafana-Alert-Signature", sign(unix(-6*time.Minute), ":", body), "X-Ts", unix(-6 * time.Minute)}, arqir.EUNAUTHORIZED, []string{"replay window"}},
		{"from the future", []string{"timestamp_header", "X-Ts"}, []string{"X-Grafana-Alert-Signature", sign(unix(6*time.Minute), ":", body), "X-Ts", unix(6 * time.Minute)}, arqir.EUNAUTHORIZED, []string{"replay window"}},
		{"timestamp changed after signing", []string{"timestamp_header", "X-Ts"}, []string{"X-Grafana-Alert-Signature", sign(unix(-time.Minute), ":", body), "X-Ts", now}, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"body-only signature when timestamp expected", []string{"timestamp_header", "X-Ts"}, []string{"X-Grafana-Alert-Signature", sign(body), "X-Ts", now}, arqir.EUNAUTHORIZED, []string{"does not match"}},
		{"timestamp not a number", []string{"timestamp_header", "X-Ts"}, []string{"X-Grafana-Alert-Signature", sign("x:", body), "X-Ts", "yesterday"}, arqir.EUNAUTHORIZED, []string{"unix seconds"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ingesttest.NewRequest(body, tc.headers...)
			err := alertmanager.Grafana{}.Verify(context.Background(), r, ingesttest.Integration(arqir.KindGrafana, tc.settings...), secret)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			ingesttest.AssertError(t, err, tc.code, tc.fragments...)
			ingesttest.AssertNoSecret(t, err, string(secret))
		})
	}
}

func hexUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
