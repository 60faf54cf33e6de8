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

// DefaultSignatureHeader carries the request signature unless the
// integration's signature_header setting names another header; the default
// is arqir.IntegrationSettings' ("X-Signature-256").
const DefaultSignatureHeader = "X-Signature-256"

// signedFormat says what to sign, for messages.
const signedFormat = `t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, t + "." + body)>, or with an Idempotency-Key header t + "." + key + "." + body`

// Sign returns the signature header value for body sent at t:
// "t=<unix>,v1=<hex(HMAC-SHA256(secret, t + "." + body))>". With an
// Idempotency-Key header the key is signed too, between the two:
// t + "." + key + "." + body; idempotencyKey is that header's value, empty
// when the request has none.
func Sign(secret []byte, t time.Time, idempotencyKey string, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, idempotencyKey, body))
}

// mac is the HMAC of a request: its timestamp, its idempotency key if it
// has one, and its body.
func mac(secret []byte, ts, idempotencyKey string, body []byte) []byte {
	if idempotencyKey == "" {
		return ingest.HMACSHA256(secret, []byte(ts), []byte("."), body)
	}
	return ingest.HMACSHA256(secret, []byte(ts), []byte("."), []byte(idempotencyKey), []byte("."), body)
}

// Verify implements ingest.Verifier (see the package doc). A request
// without a signature is refused unless the integration's
// require_signature is "false" (arqir.Integration.SignatureRequired); a
// signature that is present is always checked. The signature covers the
// Idempotency-Key header: otherwise a captured request could be sent again
// within the replay window under a new key and be applied twice.
func (Source) Verify(_ context.Context, r *ingest.Request, in *arqir.Integration, secret []byte) error {
	name := in.Setting(arqir.SettingSignatureHeader)
	if name == "" {
		name = DefaultSignatureHeader
	}
	header := r.Header.Get(name)
	if header == "" {
		if in.SignatureRequired() {
			return arqir.Errorf(arqir.EUNAUTHORIZED, "the request is not signed: this integration requires %s: %s, made with the integration's signing secret (shown once, with the credential). An integration that accepts unsigned requests is created with the setting require_signature=false", name, signedFormat)
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
		return arqir.Errorf(arqir.EUNAUTHORIZED, "%s must be %s: arqir signs a timestamp with the body so that a captured request cannot be replayed", name, signedFormat)
	}
	if _, err := ingest.CheckTimestamp(ts, r.Now); err != nil {
		return err
	}
	want := mac(secret, ts, r.Header.Get(IdempotencyKeyHeader), r.Body)
	for _, sig := range sigs {
		if ingest.EqualHex(want, sig) {
			return nil
		}
	}
	return arqir.Errorf(arqir.EUNAUTHORIZED, "the %s signature does not match the request: sign t + \".\" + the exact body bytes (t + \".\" + the Idempotency-Key + \".\" + the body when the request has that header) with the integration's signing secret", name)
}
