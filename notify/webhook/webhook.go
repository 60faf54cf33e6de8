// Package webhook delivers notifications as signed JSON POSTs to one
// configured URL: SMS and voice gateways (a Notifier whose Channel is
// arqir.ChannelSMS or arqir.ChannelPhone, the phone number in
// notification.address) and anything else that takes a webhook
// (arqir.ChannelWebhook).
//
// # Request
//
//	POST <URL>
//	Content-Type: application/json
//	User-Agent: arqir-webhook/1
//	Idempotency-Key: <key>
//	X-Arqir-Timestamp: <Unix seconds when this attempt was signed>
//	X-Arqir-Signature: sha256=<hex(HMAC-SHA256(secret, timestamp + "." + body))>
//
// The body is a Payload, version "1" (fields may be added within a
// version, never removed or changed):
//
//	{"version":"1","idempotency_key":"INC-42/page/1/cto","sent_at":"2026-03-02T14:05:00Z",
//	 "notification":{"id":7,"purpose":"page","step":1,"target":"cto","channel":"sms",
//	                 "address":"+15550100","recipient":"Ada Lovelace (cto)","attempt":1},
//	 "incident":{"id":"INC-42","title":"Checkout down","severity":"SEV1","status":"INVESTIGATING",
//	             "url":"https://arqir.example/incidents/42","refs":{"war_room_url":"…"}},
//	 "message":{"headline":"SEV1 declared: Checkout down","text":"…plain text for SMS…",
//	            "fields":[{"label":"Severity","value":"SEV1"}],"url":"…","ack_url":"…","event":""}}
//
// # Verifying a delivery
//
// Take the X-Arqir-Timestamp value as sent, append "." and the raw body
// bytes, and compute HMAC-SHA256 with the shared secret. X-Arqir-Signature
// holds one or more comma-separated "sha256=<hex>" values (more than one
// while a secret is rotated): accept the request if any equals yours,
// compared in constant time. Refuse a timestamp more than five minutes from
// your clock, so a captured request cannot be replayed later. Verify does
// exactly this for Go receivers.
//
// Delivery is at least once: after a timeout arqir cannot know whether the
// receiver acted, and sends again with the same Idempotency-Key (and a new
// timestamp and signature). Receivers deduplicate on it.
//
// # Answers
//
// Any 2xx is delivered; an answer {"id":"…"} names the receiver's message
// (an SMS gateway's message ID), kept as the notification's provider
// reference. 408, 425, 429 and 5xx are retried, no sooner than Retry-After.
// Anything else fails the notification with the answer as the reason;
// redirects are not followed.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// Config configures a webhook notifier.
type Config struct {
	// URL receives the POSTs; http or https. It may carry a token in its
	// path or query: it never appears in errors, only its host does.
	URL string
	// Secret signs every request (see the package doc). Required.
	Secret string
	// Channel is the arqir channel delivered: arqir.ChannelWebhook by
	// default, or arqir.ChannelSMS / arqir.ChannelPhone for a gateway.
	Channel string
	// HTTPClient sends the requests; default: 10 s timeout, no redirects.
	HTTPClient *http.Client
	// Now is the clock of the signature timestamp and sent_at; default time.Now.
	Now func() time.Time
}

// Notifier posts notifications to one webhook.
type Notifier struct {
	url     string
	host    string
	secret  string
	channel string
	client  *http.Client
	now     func() time.Time
	redact  []string
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks the configuration and returns a notifier.
func New(c Config) (*Notifier, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// The value is not repeated: it may hold a token.
		return nil, fmt.Errorf("webhook: the URL is not an absolute http(s) URL: set the full address of the receiver, e.g. https://sms-gateway.example/arqir")
	}
	if c.Secret == "" {
		return nil, fmt.Errorf("webhook %s: the signing secret is empty: set a shared secret, so the receiver can tell arqir's requests from forged ones", u.Host)
	}
	n := &Notifier{url: c.URL, host: u.Host, secret: c.Secret, channel: c.Channel, client: c.HTTPClient, now: c.Now}
	if n.channel == "" {
		n.channel = arqir.ChannelWebhook
	}
	if n.client == nil {
		n.client = &http.Client{
			Timeout: 10 * time.Second,
			// Following a redirect would send the signed page to an
			// address nobody configured; the receiver's URL must be exact.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if n.now == nil {
		n.now = time.Now
	}
	n.redact = secretsOf(u, c.Secret)
	return n, nil
}

// Channel implements notify.Notifier.
func (n *Notifier) Channel() string { return n.channel }

// Notify posts the notification, signed, with its idempotency key.
func (n *Notifier) Notify(ctx context.Context, j *notify.Job) (notify.Receipt, error) {
	key := j.IdempotencyKey
	if key == "" {
		key = j.Notification.Key
	}
	if key == "" {
		return notify.Receipt{}, notify.Permanent("webhook %s: the notification has no idempotency key, so the receiver could not recognise a retry: plan it with a key", n.host)
	}
	now := n.now()
	body, err := json.Marshal(NewPayload(j, key, now))
	if err != nil {
		return notify.Receipt{}, notify.Permanent("webhook %s: encode the payload: %v", n.host, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return notify.Receipt{}, notify.Permanent("webhook %s: build the request: %v", n.host, scrubURL(err))
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "arqir-webhook/"+Version)
	req.Header.Set(HeaderIdempotencyKey, key)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(n.secret, ts, body))
	resp, err := n.client.Do(req)
	if err != nil {
		return notify.Receipt{}, notify.TransportError("webhook "+n.host, scrubURL(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if resp.StatusCode/100 != 2 {
		return notify.Receipt{}, n.classify(resp, raw)
	}
	return notify.Receipt{Ref: receiverID(raw)}, nil
}

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 64 << 10

// receiverID is the "id" of a JSON answer, if the receiver named its message.
func receiverID(raw []byte) string {
	var a struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &a) != nil {
		return ""
	}
	var s string
	switch v := a.ID.(type) {
	case string:
		s = v
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	if len(s) > 200 {
		return ""
	}
	return s
}
