package generic

import (
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Alert is one alert of arqir's generic format (see the package doc).
type Alert struct {
	DedupKey    string            `json:"dedup_key"`
	Status      string            `json:"status"`
	Summary     string            `json:"summary"`
	Severity    string            `json:"severity"`
	Service     string            `json:"service"`
	GroupKey    string            `json:"group_key"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Links       []string          `json:"links"`
	StartsAt    string            `json:"starts_at"`
	EndsAt      string            `json:"ends_at"`
}

// Fields lists the accepted fields, for error messages.
const Fields = "dedup_key, status, summary, severity, service, group_key, labels, annotations, links, starts_at, ends_at"

// decodeAlert decodes and validates one alert object.
func decodeAlert(raw []byte) (arqir.AlertEvent, error) {
	var a Alert
	if err := ingest.DecodeStrictJSON(raw, &a); err != nil {
		if arqir.ErrorField(err) != "" && strings.HasPrefix(arqir.ErrorMessage(err), "unknown field") {
			return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EINVALID, arqir.ErrorField(err), "unknown field %q: the accepted fields are %s", arqir.ErrorField(err), Fields)
		}
		return arqir.AlertEvent{}, err
	}
	return a.event()
}

func (a *Alert) event() (arqir.AlertEvent, error) {
	status := arqir.AlertStatus(a.Status)
	switch {
	case a.DedupKey == "":
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "dedup_key", "dedup_key is required: a stable identifier of the alert, the same in its repeats and its resolve")
	case a.Status == "":
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "status is required: firing or resolved")
	case status != arqir.AlertFiring && status != arqir.AlertResolved:
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "status %q is not firing or resolved", ingest.Truncate(a.Status, 32))
	case status == arqir.AlertFiring && strings.TrimSpace(a.Summary) == "":
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "summary", "summary is required for a firing alert: the one line a responder is paged with")
	}
	ev := arqir.AlertEvent{
		DedupKey: a.DedupKey, Status: status, Summary: a.Summary, Severity: a.Severity, GroupKey: a.GroupKey,
		Labels: a.Labels, Annotations: a.Annotations, Links: a.Links,
	}
	var err error
	if ev.StartsAt, err = rfc3339("starts_at", a.StartsAt); err != nil {
		return arqir.AlertEvent{}, err
	}
	if ev.EndsAt, err = rfc3339("ends_at", a.EndsAt); err != nil {
		return arqir.AlertEvent{}, err
	}
	for i, l := range a.Links {
		if !ingest.IsWebURL(l) {
			return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, fmt.Sprintf("links[%d]", i), "link %q is not an absolute http(s) URL", ingest.Truncate(l, 64))
		}
	}
	if a.Service != "" {
		if ev.Labels == nil {
			ev.Labels = map[string]string{}
		}
		if s, ok := ev.Labels["service"]; ok && s != a.Service {
			return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "service", "service %q and labels.service %q differ: send one", ingest.Truncate(a.Service, 64), ingest.Truncate(s, 64))
		}
		ev.Labels["service"] = a.Service
	}
	return ev, ingest.Normalize(&ev)
}

func rfc3339(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "%s %q is not an RFC 3339 time such as 2026-03-02T09:20:00Z", field, ingest.Truncate(s, 40))
	}
	return t.UTC(), nil
}
