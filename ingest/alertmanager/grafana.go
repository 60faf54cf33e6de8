package alertmanager

import (
	"context"
	"net/http"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// DefaultSignatureHeader is Grafana's default HMAC signature header.
const DefaultSignatureHeader = "X-Grafana-Alert-Signature"

// Grafana reads Grafana's alerting webhook and checks its HMAC signature.
type Grafana struct{}

var (
	_ ingest.Source   = Grafana{}
	_ ingest.Verifier = Grafana{}
)

// Kind implements ingest.Source.
func (Grafana) Kind() arqir.IntegrationKind { return arqir.KindGrafana }

// Credential implements ingest.Source: Grafana's webhook contact point sends
// basic auth or an Authorization header with a scheme (use Bearer).
func (Grafana) Credential(r *ingest.Request) (string, error) {
	return ingest.BearerOrBasic(r, "in Grafana's webhook contact point: Authorization header scheme Bearer with the credential, or basic auth")
}

// Parse implements ingest.Source. Grafana may be configured to PUT.
func (Grafana) Parse(r *ingest.Request, _ *arqir.Integration) (*ingest.Parsed, error) {
	if err := ingest.CheckMethod(r, http.MethodPut); err != nil {
		return nil, err
	}
	return parse(arqir.KindGrafana, r, "a custom payload template must still render Grafana's JSON")
}

// Verify implements ingest.Verifier with Grafana's scheme
// (grafana/alerting http/hmac.go): the signature header carries
// hex(HMAC-SHA256(secret, body)), or hex(HMAC-SHA256(secret, ts + ":" +
// body)) when a timestamp header is configured. Settings
// (arqir.IntegrationSettings): signature_header names the header (default
// X-Grafana-Alert-Signature, grafana/alerting's name; some third-party docs
// say X-Grafana-Alerting-Signature, hence the setting); timestamp_header
// names the Unix-seconds timestamp header, and with it a request must
// arrive within ingest.ReplayWindow (without it a signed request can be
// replayed). An unsigned request is refused once signing is configured:
// require_signature "true", or signature_header or timestamp_header set
// without require_signature "false" (arqir.Integration.SignatureRequired).
// A signature that is present is always checked.
func (Grafana) Verify(_ context.Context, r *ingest.Request, in *arqir.Integration, secret []byte) error {
	header := in.Setting(arqir.SettingSignatureHeader)
	if header == "" {
		header = DefaultSignatureHeader
	}
	tsHeader := in.Setting(arqir.SettingTimestampHeader)

	sig := r.Header.Get(header)
	if sig == "" {
		if in.SignatureRequired() {
			return arqir.Errorf(arqir.EUNAUTHORIZED, "the request is not signed: this integration requires Grafana's HMAC signature in header %s (set the contact point's HMAC secret to the integration's signing secret)", header)
		}
		return nil
	}
	var mac []byte
	if tsHeader != "" {
		ts := r.Header.Get(tsHeader)
		if ts == "" {
			return arqir.Errorf(arqir.EUNAUTHORIZED, "the signed request has no timestamp header %s: configure the same timestamp header in Grafana's contact point", tsHeader)
		}
		if _, err := ingest.CheckTimestamp(ts, r.Now); err != nil {
			return err
		}
		mac = ingest.HMACSHA256(secret, []byte(ts), []byte(":"), r.Body)
	} else {
		mac = ingest.HMACSHA256(secret, r.Body)
	}
	if !ingest.EqualHex(mac, sig) {
		return arqir.Errorf(arqir.EUNAUTHORIZED, "the HMAC signature in %s does not match the body: check that the contact point's HMAC secret is the integration's signing secret", header)
	}
	return nil
}
