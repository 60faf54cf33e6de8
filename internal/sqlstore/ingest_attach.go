package sqlstore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// One timeline event per storm, not per alert. An alert storm attaches
// hundreds of alerts to an incident within a second; one line each would
// bury the timeline's other entries (acknowledgement, status updates) and
// cost a row, an index entry and a JSON document per alert in the one
// committer. So a batch records the alerts it attached to an incident in a
// row as one event: "12 alerts attached: …", which names every alert in its
// data (IDs and dedup keys), as incident.io and PagerDuty show grouped
// alerts. A lone attachment keeps its own sentence. The alerts themselves
// are listed with GET /api/v1/alerts?incident_id=….

// maxAttachedPerEvent bounds the alerts one event names, and so its size:
// a batch of 1 000 alerts into one incident records ten events.
const maxAttachedPerEvent = 100

// attachedTitles is how many alert titles the message names before "and N
// more".
const attachedTitles = 5

// collapseAttachments replaces each run of consecutive alert_attached
// events queued by this batch for the incident by one integration with one
// event naming the run's alerts. Runs are consecutive only: an attachment
// after another kind of event (a reopening, a severity change) or by
// another integration starts a new run, so the timeline keeps the order in
// which things happened and who did them.
func (is *incState) collapseAttachments() {
	out := is.events[:0:0]
	for i := 0; i < len(is.events); {
		j := i
		for j < len(is.events) && j-i < maxAttachedPerEvent && attachment(is.events[j]) && sameActor(is.events[i].ev, is.events[j].ev) {
			j++
		}
		switch {
		case j-i >= 2:
			out = append(out, attachedSummary(is.events[i:j]))
			i = j
		default:
			out = append(out, is.events[i].built())
			i++
		}
	}
	is.events = out
}

// built returns pe with its message and data, building those of an
// attachment left alone (batch.attach).
func (pe pendingEvent) built() pendingEvent {
	if a := pe.attached; a != nil {
		pe.ev = arqir.AlertAttachedEvent(a, arqir.Actor{Name: pe.ev.Actor, Source: pe.ev.Source}, pe.ev.At)
		pe.attached = nil
	}
	return pe
}

// attachment reports whether pe is a single alert's attachment.
func attachment(pe pendingEvent) bool {
	return pe.ev.Kind == arqir.EventAlertAttached && pe.alert != nil && len(pe.alerts) == 0
}

func sameActor(a, b arqir.TimelineEvent) bool { return a.Actor == b.Actor && a.Source == b.Source }

// attachedSummary is the one event of a run of attachments: the first
// one's time and actor, a message naming the first titles, and data
// naming every alert. The alert IDs of new alerts are added once they are
// known (pendingEvent.data).
func attachedSummary(run []pendingEvent) pendingEvent {
	first := run[0].ev
	sts := make([]*alertState, len(run))
	keys := make([]string, len(run))
	var titles, severities, services, integrations []string
	since := run[0].alert.a.StartedAt
	for i, pe := range run {
		a := &pe.alert.a
		sts[i], keys[i] = pe.alert, a.DedupKey
		if i < attachedTitles {
			titles = append(titles, strconv.Quote(a.Title()))
		}
		severities = appendNew(severities, a.Severity)
		services = appendNew(services, a.Service)
		integrations = appendNew(integrations, strconv.FormatInt(a.IntegrationID, 10))
		if a.StartedAt.Before(since) {
			since = a.StartedAt
		}
	}
	more := ""
	if n := len(run) - len(titles); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	sev := ""
	if len(severities) > 0 {
		sev = " (" + strings.Join(severities, ", ") + ")"
	}
	msg := fmt.Sprintf("%d alerts attached%s, firing since %s: %s%s", len(run), sev, since.Format(time.RFC3339), strings.Join(titles, ", "), more)
	encodedKeys, _ := json.Marshal(keys) // strings always encode
	data := map[string]string{
		"alerts":          strconv.Itoa(len(run)),
		"dedup_keys":      string(encodedKeys),
		"integration_ids": strings.Join(integrations, ","),
		"severities":      strings.Join(severities, ","),
	}
	if len(services) > 0 {
		data["services"] = strings.Join(services, ",")
	}
	ev := arqir.TimelineEvent{At: first.At, Kind: arqir.EventAlertAttached, Actor: first.Actor, Source: first.Source, Message: msg, Data: data}
	return pendingEvent{ev: ev, alerts: sts}
}

// data is the event's data as written: with the ID of the alert it is
// about, or the IDs of the alerts it names, now that new alerts have one.
func (pe pendingEvent) data() map[string]string {
	e := pe.ev
	switch {
	case len(pe.alerts) > 0:
		ids := make([]string, len(pe.alerts))
		for i, st := range pe.alerts {
			ids[i] = strconv.FormatInt(st.a.ID, 10)
		}
		e.Data["alert_ids"] = strings.Join(ids, ",")
	case pe.alert != nil && pe.alert.a.ID != 0 && e.Data != nil && e.Data["dedup_key"] == pe.alert.a.DedupKey:
		if _, ok := e.Data["alert_id"]; !ok {
			e.Data["alert_id"] = strconv.FormatInt(pe.alert.a.ID, 10)
		}
	}
	return e.Data
}

// appendNew appends s unless it is empty or listed.
func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
