package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
)

var groupingTests = []namedTest{
	{name: "D_AlertsOfAGroupShareOneIncident", fn: testGrouping},
	{name: "D_AGroupInOneRequestOpensOneIncident", fn: testGroupingOneRequest},
	{name: "D_DifferentGroupsOpenDifferentIncidents", fn: testGroupingDistinct},
	{name: "C3_AllAlertsResolvedKeepsSev1AndSev2OpenUnderTheDefaultPolicy", fn: testAllResolvedNoAutoResolve},
	{name: "D_AllAlertsResolvedAutoResolvesWhenThePolicySays", fn: testAutoResolve},
	{name: "D3_RoutedSeverityAndService", fn: testRouting},
	{name: "D_AMoreSevereAlertRaisesItsGroupsIncident", fn: testGroupingRaisesSeverity},
	{name: "D_AMoreSevereAlertInTheOpeningRequestRaisesTheNewIncident", fn: testGroupingRaisesSeverityInOneRequest},
}

// Three alerts of one group (same alertname and service, different
// instances) attach to one incident; impact starts with the earliest.
func testGrouping(e *env) {
	in := e.prom()
	var inc arqir.IncidentID
	for i, offset := range []time.Duration{-2 * time.Minute, -9 * time.Minute, -5 * time.Minute} {
		e.clock.Advance(time.Second)
		ev := startingAt(firing(alertKeyN(i), "alertname", "HighLatency", "service", "search", "instance", alertKeyN(i)), Start.Add(offset))
		res := e.ingest(in, "", ev)
		got := e.incidentOf(res.Alerts[0])
		if inc == 0 {
			inc = got
		} else if got != inc {
			e.t.Fatalf("alert %d opened %s, want it attached to %s", i, got, inc)
		}
	}
	e.wantIncidents(1, "one group, one incident")
	if n := e.countKind(inc, arqir.EventAlertAttached); n != 3 {
		e.t.Fatalf("%d attach events, want 3", n)
	}
	got := e.get(inc)
	equal(e.t, "impact start (the earliest alert)", got.ImpactStartedAt, micro(Start.Add(-9*time.Minute)))
	equal(e.t, "services", got.Services, []string{"search"})
	if got.Version != 3 {
		e.t.Fatalf("version %d, want 3 (declared, then two attachments)", got.Version)
	}
	if n := len(e.allAlerts(arqir.AlertFilter{IncidentID: inc})); n != 3 {
		e.t.Fatalf("the incident has %d alerts, want 3", n)
	}
}

func testGroupingOneRequest(e *env) {
	in := e.prom()
	res := e.ingest(in, "storm",
		firing("a", "alertname", "Errors", "service", "api", "pod", "1"),
		firing("b", "alertname", "Errors", "service", "api", "pod", "2"),
		firing("c", "alertname", "Errors", "service", "api", "pod", "3"))
	inc := e.only(res)
	if len(res.Alerts) != 3 {
		e.t.Fatalf("%d alerts in the result", len(res.Alerts))
	}
	for _, a := range res.Alerts {
		if e.incidentOf(a) != inc.ID {
			e.t.Fatalf("alert %s is on %v, want %s", a.DedupKey, a.IncidentID, inc.ID)
		}
	}
	// One request, one batch: one event names the three alerts.
	e.wantAttached(inc.ID, res.Alerts)
	if n := e.countKind(inc.ID, arqir.EventAlertAttached); n != 1 || inc.Version != 1 {
		e.t.Fatalf("%d attach events at version %d, want 1 at 1", n, inc.Version)
	}
}

func testGroupingDistinct(e *env) {
	in := e.prom()
	a := e.ingest(in, "", firing("a", "alertname", "Errors", "service", "api"))
	b := e.ingest(in, "", firing("b", "alertname", "Errors", "service", "web"))
	c := e.ingest(in, "", firing("c", "alertname", "Latency", "service", "api"))
	other, _ := e.newIntegration(arqir.KindGeneric, "gen", "")
	d := e.ingest(other, "", firing("a", "alertname", "Errors", "service", "api"))
	seen := map[arqir.IncidentID]bool{}
	for _, r := range []*arqir.IngestResult{a, b, c, d} {
		seen[e.incidentOf(r.Alerts[0])] = true
	}
	if len(seen) != 4 {
		e.t.Fatalf("%d incidents for four groups (service, alertname and integration differ)", len(seen))
	}
}

