package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// CheckMethod refuses a method other than POST or the extra ones allowed.
func CheckMethod(r *Request, allowed ...string) error {
	if r.Method == "" || r.Method == http.MethodPost {
		return nil
	}
	for _, m := range allowed {
		if r.Method == m {
			return nil
		}
	}
	return arqir.Errorf(arqir.EINVALID, "method %s is not accepted: send the alert with POST", r.Method)
}

// CheckContentType accepts application/json (or a +json type), no
// Content-Type at all (curl -d), and text/plain when textOK (SNS sends JSON
// as text/plain). Anything else, form encoding in particular, is EINVALID;
// hint is added to say how the sender fixes it.
func CheckContentType(r *Request, textOK bool, hint string) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return nil
	case mt == "text/plain" && textOK:
		return nil
	}
	msg := "Content-Type %q is not accepted: send the body as JSON with Content-Type: application/json"
	if hint != "" {
		msg += " (" + hint + ")"
	}
	return arqir.FieldErrorf(arqir.EINVALID, "Content-Type", msg, ct)
}

// BodyKey is the idempotency key of a request identified by its body alone:
// a sender's retry repeats the body byte for byte. So does a deliberate
// repeat, so the store keeps such a key only for arqir.RetryKeyRetention
// (it starts with arqir.BodyKeyPrefix).
func BodyKey(kind arqir.IntegrationKind, body []byte) string {
	sum := sha256.Sum256(body)
	return arqir.BodyKeyPrefix + string(kind) + ":sha256:" + hex.EncodeToString(sum[:])
}

// IDKey is the idempotency key of a request that carries the sender's own
// message id.
func IDKey(kind arqir.IntegrationKind, id string) string {
	return string(kind) + ":id:" + id
}

// DerivedID returns a stable identifier derived from parts, formatted like a
// UUID. Sources use it for keys they generate on the sender's behalf (a
// PagerDuty trigger without dedup_key), so that a retry of the same request
// yields the same key.
func DerivedID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50 // version 5-like: name-based
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	s := hex.EncodeToString(b)
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
