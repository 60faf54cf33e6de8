package datadog

import (
	"regexp"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Source reads Datadog webhooks.
type Source struct{}

var _ ingest.Source = Source{}

// Kind implements ingest.Source.
func (Source) Kind() arqir.IntegrationKind { return arqir.KindDatadog }

// Credential implements ingest.Source: "Authorization: Bearer <credential>"
// from the webhook's custom headers, else the path token of
// /ingest/datadog/{credential}.
func (Source) Credential(r *ingest.Request) (string, error) {
	if scheme, _ := ingest.Authorization(r); scheme != "" {
		return ingest.Bearer(r, `in Datadog's webhook, Custom Headers {"Authorization": "Bearer <credential>"}`)
	}
	if tok, ok := ingest.PathToken(r); ok {
		return tok, nil
	}
	return "", arqir.Errorf(arqir.EUNAUTHORIZED, `no credential: in Datadog's webhook set Custom Headers to {"Authorization": "Bearer <credential>"}, or use the URL /ingest/datadog/<credential>`)
}

// Parse implements ingest.Source.
func (Source) Parse(r *ingest.Request, _ *arqir.Integration) (*ingest.Parsed, error) {
	if err := ingest.CheckMethod(r); err != nil {
		return nil, err
	}
	if err := ingest.CheckContentType(r, false, `in Datadog's webhook, untick "Encode as form"`); err != nil {
		return nil, err
	}
	var p Payload
	if err := ingest.DecodeJSON(r.Body, &p); err != nil {
		return nil, err
	}
	ev, err := p.event()
	if err != nil {
		return nil, err
	}
	if err := ingest.Normalize(&ev); err != nil {
		return nil, err
	}
	key := ingest.BodyKey(arqir.KindDatadog, r.Body)
	if id := set(p.ID); id != "" {
		key = ingest.IDKey(arqir.KindDatadog, id)
	}
	return &ingest.Parsed{Events: []arqir.AlertEvent{ev}, RequestKey: key, Reply: ingest.DefaultReply}, nil
}

func (p *Payload) event() (arqir.AlertEvent, error) {
	alertTitle := parseTitle(set(p.AlertTitle))
	eventTitle := parseTitle(set(p.Title))
	t := eventTitle
	if alertTitle.name != "" || alertTitle.transition != "" {
		t = alertTitle
	}
	if t.scope == "" {
		t.scope = eventTitle.scope
	}
	if t.priority == "" {
		t.priority = eventTitle.priority
	}

	transition := transitionOf(set(p.AlertTransition))
	if transition == "" {
		transition = t.transition
	}
	if transition == "" {
		transition = eventTitle.transition
	}
	var status arqir.AlertStatus
	switch {
	case transition == "Recovered" || transition == "Resolved":
		status = arqir.AlertResolved
	case transition != "":
		status = arqir.AlertFiring
	case strings.EqualFold(set(p.AlertType), "success"):
		status = arqir.AlertResolved
	default:
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "alert_transition", `cannot tell whether the alert fires or recovers: the title has no [Triggered]/[Recovered] prefix and the payload no "alert_transition"; use arqir's documented custom payload with "alert_transition": "$ALERT_TRANSITION"`)
	}

	scope := set(p.AlertScope)
	if scope == "" {
		scope = t.scope
	}
	key := ingest.FitKey(set(p.AlertCycleKey))
	if id := set(p.AlertID); key == "" && id != "" {
		key = "datadog-monitor:" + id
		if scope != "" {
			key += ":" + scope
		}
		if len(key) > 255 {
			key = "datadog-monitor:" + id + ":" + ingest.DerivedID(scope)
		}
	}
	if key == "" && t.name != "" {
		key = "datadog-title:" + ingest.DerivedID(t.scope, t.name)
	}
	if key == "" {
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "alert_cycle_key", `nothing identifies the alert: send "alert_cycle_key": "$ALERT_CYCLE_KEY" (arqir's documented custom payload) or at least the title`)
	}

	ev := arqir.AlertEvent{
		DedupKey:    key,
		Status:      status,
		Summary:     t.name,
		Labels:      map[string]string{},
		Annotations: map[string]string{},
		Links:       []string{set(p.Link)},
		Severity:    firstOf(set(p.AlertPriority), t.priority, severityOfType(set(p.AlertType))),
		GroupKey:    set(p.AggregKey),
	}
	if ev.Severity == "" && strings.HasSuffix(transition, "Warn") {
		ev.Severity = "warning"
	}
	if t.scope != "" {
		ev.Summary += " (" + t.scope + ")"
	}
	if when, ok := ingest.ParseTime(set(p.Date)); ok {
		if status == arqir.AlertResolved {
			ev.EndsAt = when
		} else {
			ev.StartsAt = when
		}
	}
	l, a := ev.Labels, ev.Annotations
	ingest.SetIf(l, "host", set(p.Hostname))
	ingest.SetIf(l, "monitor_id", set(p.AlertID))
	ingest.SetIf(l, "event_type", set(p.EventType))
	ingest.AddTagLabels(l, ingest.SplitList(scope))
	ingest.AddTagLabels(l, ingest.SplitList(set(p.Tags)))
	ingest.SetIf(a, "message", set(p.Body))
	ingest.SetIf(a, "status_text", set(p.AlertStatus))
	ingest.SetIf(a, "query", set(p.AlertQuery))
	ingest.SetIf(a, "metric", set(p.AlertMetric))
	ingest.SetIf(a, "scope", scope)
	ingest.SetIf(a, "transition", transition)
	ingest.SetIf(a, "tags", set(p.Tags))
	ingest.SetIf(a, "datadog_org", set(p.Org.Name))
	ingest.SetIf(a, "event_id", set(p.ID))
	return ev, nil
}

// unfilled matches a template variable Datadog left as is ("$ALERT_CYCLE_KEY"
// in a test notification), which must not become a key shared by every
// alert.
var unfilled = regexp.MustCompile(`^\$[A-Z][A-Z0-9_]*$`)

// set returns the field's text, or "" for an unfilled variable.
func set(t ingest.Text) string {
	s := strings.TrimSpace(t.String())
	if unfilled.MatchString(s) {
		return ""
	}
	return s
}

func severityOfType(alertType string) string {
	switch t := strings.ToLower(alertType); t {
	case "error", "warning", "info":
		return t
	}
	return ""
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