// SEV1 and SEV2 never resolve by themselves under the default policy (the
// ARQ procedures): the timeline says the alerts cleared, and a person
// confirms the service is restored (C3). The test runs on the default
// policy's own rules, so that it checks the policy's auto_resolve, not the
// suite's.
func testAllResolvedNoAutoResolve(e *env) {
	rules := policy.Default().Rules(e.policy.Revision)
	for _, sev := range rules.Severities[:2] {
		if sev.AutoResolve {
			e.t.Fatalf("the default policy auto-resolves %s", sev.Name)
		}
	}
	e.st.SetRules(rules)
	in, _ := e.newIntegration(arqir.KindAlertmanager, "prom", "platform")
	for _, tc := range []struct{ word, severity string }{{"critical", "SEV1"}, {"error", "SEV2"}} {
		a := firing(tc.word+"-a", "alertname", "Checkout "+tc.word)
		b := firing(tc.word+"-b", "alertname", "Checkout "+tc.word, "pod", "2")
		a.Severity, b.Severity = tc.word, tc.word
		inc := e.only(e.ingest(in, "", a, b))
		if inc.Severity != tc.severity {
			e.t.Fatalf("severity %s, want %s for %q under the default policy", inc.Severity, tc.severity, tc.word)
		}
		e.clock.Advance(time.Minute)
		e.ingest(in, "", resolvedEvent(a.DedupKey))
		if n := e.countKind(inc.ID, arqir.EventAlertsResolved); n != 0 {
			e.t.Fatal("one of two alerts resolved, and the timeline says all did")
		}
		e.clock.Advance(time.Minute)
		e.ingest(in, "", resolvedEvent(b.DedupKey))
		got := e.get(inc.ID)
		if got.Status != arqir.StatusInvestigating || got.ResolvedAt != nil {
			e.t.Fatalf("a %s incident resolved by itself: %s", tc.severity, got.Status)
		}
		events := e.timeline(inc.ID)
		last := events[len(events)-1]
		if last.Kind != arqir.EventAlertsResolved || !strings.HasPrefix(last.Message, "All 2 alerts resolved") || last.Data["auto_resolve"] != "false" {
			e.t.Fatalf("last event = %+v", last)
		}
	}
}

func testAutoResolve(e *env) {
	in := e.prom()
	inc := e.only(e.ingest(in, "", firing("disk", "alertname", "DiskFilling", "service", "db")))
	if inc.Severity != "SEV4" {
		e.t.Fatalf("severity %s, want SEV4 from the route", inc.Severity)
	}
	e.clock.Advance(5 * time.Minute)
	res := e.ingest(in, "", resolvedEvent("disk"))
	equal(e.t, "changed incidents", res.Incidents, []arqir.IncidentID{inc.ID})
	got := e.get(inc.ID)
	switch {
	case got.Status != arqir.StatusResolved || got.ResolvedAt == nil || !got.ResolvedAt.Equal(micro(Start.Add(5*time.Minute))):
		e.t.Fatalf("status %s resolved at %v, want RESOLVED now", got.Status, got.ResolvedAt)
	case got.RootCause != arqir.AutoResolvedRootCause || got.CustomerImpact != arqir.AutoResolvedImpact:
		e.t.Fatalf("resolution = %q / %q", got.RootCause, got.CustomerImpact)
	}
	events := e.timeline(inc.ID)
	equal(e.t, "the last three events", kinds(events[len(events)-3:]), []string{arqir.EventAlertsResolved, arqir.EventResolved, arqir.EventRCACreated})
	if r := events[len(events)-2]; r.Actor != arqir.SystemActor.Name {
		e.t.Fatalf("resolved by %s, want system", r.Actor)
	}
}

func testRouting(e *env) {
	in := e.prom()
	for _, tc := range []struct {
		ev       arqir.AlertEvent
		severity string
		service  string
	}{
		{firing("d3", "alertname", "RequestErrorRate", "service", "api"), "SEV2", "api"},
		{firing("d1", "alertname", "CPU"), "SEV3", "platform"},
		{arqir.AlertEvent{DedupKey: "pd", Status: arqir.AlertFiring, Severity: "critical", Summary: "PagerDuty critical"}, "SEV1", "platform"},
		{firing("route", "alertname", "Anything", "team", "payments"), "SEV1", "checkout"},
	} {
		inc := e.only(e.ingest(in, "", tc.ev))
		if inc.Severity != tc.severity || len(inc.Services) != 1 || inc.Services[0] != tc.service {
			e.t.Errorf("%s opened %s on %v, want %s on %s", tc.ev.DedupKey, inc.Severity, inc.Services, tc.severity, tc.service)
		}
	}
}

