package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// verify checks X-Arqir-Timestamp and X-Arqir-Signature as the scheme is
// documented: HMAC-SHA256(secret, timestamp + "." + body), hex, after
// "sha256=", any of several comma-separated values; timestamp within the
// tolerance of now. It returns the signed time.
func (s *Server) verify(h http.Header, body []byte) (time.Time, error) {
	ts, sig := h.Get("X-Arqir-Timestamp"), h.Get("X-Arqir-Signature")
	if ts == "" || sig == "" {
		return time.Time{}, errors.New("the request is not signed: X-Arqir-Timestamp and X-Arqir-Signature are required")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, errors.New("X-Arqir-Timestamp is not Unix seconds")
	}
	s.mu.Lock()
	clock, tol := s.now, s.tolerance
	s.mu.Unlock()
	now := clock()
	t := time.Unix(sec, 0)
	if d := now.Sub(t); d > tol || d < -tol {
		return time.Time{}, errors.New("X-Arqir-Timestamp is too far from the receiver's clock")
	}
	m := hmac.New(sha256.New, []byte(s.secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	want := m.Sum(nil)
	for _, v := range strings.Split(sig, ",") {
		if h, ok := strings.CutPrefix(strings.TrimSpace(v), "sha256="); ok {
			if got, err := hex.DecodeString(h); err == nil && hmac.Equal(got, want) {
				return t, nil
			}
		}
	}
	return time.Time{}, errors.New("the signature does not match: wrong secret or a changed body")
}
