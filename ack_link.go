package arqir

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// An acknowledge link lets the person a page reached acknowledge the
// incident with one click from an e-mail or a text, without signing in: the
// token in the link is the capability. It names the incident and the
// notification that carried it and when it stops working, and is signed
// with the installation's ack-link key (Store.ServerSecret("ack-links")),
// so every replica verifies what any replica signed.
//
// Layout before base64url (no padding): one version byte, the incident ID,
// the notification ID and the expiry in Unix seconds as unsigned varints,
// then the first 16 bytes of HMAC-SHA256(key, domain ‖ all of the above).
// Truncating the MAC to 128 bits keeps links short enough for a text
// message while leaving forgery out of reach.
const (
	ackLinkVersion = 1
	ackLinkMACLen  = 16
	// ackLinkDomain separates these MACs from anything else the same key
	// might ever sign.
	ackLinkDomain = "arqir ack link\x00"
	// MinAckLinkKeyLen is the shortest key links are signed with.
	MinAckLinkKeyLen = 16
)

// AckLinkPath is the path an acknowledge-link token is served under,
// relative to arqir's public URL: "/ack/<token>".
func AckLinkPath(token string) string { return "/ack/" + token }

// SignAckLink returns the token of an acknowledge link for the page
// notification sent about incident id, valid until expires. It returns ""
// when it cannot sign safely (a key under MinAckLinkKeyLen bytes, an ID that
// is not positive): a page without a link is better than a forgeable one.
func SignAckLink(key []byte, id IncidentID, notification int64, expires time.Time) string {
	if len(key) < MinAckLinkKeyLen || id <= 0 || notification < 0 || expires.Unix() <= 0 {
		return ""
	}
	payload := []byte{ackLinkVersion}
	payload = binary.AppendUvarint(payload, uint64(id))
	payload = binary.AppendUvarint(payload, uint64(notification))
	payload = binary.AppendUvarint(payload, uint64(expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(payload, ackLinkMAC(key, payload)...))
}

// VerifyAckLink checks an acknowledge-link token at now and returns the
// incident and the notification it was signed for. Returns EINVALID for a
// token that is not one (cut short, mistyped), EUNAUTHORIZED for a bad
// signature (altered, or signed by another installation) or an expired
// link. The signature is checked before anything the token says is
// believed, and compared in constant time.
func VerifyAckLink(key []byte, token string, now time.Time) (IncidentID, int64, error) {
	damaged := Errorf(EINVALID, "this acknowledge link is damaged (cut short or mistyped): open the whole link from the page, or acknowledge in arqir (arqir incident ack INC-…)")
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 1+3+ackLinkMACLen || raw[0] != ackLinkVersion {
		return 0, 0, damaged
	}
	payload, mac := raw[:len(raw)-ackLinkMACLen], raw[len(raw)-ackLinkMACLen:]
	if len(key) < MinAckLinkKeyLen || !hmac.Equal(mac, ackLinkMAC(key, payload)) {
		return 0, 0, Errorf(EUNAUTHORIZED, "this acknowledge link is not valid (altered, or from another arqir installation): ask for a new page, or acknowledge in arqir (arqir incident ack INC-…)")
	}
	r := bytes.NewReader(payload[1:])
	id, err1 := binary.ReadUvarint(r)
	notification, err2 := binary.ReadUvarint(r)
	expires, err3 := binary.ReadUvarint(r)
	// A correctly signed token parses, unless a future version signed it
	// with the same key: refuse it as damaged rather than guess.
	if err1 != nil || err2 != nil || err3 != nil || r.Len() != 0 ||
		id == 0 || id > 1<<62 || notification > 1<<62 || expires > 1<<40 {
		return 0, 0, damaged
	}
	incident := IncidentID(id)
	if exp := time.Unix(int64(expires), 0); !now.Before(exp) {
		return 0, 0, Errorf(EUNAUTHORIZED, "this acknowledge link for %s expired at %s: ask for a new page, or acknowledge in arqir (arqir incident ack %s)",
			incident, exp.UTC().Format(time.RFC3339), incident)
	}
	return incident, int64(notification), nil
}

// ackLinkMAC is the truncated HMAC-SHA256 of a token's payload.
func ackLinkMAC(key, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(ackLinkDomain))
	h.Write(payload)
	return h.Sum(nil)[:ackLinkMACLen]
}
