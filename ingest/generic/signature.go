package generic

import (
	"context"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// DefaultSignatureHeader carries the optional request signature unless the
// integration's signature_header setting names another header; the default
// is arqir.IntegrationSettings' ("X-Signature-256").
const DefaultSignatureHeader = "X-Signature-256"

// Sign returns the signature header value for body sent at t:
// "t=<unix>,v1=<hex(HMAC-SHA256(secret, t + "." + body))>".
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(ingest.HMACSHA256(secret, []byte(ts), []byte("."), body))
}

// Verify implements ingest.Verifier (see the package doc).
func (Source) Verify(_ context.Context, r *ingest.Request, in *arqir.Integration, secret []byte) error {
	name := in.Setting(arqir.SettingSignatureHeader)
	if name == "" {
		name = DefaultSignatureHeader
	}
	header := r.Header.Get(name)
	if header == "" {
		if in.Setting(arqir.SettingRequireSignature) == "true" {
			return arqir.Errorf(arqir.EUNAUTHORIZED, "the request is not signed: this integration requires %s: t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, t + \".\" + body)>", name)
		}
		return nil
	}
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return arqir.Errorf(arqir.EUNAUTHORIZED, "%s must be t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, t + \".\" + body)>: arqir signs a timestamp with the body so that a captured request cannot be replayed", name)
	}
	if _, err := ingest.CheckTimestamp(ts, r.Now); err != nil {
		return err
	}
	mac := ingest.HMACSHA256(secret, []byte(ts), []byte("."), r.Body)
	for _, sig := range sigs {
		if ingest.EqualHex(mac, sig) {
			return nil
		}
	}
	return arqir.Errorf(arqir.EUNAUTHORIZED, "the %s signature does not match the body: sign t + \".\" + the exact body bytes with the integration's signing secret", name)
}
