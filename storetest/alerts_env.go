package storetest

import (
	"fmt"
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// Helpers of the alert and integration tests.

// useAlertRules installs AlertRules on the test's store.
func (e *env) useAlertRules() {
	e.st.SetRules(AlertRules(e.policy.Revision))
}

// anotherWithAlertRules opens a second store (a replica) with AlertRules.
func (e *env) anotherWithAlertRules() arqir.Store {
	st := e.another()
	st.SetRules(AlertRules(e.policy.Revision))
	return st
}

// newIntegration creates an integration, failing the test on error.
func (e *env) newIntegration(kind arqir.IntegrationKind, name, service string) (*arqir.Integration, arqir.IntegrationSecrets) {
	e.t.Helper()
	n := arqir.NewIntegration{Name: name, Kind: kind, Service: service}
	if kind == arqir.KindCloudWatch {
		n.Settings = map[string]string{arqir.SettingTopicARNs: "arn:aws:sns:us-east-1:123456789012:alarms"}
	}
	secrets, in, err := e.st.CreateIntegration(e.ctx, n)
	if err != nil {
		e.t.Fatalf("create integration %q: %v", name, err)
	}
	return in, secrets
}

// prom creates the alertmanager integration most alert tests send through.
func (e *env) prom() *arqir.Integration {
	e.t.Helper()
	e.useAlertRules()
	in, _ := e.newIntegration(arqir.KindAlertmanager, "prom", "platform")
	return in
}

// ingest ingests events, failing the test on error.
func (e *env) ingest(in *arqir.Integration, key string, events ...arqir.AlertEvent) *arqir.IngestResult {
	e.t.Helper()
	res, err := e.st.Ingest(e.ctx, in.ID, key, events)
	if err != nil {
		e.t.Fatalf("ingest %d events into %s: %v", len(events), in.Name, err)
	}
	return res
}

// firing is a firing event; labels are name, value pairs.
func firing(key string, labels ...string) arqir.AlertEvent {
	return arqir.AlertEvent{DedupKey: key, Status: arqir.AlertFiring, Labels: labelPairs(labels), Summary: "Alert " + key}
}

// resolvedEvent is a resolve of the alert with the key.
func resolvedEvent(key string) arqir.AlertEvent {
	return arqir.AlertEvent{DedupKey: key, Status: arqir.AlertResolved}
}

// labelPairs makes a map of name, value pairs.
func labelPairs(kv []string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// allAlerts lists every alert, newest first.
func (e *env) allAlerts(f arqir.AlertFilter) []*arqir.Alert {
	e.t.Helper()
	var out []*arqir.Alert
	f.Limit = 500
	for {
		page, err := e.st.Alerts(e.ctx, f)
		if err != nil {
			e.t.Fatalf("list alerts: %v", err)
		}
		out = append(out, page.Alerts...)
		if page.Next == "" {
			return out
		}
		f.Cursor = page.Next
	}
}

// alert reads one alert, failing the test on error.
func (e *env) alert(id int64) *arqir.Alert {
	e.t.Helper()
	a, err := e.st.Alert(e.ctx, id)
	if err != nil {
		e.t.Fatalf("read alert %d: %v", id, err)
	}
	return a
}

// only returns the single incident of a result, failing otherwise.
func (e *env) only(res *arqir.IngestResult) *arqir.Incident {
	e.t.Helper()
	if len(res.Incidents) != 1 {
		e.t.Fatalf("the ingest changed incidents %v, want exactly one", res.Incidents)
	}
	return e.get(res.Incidents[0])
}

// countKind counts the events of a kind on an incident's timeline.
func (e *env) countKind(id arqir.IncidentID, kind string) int {
	e.t.Helper()
	n := 0
	for _, ev := range e.timeline(id) {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// incidentOf returns the incident ID of an alert, failing when it has none.
func (e *env) incidentOf(a *arqir.Alert) arqir.IncidentID {
	e.t.Helper()
	if a.IncidentID == nil {
		e.t.Fatalf("alert %d (%s) has no incident", a.ID, a.DedupKey)
	}
	return *a.IncidentID
}

// startingAt returns an event firing since t.
func startingAt(ev arqir.AlertEvent, t time.Time) arqir.AlertEvent {
	ev.StartsAt = t
	return ev
}

// wantIncidents checks how many incidents the store holds.
func (e *env) wantIncidents(n int, why string) {
	e.t.Helper()
	if got := e.count(); got != n {
		e.t.Fatalf("%d incidents, want %d: %s", got, n, why)
	}
}

// alertIDs returns the IDs of alerts, sorted.
func alertIDs(as []*arqir.Alert) []int64 {
	out := make([]int64, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	slices.Sort(out)
	return out
}

// alertKeyN returns the i-th test dedup key.
func alertKeyN(i int) string { return fmt.Sprintf("alert-%03d", i) }
