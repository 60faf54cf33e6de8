package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/arqir/arqir/notify/webhook"
)

func headers(ts int64, sig string) http.Header {
	h := http.Header{}
	if ts != 0 {
		h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
	}
	if sig != "" {
		h.Set(webhook.HeaderSignature, sig)
	}
	return h
}

// Sign follows the documented scheme exactly.
func TestSignIsTheDocumentedScheme(t *testing.T) {
	t.Parallel()
	body := []byte(`{"version":"1"}`)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("1772460300." + string(body)))
	if got, want := webhook.Sign(secret, 1772460300, body), "sha256="+hex.EncodeToString(m.Sum(nil)); got != want {
		t.Fatalf("%s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"version":"1","idempotency_key":"k"}`)
	ts := at.Unix()
	good := webhook.Sign(secret, ts, body)
	cases := []struct {
		name   string
		secret string
		h      http.Header
		body   []byte
		now    time.Time
		tol    time.Duration
		want   error
	}{
		{"good", secret, headers(ts, good), body, at, 0, nil},
		{"rotation", secret, headers(ts, webhook.Sign("old", ts, body)+", "+good), body, at, 0, nil},
		{"skew inside default", secret, headers(ts, good), body, at.Add(4 * time.Minute), 0, nil},
		{"stale", secret, headers(ts, good), body, at.Add(6 * time.Minute), 0, webhook.ErrStale},
		{"future", secret, headers(ts, good), body, at.Add(-6 * time.Minute), 0, webhook.ErrStale},
		{"own tolerance", secret, headers(ts, good), body, at.Add(2 * time.Minute), time.Minute, webhook.ErrStale},
		{"changed body", secret, headers(ts, good), []byte(`{"version":"2","idempotency_key":"k"}`), at, 0, webhook.ErrBadSignature},
		{"wrong secret", "other", headers(ts, good), body, at, 0, webhook.ErrBadSignature},
		{"other timestamp", secret, headers(ts+1, good), body, at, 0, webhook.ErrBadSignature},
		{"no prefix", secret, headers(ts, good[len("sha256="):]), body, at, 0, webhook.ErrBadSignature},
		{"no signature", secret, headers(ts, ""), body, at, 0, webhook.ErrNoSignature},
		{"no timestamp", secret, headers(0, good), body, at, 0, webhook.ErrNoSignature},
		{"bad timestamp", secret, http.Header{webhook.HeaderTimestamp: {"soon"}, webhook.HeaderSignature: {good}}, body, at, 0, webhook.ErrBadTimestamp},
	}
	for _, c := range cases {
		err := webhook.Verify(c.secret, c.h, c.body, c.now, c.tol)
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}
