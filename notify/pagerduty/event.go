package pagerduty

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// Limits of the Events API v2.
const (
	routingKeyLen = 32
	maxDedupKey   = 255
	// maxSummary is PagerDuty's 1024-character limit on payload.summary,
	// kept in bytes: a byte count is never below the count of characters
	// however PagerDuty counts them (code points or UTF-16 units).
	maxSummary = 1024
	// maxEvent stays under PagerDuty's 512 KB per event whether KB means
	// 1000 or 1024 bytes (Alertmanager keeps to 512000 too).
	maxEvent = 512000
)

// DefaultSeverities maps the default policy's severities to PagerDuty's.
var DefaultSeverities = map[string]string{
	"SEV1": "critical",
	"SEV2": "error",
	"SEV3": "warning",
	"SEV4": "info",
}

// fallbackSeverity is sent for a severity the map lacks: loud enough to be
// seen, not so loud that an unknown name wakes everyone as critical.
const fallbackSeverity = "error"

func validSeverity(s string) bool {
	return slices.Contains([]string{"critical", "error", "warning", "info"}, s)
}

// event is an Events API v2 alert event.
type event struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"`
	DedupKey    string   `json:"dedup_key"`
	Payload     *payload `json:"payload,omitempty"`
	Links       []link   `json:"links,omitempty"`
	Client      string   `json:"client,omitempty"`
	ClientURL   string   `json:"client_url,omitempty"`
}

// payload is the PD-CEF payload of a trigger.
type payload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	Timestamp     string            `json:"timestamp,omitempty"`
	Component     string            `json:"component,omitempty"`
	Group         string            `json:"group,omitempty"`
	Class         string            `json:"class,omitempty"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

type link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// event builds the event a job asks for.
func (n *Notifier) event(j *notify.Job) (*event, error) {
	m := j.Message()
	id := j.Notification.IncidentID
	if id == 0 {
		id = m.IncidentID
	}
	if id == 0 {
		return nil, notify.Permanent("PagerDuty: the notification names no incident, so it has no dedup key: plan PagerDuty events from an incident")
	}
	// The incident ID is the dedup key (R4). Once PagerDuty answered a
	// trigger, its key is on the incident: acknowledge and resolve use
	// that, which is what PagerDuty knows the alert by.
	key := id.String()
	if k := j.Refs[arqir.RefPagerDutyDedupKey]; k != "" && m.Event != arqir.EventActionTrigger {
		key = k
	}
	if utf8.RuneCountInString(key) > maxDedupKey {
		return nil, notify.Permanent("PagerDuty: dedup key of %s is over %d characters", id, maxDedupKey)
	}
	ev := &event{RoutingKey: n.routingKey, EventAction: m.Event, DedupKey: key}
	switch m.Event {
	case arqir.EventActionAcknowledge, arqir.EventActionResolve:
		return ev, nil
	case arqir.EventActionTrigger:
	default:
		return nil, notify.Permanent("PagerDuty: the message of %s asks for event %q: plan trigger, acknowledge or resolve", id, m.Event)
	}
	ev.Payload = &payload{
		Summary:       summary(m, id),
		Source:        n.source,
		Severity:      n.severity(m.Severity),
		Class:         m.Severity,
		CustomDetails: details(m, id),
	}
	if t := j.Notification.CreatedAt; !t.IsZero() {
		ev.Payload.Timestamp = t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	if svcs := services(m); len(svcs) > 0 {
		ev.Payload.Component = svcs[0]
		ev.Payload.Group = strings.Join(svcs, ",")
	}
	ev.Client = "arqir"
	if m.URL != "" {
		ev.ClientURL = m.URL
		ev.Links = append(ev.Links, link{Href: m.URL, Text: id.String() + " in arqir"})
	}
	if w := j.Refs[arqir.RefWarRoomURL]; w != "" {
		ev.Links = append(ev.Links, link{Href: w, Text: "Join the war room"})
	}
	return ev, nil
}

func (n *Notifier) severity(s string) string {
	if v, ok := n.severities[s]; ok {
		return v
	}
	return fallbackSeverity
}

// summary is "[SEV1] title", cut to PagerDuty's limit on a character boundary.
func summary(m arqir.Message, id arqir.IncidentID) string {
	title := strings.TrimSpace(m.Title)
	if title == "" {
		title = strings.TrimSpace(m.Headline)
	}
	if title == "" {
		title = id.String()
	}
	s := title
	if m.Severity != "" {
		s = "[" + m.Severity + "] " + title
	}
	return truncate(s, maxSummary)
}

// truncate cuts s to at most max bytes without splitting a character,
// marking the cut with an ellipsis.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ellipsis = "…"
	cut := max - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// details are the message's labelled facts, as PagerDuty shows them.
func details(m arqir.Message, id arqir.IncidentID) map[string]string {
	d := map[string]string{"Incident": id.String()}
	if m.Headline != "" {
		d["Headline"] = m.Headline
	}
	for _, f := range m.Fields {
		d[f.Label] = f.Value
	}
	if _, ok := d["Status"]; !ok && m.Status != "" {
		d["Status"] = string(m.Status)
	}
	return d
}

// services reads the incident's services from the message's "Services" (or
// "Service") field, comma-separated. arqir.Message carries no service list
// of its own.
func services(m arqir.Message) []string {
	v := m.Field("Services")
	if v == "" {
		v = m.Field("Service")
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// encode renders the event; one over PagerDuty's size limit loses its
// custom details (the incident in arqir has them all) rather than the page.
func encode(ev *event) ([]byte, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, notify.Permanent("PagerDuty %s of %s: encode the event: %v", ev.EventAction, ev.DedupKey, err)
	}
	if len(b) <= maxEvent || ev.Payload == nil {
		return b, nil
	}
	ev.Payload.CustomDetails = map[string]string{
		"Incident": ev.DedupKey,
		"Note":     "The details were left out: the event was over PagerDuty's 512 KB limit. See the incident in arqir.",
	}
	if b, err = json.Marshal(ev); err != nil || len(b) > maxEvent {
		return nil, notify.Permanent("PagerDuty %s of %s: the event is over PagerDuty's 512 KB limit even without its details: shorten the incident's links", ev.EventAction, ev.DedupKey)
	}
	return b, nil
}
