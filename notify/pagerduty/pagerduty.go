// Package pagerduty mirrors arqir incidents into PagerDuty through the
// Events API v2 (R4, T1): a trigger when the incident opens, then acknowledge
// and resolve as it moves, all with dedup_key = the incident ID ("INC-42"),
// so PagerDuty keeps one alert per incident and a retried trigger is
// de-duplicated by PagerDuty itself.
//
// Spec: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
// and https://developer.pagerduty.com/docs/events-api-v2/overview/
// (PagerDuty/developer-docs docs/events-API-v2/).
//
// The routing key travels in the request body (PagerDuty sends no auth
// header). It is a credential: it never appears in an error, and any answer
// that repeats it is redacted before it becomes a reason on the timeline.
package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// DefaultBaseURL is PagerDuty's events endpoint host.
const DefaultBaseURL = "https://events.pagerduty.com"

// DefaultSource is payload.source when Config.Source is empty.
const DefaultSource = "arqir"

// Config configures the notifier.
type Config struct {
	// BaseURL is the events host; events go to BaseURL + "/v2/enqueue".
	// Default DefaultBaseURL. Tests and `arqir dev` point it at fake/pagerduty.
	BaseURL string
	// RoutingKey is the 32-character Integration Key of an Events API v2
	// integration (on a service or a ruleset). Required; a secret.
	RoutingKey string
	// HTTPClient sends the events; default: 10 s timeout, no redirects.
	HTTPClient *http.Client
	// Source is payload.source, the system PagerDuty shows as affected.
	// Default DefaultSource.
	Source string
	// Severities maps arqir severity names to PagerDuty severities
	// (critical, error, warning, info) for policies whose names are not
	// SEV1–SEV4; nil uses DefaultSeverities. Unmapped names send "error".
	Severities map[string]string
}

// Notifier sends incident events to PagerDuty.
type Notifier struct {
	endpoint   string
	routingKey string
	client     *http.Client
	source     string
	severities map[string]string
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks the configuration and returns a notifier.
func New(c Config) (*Notifier, error) {
	if c.RoutingKey == "" {
		return nil, fmt.Errorf("pagerduty: the routing key is empty: set it to the Integration Key of an Events API v2 integration")
	}
	if n := utf8.RuneCountInString(c.RoutingKey); n != routingKeyLen {
		return nil, fmt.Errorf("pagerduty: the routing key is %d characters, PagerDuty's are %d: copy the whole Integration Key of an Events API v2 integration", n, routingKeyLen)
	}
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// The value is not repeated: a pasted routing key could be in it.
		return nil, fmt.Errorf("pagerduty: the base URL is not an absolute http(s) URL: use %s or leave it empty", DefaultBaseURL)
	}
	sev := DefaultSeverities
	if c.Severities != nil {
		for name, s := range c.Severities {
			if !validSeverity(s) {
				return nil, fmt.Errorf("pagerduty: severity %q maps to %q: use one of critical, error, warning, info", name, s)
			}
		}
		sev = c.Severities
	}
	client := c.HTTPClient
	if client == nil {
		client = &http.Client{
			Timeout: 10 * time.Second,
			// A redirect would carry the routing key in the body to
			// wherever it points: PagerDuty does not redirect, so refuse.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	source := c.Source
	if source == "" {
		source = DefaultSource
	}
	return &Notifier{
		endpoint:   strings.TrimSuffix(base, "/") + "/v2/enqueue",
		routingKey: c.RoutingKey,
		client:     client,
		source:     source,
		severities: sev,
	}, nil
}

// Channel implements notify.Notifier.
func (n *Notifier) Channel() string { return arqir.ChannelPagerDuty }

// Notify sends the event the message asks for (Message.Event: trigger,
// acknowledge or resolve). On a trigger the receipt carries the dedup key
// PagerDuty answered as arqir.RefPagerDutyDedupKey.
func (n *Notifier) Notify(ctx context.Context, j *notify.Job) (notify.Receipt, error) {
	ev, err := n.event(j)
	if err != nil {
		return notify.Receipt{}, err
	}
	body, err := encode(ev)
	if err != nil {
		return notify.Receipt{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.endpoint, bytes.NewReader(body))
	if err != nil {
		return notify.Receipt{}, notify.Permanent("PagerDuty %s of %s: %v", ev.EventAction, ev.DedupKey, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return notify.Receipt{}, notify.TransportError("PagerDuty "+ev.EventAction+" of "+ev.DedupKey, scrubURL(err))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if resp.StatusCode/100 != 2 {
		return notify.Receipt{}, n.classify(resp, raw, ev)
	}
	var ans answer
	_ = json.Unmarshal(raw, &ans)
	key := ans.DedupKey
	if key == "" {
		key = ev.DedupKey // a 2xx without PagerDuty's body still took our key
	}
	r := notify.Receipt{Ref: key}
	if ev.EventAction == arqir.EventActionTrigger {
		r.Refs = map[string]string{arqir.RefPagerDutyDedupKey: key}
	}
	return r, nil
}

// maxAnswer bounds how much of an answer is read: PagerDuty's are tiny.
const maxAnswer = 64 << 10

// answer is PagerDuty's response body, success or error.
type answer struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key"`
	Errors   []string `json:"errors"`
}

// scrubURL drops the URL a *url.Error prints: the error reaches the
// timeline, and only the vendor's name belongs there.
func scrubURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: "(events endpoint)", Err: ue.Err}
	}
	return err
}
