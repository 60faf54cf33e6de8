package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// attached returns, in timeline order, the IDs of the alerts that the
// incident's alert_attached events name (one each, or a batch's run) and
// the events themselves.
func (e *env) attached(id arqir.IncidentID) ([]int64, []arqir.TimelineEvent) {
	e.t.Helper()
	var ids []int64
	var events []arqir.TimelineEvent
	for _, ev := range e.timeline(id) {
		if ev.Kind != arqir.EventAlertAttached {
			continue
		}
		events = append(events, ev)
		list := ev.Data["alert_id"]
		if ev.Data["alert_ids"] != "" {
			list = ev.Data["alert_ids"]
		}
		for _, s := range strings.Split(list, ",") {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				e.t.Fatalf("attach event %q names alert %q: %v", ev.Message, s, err)
			}
			ids = append(ids, n)
		}
	}
	return ids, events
}

// wantAttached fails unless the incident's attach events name exactly the
// alerts, each once.
func (e *env) wantAttached(id arqir.IncidentID, alerts []*arqir.Alert) {
	e.t.Helper()
	got, _ := e.attached(id)
	want := make([]int64, len(alerts))
	for i, a := range alerts {
		want[i] = a.ID
	}
	slices.Sort(got)
	slices.Sort(want)
	equal(e.t, "the alerts the attach events name", got, want)
}

// A storm of 250 alerts of one group in one request opens one incident
// whose timeline records the attachments as three events (at most 100
// alerts each) naming every alert once, not 250 lines.
func testAttachStorm(e *env) {
	in := e.prom()
	events := make([]arqir.AlertEvent, 250)
	for i := range events {
		events[i] = firing(fmt.Sprintf("pod-%03d", i), "alertname", "Errors", "service", "api", "pod", strconv.Itoa(i))
	}
	res := e.ingest(in, "storm", events...)
	inc := e.only(res)
	e.wantAttached(inc.ID, res.Alerts)
	_, attach := e.attached(inc.ID)
	if len(attach) != 3 {
		e.t.Fatalf("%d attach events, want 3 (100 + 100 + 50 alerts)", len(attach))
	}
	for i, n := range []int{100, 100, 50} {
		ev := attach[i]
		if ev.Data["alerts"] != strconv.Itoa(n) || !strings.HasPrefix(ev.Message, fmt.Sprintf("%d alerts attached (SEV3), firing since ", n)) {
			e.t.Fatalf("event %d: %q with data %v, want %d alerts", i, ev.Message, ev.Data, n)
		}
		var keys []string
		if err := json.Unmarshal([]byte(ev.Data["dedup_keys"]), &keys); err != nil || len(keys) != n || keys[0] != events[100*i].DedupKey {
			e.t.Fatalf("event %d dedup_keys %q (%v)", i, ev.Data["dedup_keys"], err)
		}
		if ev.Actor != "alertmanager:prom" || ev.Data["integration_ids"] != strconv.FormatInt(in.ID, 10) || ev.Data["services"] != "api" {
			e.t.Fatalf("event %d: actor %q, data %v", i, ev.Actor, ev.Data)
		}
	}
	if !strings.HasSuffix(attach[2].Message, `"Alert pod-204" and 45 more`) {
		e.t.Fatalf("message %q does not name the first five alerts and count the rest", attach[2].Message)
	}
	// A later lone attachment keeps its own sentence.
	one := e.ingest(in, "", firing("pod-late", "alertname", "Errors", "service", "api"))
	_, attach = e.attached(inc.ID)
	last := attach[len(attach)-1]
	if len(attach) != 4 || last.Data["alert_id"] != strconv.FormatInt(one.Alerts[0].ID, 10) || !strings.HasPrefix(last.Message, `Alert "Alert pod-late" attached`) {
		e.t.Fatalf("lone attachment: %d events, the last %q %v", len(attach), last.Message, last.Data)
	}
}