// A critical alert joining a SEV3 group's incident raises it to SEV1: one
// timeline event names the alert, and the unmet response deadline takes
// the SEV1 target from the declaration (overdue at once here, which is the
// truth). A less severe alert joining never lowers it.
func testGroupingRaisesSeverity(e *env) {
	in := e.prom()
	inc := e.only(e.ingest(in, "", firing("a", "alertname", "Errors", "service", "checkout")))
	if inc.Severity != "SEV3" || !inc.Deadlines[0].DueAt.Equal(micro(Start.Add(30*time.Minute))) {
		e.t.Fatalf("opened at %s due %v, want SEV3 due in 30 min", inc.Severity, inc.Deadlines[0].DueAt)
	}
	e.clock.Advance(10 * time.Minute)
	res := e.ingest(in, "", firing("b", "alertname", "Errors", "team", "payments")) // routed to checkout at SEV1
	if e.incidentOf(res.Alerts[0]) != inc.ID || res.Alerts[0].Severity != "SEV1" {
		e.t.Fatalf("the SEV1 alert went to %v at %s, want attached to %s", res.Alerts[0].IncidentID, res.Alerts[0].Severity, inc.ID)
	}
	got := e.get(inc.ID)
	if got.Severity != "SEV1" {
		e.t.Fatalf("severity %s after a SEV1 alert joined, want SEV1", got.Severity)
	}
	if d := got.Deadlines[0]; d.Kind != arqir.DeadlineResponse || !d.Pending() || !d.DueAt.Equal(micro(Start.Add(5*time.Minute))) {
		e.t.Fatalf("response deadline %+v, want the SEV1 target from the declaration", d)
	}
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventSeverityChanged || last.Data["from"] != "SEV3" || last.Data["to"] != "SEV1" || last.Data["alert_id"] == "" ||
		!strings.HasPrefix(last.Message, `Severity SEV3 → SEV1: alert "Alert b" attached`) || last.Actor != "alertmanager:prom" {
		e.t.Fatalf("last event = %+v", last)
	}

	// A SEV3 alert of the group joins and lowers nothing.
	e.clock.Advance(time.Minute)
	e.ingest(in, "", firing("c", "alertname", "Errors", "service", "checkout", "pod", "3"))
	if got := e.get(inc.ID); got.Severity != "SEV1" || e.countKind(inc.ID, arqir.EventSeverityChanged) != 1 {
		e.t.Fatalf("severity %s after a SEV3 alert joined, want SEV1 kept and one severity change", got.Severity)
	}
	// Nor does the SEV3 alert firing again after it resolved.
	e.ingest(in, "", resolvedEvent("a"))
	e.ingest(in, "", firing("a", "alertname", "Errors", "service", "checkout"))
	if got := e.get(inc.ID); got.Severity != "SEV1" {
		e.t.Fatalf("severity %s after a SEV3 alert fired again", got.Severity)
	}
}

// Within one request, a SEV3 alert opens the group's incident and a SEV1
// alert of the group raises it before anything is written.
func testGroupingRaisesSeverityInOneRequest(e *env) {
	in := e.prom()
	inc := e.only(e.ingest(in, "", firing("a", "alertname", "Errors", "service", "checkout"), firing("b", "alertname", "Errors", "team", "payments")))
	if inc.Severity != "SEV1" || !inc.Deadlines[0].DueAt.Equal(micro(Start.Add(5*time.Minute))) {
		e.t.Fatalf("incident at %s due %v, want SEV1 due in 5 min", inc.Severity, inc.Deadlines[0].DueAt)
	}
	equal(e.t, "timeline", kinds(e.timeline(inc.ID))[4:], []string{arqir.EventAlertAttached, arqir.EventSeverityChanged})
	e.wantAttached(inc.ID, e.allAlerts(arqir.AlertFilter{IncidentID: inc.ID}))
}
