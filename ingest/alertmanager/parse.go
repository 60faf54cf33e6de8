package alertmanager

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Payload versions: Alertmanager sends "4", Grafana "1".
const (
	VersionAlertmanager = "4"
	VersionGrafana      = "1"
)

// parse is the parser both Sources share.
func parse(kind arqir.IntegrationKind, r *ingest.Request, hint string) (*ingest.Parsed, error) {
	if err := ingest.CheckContentType(r, false, hint); err != nil {
		return nil, err
	}
	var m Message
	if err := ingest.DecodeJSON(r.Body, &m); err != nil {
		return nil, err
	}
	events, err := m.Events()
	if err != nil {
		return nil, err
	}
	return &ingest.Parsed{Events: events, RequestKey: ingest.BodyKey(kind, r.Body), Reply: ingest.DefaultReply}, nil
}

// Events validates m and converts its alerts, all or none.
func (m *Message) Events() ([]arqir.AlertEvent, error) {
	switch {
	case m.Version == "":
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "version", `the payload has no "version": send Alertmanager's webhook payload (version "4") or Grafana's (version "1")`)
	case m.Version != VersionAlertmanager && m.Version != VersionGrafana:
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "version", `payload version %q is not supported: arqir reads Alertmanager's version "4" and Grafana's version "1"`, ingest.Truncate(m.Version, 16))
	case len(m.Alerts) == 0:
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "alerts", `the payload has no "alerts": nothing to ingest`)
	}
	if err := ingest.CheckCount("alerts", len(m.Alerts)); err != nil {
		return nil, err
	}
	events := make([]arqir.AlertEvent, 0, len(m.Alerts))
	for i := range m.Alerts {
		ev, err := m.event(&m.Alerts[i])
		if err == nil {
			err = ingest.Normalize(&ev)
		}
		if err != nil {
			return nil, ingest.WithField(err, ingest.Index("alerts", i))
		}
		events = append(events, ev)
	}
	return events, nil
}

func (m *Message) event(a *Alert) (arqir.AlertEvent, error) {
	status := arqir.AlertStatus(a.Status)
	if status != arqir.AlertFiring && status != arqir.AlertResolved {
		return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "alert status %q is not firing or resolved", ingest.Truncate(a.Status, 32))
	}
	key := a.Fingerprint
	if key == "" {
		if len(a.Labels) == 0 {
			return arqir.AlertEvent{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "fingerprint", "the alert has neither a fingerprint nor labels: nothing identifies it")
		}
		key = labelsKey(a.Labels)
	}
	annotations := a.Annotations
	if annotations == nil {
		annotations = map[string]string{}
	}
	if n, _ := strconv.ParseInt(m.TruncatedAlerts.String(), 10, 64); n > 0 {
		// max_alerts cut the notification: say so on every alert so the
		// responder knows the group is larger than what arrived.
		annotations["truncated_alerts"] = m.TruncatedAlerts.String()
	}
	if v := bytes.TrimSpace(a.Values); len(v) > 0 && string(v) != "null" {
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			annotations["values"] = buf.String()
		}
	}
	ingest.SetIf(annotations, "value_string", a.ValueString)

	ev := arqir.AlertEvent{
		DedupKey:    ingest.FitKey(key),
		Status:      status,
		Summary:     summary(a),
		Labels:      a.Labels,
		Annotations: annotations,
		Links:       []string{a.GeneratorURL, a.SilenceURL, a.DashboardURL, a.PanelURL, a.ImageURL},
		StartsAt:    known(a.StartsAt),
		Severity:    a.Labels["severity"],
		GroupKey:    m.GroupKey,
	}
	if status == arqir.AlertResolved {
		ev.EndsAt = known(a.EndsAt)
	}
	return ev, nil
}

func summary(a *Alert) string {
	for _, s := range []string{a.Annotations["summary"], a.Annotations["description"], a.Labels["alertname"]} {
		if s != "" {
			return s
		}
	}
	return ""
}

// known parses an alert time; the zero time of Go (0001-01-01, which
// Alertmanager sends for "no end yet") means unknown.
func known(s string) time.Time {
	t, ok := ingest.ParseTime(s)
	if !ok || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// labelsKey derives a dedup key from labels the way Alertmanager's
// fingerprint does: from the sorted label set.
func labelsKey(labels map[string]string) string {
	parts := make([]string, 0, 2*len(labels))
	names := make([]string, 0, len(labels))
	for k := range labels {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		parts = append(parts, k, labels[k])
	}
	return ingest.DerivedID(parts...)
}
