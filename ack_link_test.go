package arqir_test

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

var (
	ackKey     = []byte("0123456789abcdef0123456789abcdef")
	ackNow     = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	ackExpires = ackNow.Add(24 * time.Hour)
)

func TestAckLinkRoundTrip(t *testing.T) {
	cases := []struct {
		id           arqir.IncidentID
		notification int64
	}{{1, 0}, {42, 7}, {123456789, 1 << 40}}
	for _, c := range cases {
		token := arqir.SignAckLink(ackKey, c.id, c.notification, ackExpires)
		if !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(token) {
			t.Fatalf("token %q is not URL-safe", token)
		}
		id, n, err := arqir.VerifyAckLink(ackKey, token, ackNow)
		if err != nil || id != c.id || n != c.notification {
			t.Errorf("VerifyAckLink(Sign(%s, %d)) = %s, %d, %v", c.id, c.notification, id, n, err)
		}
	}
}

// A link goes out in a text message: it must stay short.
func TestAckLinkIsCompact(t *testing.T) {
	token := arqir.SignAckLink(ackKey, 99999, 9999999, ackExpires)
	if len(token) > 40 {
		t.Errorf("token %q has %d characters, want at most 40", token, len(token))
	}
}

func TestAckLinkExpires(t *testing.T) {
	token := arqir.SignAckLink(ackKey, 42, 7, ackExpires)
	if _, _, err := arqir.VerifyAckLink(ackKey, token, ackExpires.Add(-time.Second)); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	for _, at := range []time.Time{ackExpires, ackExpires.Add(time.Hour)} {
		_, _, err := arqir.VerifyAckLink(ackKey, token, at)
		if arqir.ErrorCode(err) != arqir.EUNAUTHORIZED || !strings.Contains(arqir.ErrorMessage(err), "expired") ||
			!strings.Contains(arqir.ErrorMessage(err), "ask for a new page") {
			t.Errorf("at %s: %v, want EUNAUTHORIZED saying it expired and to ask for a new page", at, err)
		}
	}
}

// Changing any byte of the token, or verifying with another installation's
// key, is refused as unauthorized: the link names an incident only once its
// signature holds.
func TestAckLinkRefusesTamperingAndOtherKeys(t *testing.T) {
	token := arqir.SignAckLink(ackKey, 42, 7, ackExpires)
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(raw); i++ { // byte 0 is the version: see the malformed test
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		_, _, err := arqir.VerifyAckLink(ackKey, base64.RawURLEncoding.EncodeToString(b), ackNow)
		if arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
			t.Errorf("byte %d flipped: %v, want EUNAUTHORIZED", i, err)
		}
	}
	other := []byte("another installation's key......")
	if _, _, err := arqir.VerifyAckLink(other, token, ackNow); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED ||
		!strings.Contains(arqir.ErrorMessage(err), "ask for a new page") {
		t.Errorf("other key: %v, want EUNAUTHORIZED with guidance", err)
	}
	// Raising the expiry of a real token does not extend it.
	longer, _ := base64.RawURLEncoding.DecodeString(arqir.SignAckLink(ackKey, 42, 7, ackExpires.Add(365*24*time.Hour)))
	spliced := append(longer[:len(longer)-16:len(longer)-16], raw[len(raw)-16:]...)
	if _, _, err := arqir.VerifyAckLink(ackKey, base64.RawURLEncoding.EncodeToString(spliced), ackNow); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
		t.Errorf("spliced token: %v, want EUNAUTHORIZED", err)
	}
}

func TestAckLinkRefusesMalformedTokens(t *testing.T) {
	token := arqir.SignAckLink(ackKey, 42, 7, ackExpires)
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	v2 := append([]byte{2}, raw[1:]...)
	for name, bad := range map[string]string{
		"empty":         "",
		"not base64":    "not a token!",
		"padded":        token + "==",
		"cut short":     token[:10],
		"other version": base64.RawURLEncoding.EncodeToString(v2),
		"standard b64":  base64.StdEncoding.EncodeToString([]byte("+/+/+/+/+/+/+/+/+/+/+/+/")),
	} {
		_, _, err := arqir.VerifyAckLink(ackKey, bad, ackNow)
		if arqir.ErrorCode(err) != arqir.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}

// No link is better than a forgeable one.
func TestAckLinkNeedsAKey(t *testing.T) {
	if tok := arqir.SignAckLink(nil, 42, 7, ackExpires); tok != "" {
		t.Errorf("signed with no key: %q", tok)
	}
	if tok := arqir.SignAckLink(ackKey[:arqir.MinAckLinkKeyLen-1], 42, 7, ackExpires); tok != "" {
		t.Errorf("signed with a short key: %q", tok)
	}
	if tok := arqir.SignAckLink(ackKey, 0, 7, ackExpires); tok != "" {
		t.Errorf("signed for no incident: %q", tok)
	}
	token := arqir.SignAckLink(ackKey, 42, 7, ackExpires)
	if _, _, err := arqir.VerifyAckLink(nil, token, ackNow); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
		t.Errorf("verified with no key: %v", err)
	}
}

// The key never appears in an error.
func TestAckLinkErrorsHoldNoSecret(t *testing.T) {
	token := arqir.SignAckLink(ackKey, 42, 7, ackExpires)
	for _, at := range []time.Time{ackNow, ackExpires} {
		for _, tok := range []string{token, token[:12], token[:len(token)-2] + "AA"} {
			_, _, err := arqir.VerifyAckLink(ackKey, tok, at)
			if err != nil && strings.Contains(err.Error(), string(ackKey)) {
				t.Errorf("error text holds the key: %v", err)
			}
		}
	}
}
