package opsgenie

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Opsgenie's limits that arqir enforces (https://docs.opsgenie.com/docs/alert-api).
const (
	MaxMessage = 130 // characters; longer messages are cut, as Opsgenie does
	MaxAlias   = 512 // characters
)

// Priorities are Opsgenie's priority values; DefaultPriority is Opsgenie's
// default.
var Priorities = []string{"P1", "P2", "P3", "P4", "P5"}

// DefaultPriority is the priority of an alert created without one.
const DefaultPriority = "P3"

// Source reads Opsgenie Alert API requests.
type Source struct{}

var (
	_ ingest.Source       = Source{}
	_ ingest.ErrorReplier = Source{}
)

// Kind implements ingest.Source.
func (Source) Kind() arqir.IntegrationKind { return arqir.KindOpsgenie }

// Credential implements ingest.Source: "Authorization: GenieKey <key>".
func (Source) Credential(r *ingest.Request) (string, error) {
	scheme, value := ingest.Authorization(r)
	switch {
	case strings.EqualFold(scheme, "GenieKey") && value != "":
		return value, nil
	case scheme != "":
		return "", arqir.Errorf(arqir.EUNAUTHORIZED, "Authorization scheme %q is not accepted: send Authorization: GenieKey <credential> with the arqir integration credential as the API key", scheme)
	}
	return "", arqir.Errorf(arqir.EUNAUTHORIZED, "no credential: send Authorization: GenieKey <credential> with the arqir integration credential as the API key")
}

// Parse implements ingest.Source.
func (Source) Parse(r *ingest.Request, _ *arqir.Integration) (*ingest.Parsed, error) {
	if err := ingest.CheckMethod(r); err != nil {
		return nil, err
	}
	if err := ingest.CheckContentType(r, false, ""); err != nil {
		return nil, err
	}
	segs := strings.Split(strings.Trim(r.Path, "/"), "/")
	switch {
	case len(segs) == 2 && segs[0] == "v2" && segs[1] == "alerts":
		return create(r)
	case len(segs) == 4 && segs[0] == "v2" && segs[1] == "alerts" && (segs[3] == "close" || segs[3] == "acknowledge"):
		id, err := url.PathUnescape(segs[2])
		if err != nil || id == "" {
			return nil, arqir.Errorf(arqir.EINVALID, "the alert identifier in the path is not valid: URL-escape it")
		}
		return action(r, segs[3], id)
	}
	return nil, arqir.Errorf(arqir.EINVALID, "unknown path %q: arqir's Opsgenie-compatible endpoint takes POST /v2/alerts, /v2/alerts/{identifier}/close and /v2/alerts/{identifier}/acknowledge", ingest.Truncate(r.Path, 64))
}

func create(r *ingest.Request) (*ingest.Parsed, error) {
	var c CreateRequest
	if err := ingest.DecodeJSON(r.Body, &c); err != nil {
		return nil, err
	}
	requestKey := ingest.BodyKey(arqir.KindOpsgenie, r.Body)
	requestID := ingest.DerivedID(requestKey)
	switch {
	case strings.TrimSpace(c.Message) == "":
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "message", "message is required: the alert's one-line text")
	case len([]rune(c.Alias)) > MaxAlias:
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "alias", "alias is over Opsgenie's limit of %d characters", MaxAlias)
	case c.Priority != "" && !slices.Contains(Priorities, c.Priority):
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "priority", "priority %q is not one of P1, P2, P3, P4, P5", ingest.Truncate(c.Priority, 16))
	}
	ev := arqir.AlertEvent{
		DedupKey:    ingest.FitKey(c.Alias),
		Status:      arqir.AlertFiring,
		Summary:     ingest.TruncateRunes(c.Message, MaxMessage),
		Labels:      map[string]string{},
		Annotations: map[string]string{},
		Severity:    c.Priority,
	}
	if ev.DedupKey == "" {
		ev.DedupKey = requestID
	}
	if ev.Severity == "" {
		ev.Severity = DefaultPriority
	}
	if ev.Summary != c.Message {
		ev.Annotations["message"] = c.Message
	}
	for k, v := range c.Details {
		ev.Annotations[k] = v.String()
	}
	a := ev.Annotations
	ingest.SetIf(a, "description", c.Description)
	ingest.SetIf(a, "note", c.Note)
	ingest.SetIf(a, "user", c.User)
	ingest.SetIf(a, "actions", strings.Join(c.Actions, ", "))
	ingest.SetIf(a, "tags", strings.Join(c.Tags, ", "))
	ingest.SetIf(a, "responders", compact(c.Responders))
	ingest.SetIf(a, "visible_to", compact(c.VisibleTo))
	ingest.SetIf(ev.Labels, "entity", c.Entity)
	ingest.SetIf(ev.Labels, "source", c.Source)
	ingest.AddTagLabels(ev.Labels, c.Tags)
	if err := ingest.Normalize(&ev); err != nil {
		return nil, err
	}
	return accepted(ev, requestKey, requestID), nil
}

func action(r *ingest.Request, verb, id string) (*ingest.Parsed, error) {
	switch t := r.Query.Get("identifierType"); t {
	case "", "id", "alias":
	case "tiny":
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "identifierType", "tiny ids are not supported: close by alias (identifierType=alias)")
	default:
		return nil, arqir.FieldErrorf(arqir.EINVALID, "identifierType", "identifierType %q is not one of id, alias, tiny", ingest.Truncate(t, 16))
	}
	var body ActionRequest
	if len(bytes.TrimSpace(r.Body)) > 0 {
		if err := ingest.DecodeJSON(r.Body, &body); err != nil {
			return nil, err
		}
	}
	ev := arqir.AlertEvent{DedupKey: ingest.FitKey(id), Status: arqir.AlertResolved, Labels: map[string]string{}, Annotations: map[string]string{}}
	ingest.SetIf(ev.Annotations, "note", body.Note)
	ingest.SetIf(ev.Annotations, "user", body.User)
	ingest.SetIf(ev.Annotations, "source", body.Source)
	if err := ingest.Normalize(&ev); err != nil {
		return nil, err
	}
	// The body of a close is often empty, so the key covers the path too.
	key := ingest.BodyKey(arqir.KindOpsgenie, append([]byte(verb+"\x00"+id+"\x00"), r.Body...))
	p := accepted(ev, key, ingest.DerivedID(key))
	if verb == "acknowledge" {
		// Accepted, as Opsgenie accepts it, and nothing changes: an alert
		// is only firing or resolved, and acknowledging is a responder's
		// act on an incident (see the package doc).
		p.Events = nil
	}
	return p, nil
}

func accepted(ev arqir.AlertEvent, key, requestID string) *ingest.Parsed {
	return &ingest.Parsed{
		Events:     []arqir.AlertEvent{ev},
		RequestKey: key,
		Reply: func(*arqir.IngestResult) (int, any) {
			return http.StatusAccepted, Response{Result: "Request will be processed", RequestID: requestID}
		},
	}
}

// ReplyError implements ingest.ErrorReplier in Opsgenie's error shape.
func (Source) ReplyError(status int, err error) (int, any) {
	msg := arqir.ErrorMessage(err)
	return status, Response{Message: msg, RequestID: ingest.DerivedID("error", msg)}
}

func compact(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == "[]" {
		return ""
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return ""
	}
	return buf.String()
}
