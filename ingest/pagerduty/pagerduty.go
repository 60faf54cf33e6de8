package pagerduty

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Event actions.
const (
	ActionTrigger     = "trigger"
	ActionAcknowledge = "acknowledge"
	ActionResolve     = "resolve"
)

// MaxDedupKey is PagerDuty's limit on dedup_key, in characters.
const MaxDedupKey = 255

// Severities are PagerDuty's payload.severity values.
var Severities = []string{"critical", "error", "warning", "info"}

// Source reads PagerDuty Events API v2 alert events.
type Source struct{}

var (
	_ ingest.Source       = Source{}
	_ ingest.ErrorReplier = Source{}
)

// Kind implements ingest.Source.
func (Source) Kind() arqir.IntegrationKind { return arqir.KindPagerDuty }

// Credential implements ingest.Source: the routing_key in the body.
func (Source) Credential(r *ingest.Request) (string, error) {
	ev, err := decode(r)
	if err != nil {
		return "", err
	}
	if ev.RoutingKey == "" {
		return "", arqir.FieldErrorf(arqir.EUNAUTHORIZED, "routing_key", "routing_key is missing: set it to the credential of an arqir pagerduty integration")
	}
	return ev.RoutingKey, nil
}

// Parse implements ingest.Source.
func (Source) Parse(r *ingest.Request, _ *arqir.Integration) (*ingest.Parsed, error) {
	if err := ingest.CheckMethod(r); err != nil {
		return nil, err
	}
	switch r.Path {
	case "", "/", "/v2/enqueue":
	case "/v2/change/enqueue":
		return nil, arqir.Errorf(arqir.EINVALID, "change events are not accepted here: arqir's PagerDuty-compatible endpoint takes alert events at /v2/enqueue")
	default:
		return nil, arqir.Errorf(arqir.EINVALID, "unknown path %q: send Events API v2 alert events to /v2/enqueue", ingest.Truncate(r.Path, 64))
	}
	ev, err := decode(r)
	if err != nil {
		return nil, err
	}
	out, err := ev.alertEvent(r.Body)
	if err != nil {
		return nil, err
	}
	if err := ingest.Normalize(&out); err != nil {
		return nil, err
	}
	key := out.DedupKey
	p := &ingest.Parsed{
		Events:     []arqir.AlertEvent{out},
		RequestKey: ingest.BodyKey(arqir.KindPagerDuty, r.Body),
		Reply: func(*arqir.IngestResult) (int, any) {
			return http.StatusAccepted, Response{Status: "success", Message: "Event processed", DedupKey: key}
		},
	}
	if ev.EventAction == ActionAcknowledge {
		// Acknowledging is a responder's act on an incident in arqir, and
		// an alert is only firing or resolved: the ack is accepted, as
		// PagerDuty accepts it, and changes nothing (see the package doc).
		p.Events = nil
	}
	return p, nil
}

func decode(r *ingest.Request) (*Event, error) {
	if err := ingest.CheckContentType(r, false, ""); err != nil {
		return nil, err
	}
	var ev Event
	if err := ingest.DecodeJSON(r.Body, &ev); err != nil {
		return nil, err
	}
	return &ev, nil
}

func (ev *Event) alertEvent(body []byte) (arqir.AlertEvent, error) {
	if !slices.Contains([]string{ActionTrigger, ActionAcknowledge, ActionResolve}, ev.EventAction) {
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "event_action", "event_action %q is not one of trigger, acknowledge, resolve", ingest.Truncate(ev.EventAction, 32))
	}
	if n := len([]rune(ev.DedupKey)); n > MaxDedupKey {
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "dedup_key", "dedup_key is %d characters, over PagerDuty's limit of %d", n, MaxDedupKey)
	}
	out := arqir.AlertEvent{
		DedupKey:    ev.DedupKey,
		Status:      arqir.AlertFiring,
		Labels:      map[string]string{},
		Annotations: map[string]string{},
	}
	switch ev.EventAction {
	case ActionTrigger:
		if err := ev.Payload.check(); err != nil {
			return arqir.AlertEvent{}, err
		}
		if out.DedupKey == "" {
			out.DedupKey = ingest.DerivedID(string(arqir.KindPagerDuty), string(body))
		}
		out.DedupKey = ingest.FitKey(out.DedupKey)
	case ActionAcknowledge, ActionResolve:
		if out.DedupKey == "" {
			return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "dedup_key", "dedup_key is required to %s: send the key of the trigger", ev.EventAction)
		}
		out.DedupKey = ingest.FitKey(out.DedupKey)
		if ev.EventAction == ActionResolve {
			out.Status = arqir.AlertResolved
		}
	}
	if p := ev.Payload; p != nil {
		out.Summary, out.Severity = p.Summary, p.Severity
		ingest.SetIf(out.Labels, "source", p.Source)
		ingest.SetIf(out.Labels, "component", p.Component)
		ingest.SetIf(out.Labels, "group", p.Group)
		ingest.SetIf(out.Labels, "class", p.Class)
		if t, ok := ingest.ParseTime(p.Timestamp.String()); ok {
			if out.Status == arqir.AlertResolved {
				out.EndsAt = t
			} else if ev.EventAction == ActionTrigger {
				out.StartsAt = t
			}
		}
		details(out.Annotations, p.CustomDetails)
	}
	ingest.SetIf(out.Annotations, "client", ev.Client)
	out.Links = append(out.Links, ev.ClientURL)
	for _, l := range ev.Links {
		out.Links = append(out.Links, l.Href)
	}
	for _, img := range ev.Images {
		if img.Href != "" {
			out.Links = append(out.Links, img.Href)
		} else {
			out.Links = append(out.Links, img.Src)
		}
	}
	return out, nil
}

func (p *Payload) check() error {
	switch {
	case p == nil:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "payload", "a trigger needs a payload with summary, source and severity")
	case p.Summary == "":
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "payload.summary", "payload.summary is required for a trigger")
	case p.Source == "":
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "payload.source", "payload.source is required for a trigger: the affected system, e.g. a hostname")
	case !slices.Contains(Severities, p.Severity):
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "payload.severity", "payload.severity %q is not one of critical, error, warning, info", ingest.Truncate(p.Severity, 32))
	}
	return nil
}

// details spreads custom_details into annotations, one per key, keeping
// room under ingest.MaxAnnotations; otherwise (too many keys, or not an
// object) it is kept whole as one annotation.
func details(annotations map[string]string, raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) == nil && len(obj)+len(annotations) < ingest.MaxAnnotations-2 {
		for k, v := range obj {
			if k != "" && len(k) <= ingest.MaxLabelName {
				if _, taken := annotations[k]; !taken {
					annotations[k] = ingest.ValueText(v)
				}
			}
		}
		return
	}
	var t ingest.Text
	if json.Unmarshal(raw, &t) == nil {
		annotations["custom_details"] = t.String()
	}
}
