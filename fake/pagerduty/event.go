package pagerduty

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Event actions of the Events API v2.
const (
	ActionTrigger     = "trigger"
	ActionAcknowledge = "acknowledge"
	ActionResolve     = "resolve"
)

// Limits of the spec, in characters.
const (
	RoutingKeyLen = 32
	MaxDedupKey   = 255
	MaxSummary    = 1024
)

// Severities are the values of payload.severity.
var Severities = []string{"critical", "error", "warning", "info"}

// Event is an alert event as sent to /v2/enqueue, with what the fake
// learned receiving it.
type Event struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"`
	DedupKey    string   `json:"dedup_key,omitempty"`
	Payload     *Payload `json:"payload,omitempty"`
	Images      []Image  `json:"images,omitempty"`
	Links       []Link   `json:"links,omitempty"`
	Client      string   `json:"client,omitempty"`
	ClientURL   string   `json:"client_url,omitempty"`

	// ReceivedAt is when the fake accepted it.
	ReceivedAt time.Time `json:"-"`
	// Dropped says the event matched no open alert of its routing key and
	// was accepted but ignored, as PagerDuty drops an acknowledge or resolve
	// for a resolved or unknown alert.
	Dropped bool `json:"-"`
	// Duplicate says a trigger was applied to an alert already open under
	// its dedup key: PagerDuty keeps one alert and logs the trigger on it.
	Duplicate bool `json:"-"`
}

// Payload is the PD-CEF payload of a trigger.
type Payload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"`
	Timestamp     string         `json:"timestamp,omitempty"`
	Component     string         `json:"component,omitempty"`
	Group         string         `json:"group,omitempty"`
	Class         string         `json:"class,omitempty"`
	CustomDetails map[string]any `json:"custom_details,omitempty"`
}

// Image is one entry of images.
type Image struct {
	Src  string `json:"src"`
	Href string `json:"href,omitempty"`
	Alt  string `json:"alt,omitempty"`
}

// Link is one entry of links.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// check returns every reason the event is invalid, as PagerDuty lists them.
// The messages never repeat the routing key: it is the integration's secret.
func check(ev *Event, known func(string) bool) []string {
	var errs []string
	add := func(s string) { errs = append(errs, s) }
	switch {
	case strings.TrimSpace(ev.RoutingKey) == "":
		add("'routing_key' is missing or blank")
	case utf8.RuneCountInString(ev.RoutingKey) != RoutingKeyLen:
		add("'routing_key' is the wrong length (should be 32 characters)")
	case !known(ev.RoutingKey):
		add("Invalid routing key")
	}
	switch ev.EventAction {
	case ActionTrigger, ActionAcknowledge, ActionResolve:
	case "":
		add("'event_action' is missing or blank")
	default:
		add("'event_action' must be one of trigger, acknowledge, resolve")
	}
	if utf8.RuneCountInString(ev.DedupKey) > MaxDedupKey {
		add("'dedup_key' is too long (maximum is 255 characters)")
	}
	if (ev.EventAction == ActionAcknowledge || ev.EventAction == ActionResolve) && strings.TrimSpace(ev.DedupKey) == "" {
		add("'dedup_key' is required to " + ev.EventAction + " an alert")
	}
	if ev.EventAction == ActionTrigger {
		errs = append(errs, checkPayload(ev.Payload)...)
	}
	for _, img := range ev.Images {
		if !strings.HasPrefix(img.Src, "https://") {
			add("'images[].src' must be an https URL")
			break
		}
	}
	for _, l := range ev.Links {
		if strings.TrimSpace(l.Href) == "" {
			add("'links[].href' is missing or blank")
			break
		}
	}
	return errs
}

func checkPayload(p *Payload) []string {
	if p == nil {
		return []string{"'payload' is missing: a trigger needs summary, source and severity"}
	}
	var errs []string
	switch {
	case strings.TrimSpace(p.Summary) == "":
		errs = append(errs, "'payload.summary' is missing or blank")
	case utf8.RuneCountInString(p.Summary) > MaxSummary:
		errs = append(errs, "'payload.summary' is too long (maximum is 1024 characters)")
	}
	if strings.TrimSpace(p.Source) == "" {
		errs = append(errs, "'payload.source' is missing or blank")
	}
	if !slices.Contains(Severities, p.Severity) {
		errs = append(errs, "'payload.severity' must be one of critical, error, warning, info")
	}
	if p.Timestamp != "" {
		if _, ok := parseTimestamp(p.Timestamp); !ok {
			errs = append(errs, "'payload.timestamp' is not an ISO 8601 timestamp")
		}
	}
	return errs
}

// timestampLayouts are the ISO 8601 forms senders use: RFC 3339 and the
// spec's own example, 2015-07-17T08:42:58.315+0000 (offset without colon).
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
}

func parseTimestamp(s string) (time.Time, bool) {
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
