package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// ReplayWindow is how far a signed request's timestamp may be from the
// receive time, either way: long enough for clock skew and sender retries,
// short enough that a captured request cannot be replayed later.
const ReplayWindow = 5 * time.Minute

// HMACSHA256 returns HMAC-SHA256(secret, parts joined).
func HMACSHA256(secret []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, secret)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// EqualHex reports, in constant time, whether the hex signature sig encodes
// mac. Case and surrounding space in sig are ignored.
func EqualHex(mac []byte, sig string) bool {
	got, err := hex.DecodeString(strings.ToLower(strings.TrimSpace(sig)))
	return err == nil && hmac.Equal(got, mac)
}

// CheckTimestamp parses a Unix-seconds timestamp and refuses one outside
// ReplayWindow of now. Returns EUNAUTHORIZED.
func CheckTimestamp(ts string, now time.Time) (time.Time, error) {
	sec, err := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
	if err != nil {
		return time.Time{}, arqir.Errorf(arqir.EUNAUTHORIZED, "signature timestamp %q is not Unix seconds", Truncate(ts, 32))
	}
	t := time.Unix(sec, 0)
	if d := now.Sub(t); d > ReplayWindow || d < -ReplayWindow {
		return time.Time{}, arqir.Errorf(arqir.EUNAUTHORIZED, "signature timestamp %s is %s from the server time, outside the %s replay window: sign each request when sending it, and check the sender's clock", t.UTC().Format(time.RFC3339), d.Round(time.Second).Abs(), ReplayWindow)
	}
	return t, nil
}
