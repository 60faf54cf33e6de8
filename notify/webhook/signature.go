package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers of a delivery.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderTimestamp      = "X-Arqir-Timestamp"
	HeaderSignature      = "X-Arqir-Signature"
)

// DefaultTolerance is how far a delivery's timestamp may be from the
// receiver's clock, either way: room for clock skew, too little for a replay.
const DefaultTolerance = 5 * time.Minute

// Errors of Verify; a receiver answers all of them with 401.
var (
	ErrNoSignature  = errors.New("webhook: the request is not signed: X-Arqir-Timestamp or X-Arqir-Signature is missing")
	ErrBadTimestamp = errors.New("webhook: X-Arqir-Timestamp is not Unix seconds")
	ErrStale        = errors.New("webhook: the signature timestamp is outside the tolerance: check both clocks")
	ErrBadSignature = errors.New("webhook: no signature matches: the body was changed, or the secrets differ")
)

// Sign returns the X-Arqir-Signature value of body sent at Unix second ts.
func Sign(secret string, ts int64, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, strconv.FormatInt(ts, 10), body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a delivery's signature headers against the raw body and
// the shared secret, and its timestamp against now ± tolerance (zero
// means DefaultTolerance). It returns nil or one of the Err* values.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, sigs := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts == "" || sigs == "" {
		return ErrNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrBadTimestamp
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w (%s apart, tolerance %s)", ErrStale, d.Abs().Round(time.Second), tolerance)
	}
	want := mac(secret, ts, body)
	for _, s := range strings.Split(sigs, ",") {
		hexSig, ok := strings.CutPrefix(strings.TrimSpace(s), "sha256=")
		if !ok {
			continue
		}
		if got, err := hex.DecodeString(hexSig); err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrBadSignature
}
