package arqir_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

var prom = &arqir.Integration{ID: 3, Name: "prom", Kind: arqir.KindAlertmanager, Service: "platform"}

func ev(key string, status arqir.AlertStatus, labels ...string) arqir.AlertEvent {
	e := arqir.AlertEvent{DedupKey: key, Status: status, Labels: map[string]string{}}
	for i := 0; i+1 < len(labels); i += 2 {
		e.Labels[labels[i]] = labels[i+1]
	}
	return e
}

func TestNewAlert(t *testing.T) {
	e := ev("fp", arqir.AlertFiring, "alertname", "CPU")
	e.StartsAt = t0.Add(-3 * time.Minute)
	a := arqir.NewAlert(prom, e, "api", "SEV3", "g1", t0)
	switch {
	case a.Count != 1 || a.Status != arqir.AlertFiring || a.ResolvedAt != nil:
		t.Fatalf("firing alert = %+v", a)
	case !a.StartedAt.Equal(e.StartsAt) || !a.ReceivedAt.Equal(t0) || !a.LastSeenAt.Equal(t0):
		t.Fatalf("times = %v %v %v", a.StartedAt, a.ReceivedAt, a.LastSeenAt)
	case a.Source != arqir.KindAlertmanager || a.IntegrationID != 3 || a.Service != "api" || a.Severity != "SEV3" || a.GroupKey != "g1":
		t.Fatalf("alert = %+v", a)
	}
	e.Labels["alertname"] = "changed"
	if a.Labels["alertname"] != "CPU" {
		t.Fatal("the alert shares the event's labels")
	}
	// A sender's clock ahead of ours: the condition started now, not later.
	e.StartsAt = t0.Add(time.Hour)
	if a := arqir.NewAlert(prom, e, "", "SEV3", "g", t0); !a.StartedAt.Equal(t0) {
		t.Fatalf("started at %v, want now", a.StartedAt)
	}
	// A resolve first: recorded, never counted as a firing.
	r := arqir.NewAlert(prom, ev("fp", arqir.AlertResolved), "", "SEV3", "g", t0)
	if r.Count != 0 || r.ResolvedAt == nil || !r.ResolvedAt.Equal(t0) || r.Labels == nil || r.Links == nil {
		t.Fatalf("resolved first = %+v", r)
	}
}

func TestAlertRepeatResolveFireAgain(t *testing.T) {
	a := arqir.NewAlert(prom, ev("fp", arqir.AlertFiring, "alertname", "CPU", "instance", "1"), "", "SEV3", "g", t0)
	a.Summary = "old"
	t1 := t0.Add(time.Minute)
	a.Repeat(arqir.AlertEvent{DedupKey: "fp", Status: arqir.AlertFiring}, t1) // carries nothing: keeps everything
	if a.Count != 2 || a.Labels["instance"] != "1" || a.Summary != "old" || !a.LastSeenAt.Equal(t1) {
		t.Fatalf("after an empty repeat: %+v", a)
	}
	e := ev("fp", arqir.AlertFiring, "alertname", "CPU", "instance", "2")
	e.Summary, e.Links = "new", []string{"http://x"}
	a.Repeat(e, t1)
	if a.Count != 3 || a.Labels["instance"] != "2" || a.Summary != "new" || len(a.Links) != 1 {
		t.Fatalf("after a full repeat: %+v", a)
	}

	t2 := t0.Add(10 * time.Minute)
	for _, tc := range []struct {
		ends time.Time
		want time.Time
	}{
		{time.Time{}, t2}, // unknown: now
		{t0.Add(5 * time.Minute), t0.Add(5 * time.Minute)}, // the sender's time
		{t0.Add(-time.Hour), t2},                           // before the start: now
		{t2.Add(time.Hour), t2},                            // in the future: now
	} {
		b := *a
		r := ev("fp", arqir.AlertResolved)
		r.EndsAt = tc.ends
		b.Resolve(r, t2)
		if b.Status != arqir.AlertResolved || !b.ResolvedAt.Equal(tc.want) || b.Count != 3 {
			t.Errorf("resolve with ends %v: %s at %v count %d, want at %v", tc.ends, b.Status, b.ResolvedAt, b.Count, tc.want)
		}
	}

	a.Resolve(ev("fp", arqir.AlertResolved), t2)
	t3 := t2.Add(time.Minute)
	a.FireAgain(ev("fp", arqir.AlertFiring, "alertname", "CPU"), "web", "SEV2", "g2", t3)
	if a.Status != arqir.AlertFiring || a.ResolvedAt != nil || a.Count != 4 || !a.StartedAt.Equal(t3) || a.Service != "web" || a.Severity != "SEV2" || a.GroupKey != "g2" {
		t.Fatalf("fired again = %+v", a)
	}
}

func TestAlertTitle(t *testing.T) {
	a := &arqir.Alert{DedupKey: "fp-9", Labels: map[string]string{}, Annotations: map[string]string{}}
	if got := a.Title(); got != "Alert fp-9" {
		t.Errorf("bare = %q", got)
	}
	a.Labels["alertname"] = "HighCPU"
	if got := a.Title(); got != "HighCPU" {
		t.Errorf("alertname = %q", got)
	}
	a.Annotations["summary"] = "CPU high\nsee runbook"
	if got := a.Title(); got != "CPU high" {
		t.Errorf("annotation = %q", got)
	}
	a.Summary = "  Checkout CPU above 80%  "
	if got := a.Title(); got != "Checkout CPU above 80%" {
		t.Errorf("summary = %q", got)
	}
	a.Summary = strings.Repeat("é", 300)
	if got := a.Title(); len([]rune(got)) != arqir.MaxTitleLen || !strings.HasSuffix(got, "…") {
		t.Errorf("long title has %d characters", len([]rune(got)))
	}
}

func TestD_NewIncidentFromAlert(t *testing.T) {
	e := ev("fp", arqir.AlertFiring, "alertname", "CPU")
	e.StartsAt, e.Summary = t0.Add(-4*time.Minute), "CPU above 80%"
	e.Annotations = map[string]string{"description": "web-1 at 93% for 5 minutes"}
	a := arqir.NewAlert(prom, e, "checkout", "SEV3", "g", t0)
	inc, events, err := arqir.NewIncidentFromAlert(a, prom, testRules(), t0)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case inc.Title != "CPU above 80%" || inc.Summary != "web-1 at 93% for 5 minutes" || inc.Severity != "SEV3":
		t.Fatalf("incident = %q %q %s", inc.Title, inc.Summary, inc.Severity)
	case inc.Detection != arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager:prom"}:
		t.Fatalf("detection = %+v", inc.Detection)
	case !inc.ImpactStartedAt.Equal(t0.Add(-4*time.Minute)) || !inc.DetectedAt.Equal(t0) || !inc.DeclaredAt.Equal(t0):
		t.Fatalf("times = %v %v %v", inc.ImpactStartedAt, inc.DetectedAt, inc.DeclaredAt)
	case !slices.Equal(inc.Services, []string{"checkout"}):
		t.Fatalf("services = %v", inc.Services)
	}
	last := events[len(events)-1]
	if events[0].Kind != arqir.EventDeclared || last.Kind != arqir.EventAlertAttached || last.Actor != "alertmanager:prom" || last.Data["dedup_key"] != "fp" {
		t.Fatalf("events = %+v", events)
	}
	// A severity the policy lacks is refused, not guessed.
	a.Severity = "SEV9"
	if _, _, err := arqir.NewIncidentFromAlert(a, prom, testRules(), t0); arqir.ErrorCode(err) != arqir.EUNPROCESSABLE {
		t.Fatalf("unknown severity: %v", err)
	}
}

func TestD_AttachAlertWidensTheIncident(t *testing.T) {
	inc := declare(t, "SEV3")
	early := arqir.NewAlert(prom, ev("a", arqir.AlertFiring), "search", "SEV3", "g", t0)
	early.StartedAt = t0.Add(-time.Hour)
	events := inc.AttachAlert(early, arqir.AlertActor(prom), t0)
	inc.AttachAlert(early, arqir.AlertActor(prom), t0)
	if !inc.ImpactStartedAt.Equal(t0.Add(-time.Hour)) || !slices.Equal(inc.Services, []string{"search"}) {
		t.Fatalf("impact %v services %v", inc.ImpactStartedAt, inc.Services)
	}
	if len(events) != 1 || events[0].Kind != arqir.EventAlertAttached {
		t.Fatalf("events = %+v", events)
	}
	if ev := inc.AlertFiredAgain(early, arqir.AlertActor(prom), t0); ev[0].Kind != arqir.EventAlertFiredAgain {
		t.Fatalf("fired again = %+v", ev)
	}

	// JoinAlert is AttachAlert's change, and AlertAttachedEvent its event.
	joined := declare(t, "SEV3")
	joined.JoinAlert(early)
	if !joined.ImpactStartedAt.Equal(inc.ImpactStartedAt) || !slices.Equal(joined.Services, inc.Services) {
		t.Fatalf("joined: impact %v services %v", joined.ImpactStartedAt, joined.Services)
	}
	if e := arqir.AlertAttachedEvent(early, arqir.AlertActor(prom), t0); e.Message != events[0].Message || !maps.Equal(e.Data, events[0].Data) || e.At != events[0].At || e.Actor != events[0].Actor {
		t.Fatalf("attached event %+v, want %+v", e, events[0])
	}
}

// NewAlertOwning keeps the lists of an event handed over to it; NewAlert
// copies them (TestNewAlert) through AlertEvent.Owned.
func TestNewAlertOwning(t *testing.T) {
	e := ev("fp", arqir.AlertFiring, "alertname", "CPU").Owned()
	e.Labels["alertname"] = "CPU"
	a := arqir.NewAlertOwning(prom, e, "api", "SEV3", "g1", t0)
	if a.Labels["alertname"] != "CPU" || a.Annotations == nil || a.Links == nil {
		t.Fatalf("alert = %+v", a)
	}
	orig := ev("fp", arqir.AlertFiring, "alertname", "CPU")
	owned := orig.Owned()
	orig.Labels["alertname"] = "changed"
	if owned.Labels["alertname"] != "CPU" || owned.Annotations != nil || owned.Links != nil {
		t.Fatalf("owned = %+v", owned)
	}
}

// A more severe alert raises the incident, re-targeting the unmet
// response deadline from when it started (the declaration, or the
// reopening); a less severe one, an unknown severity or a resolved
// incident changes nothing.
func TestD_MoreSevereAlertRaisesTheIncident(t *testing.T) {
	rules := testRules()
	at := t0.Add(10 * time.Minute)
	inc := declare(t, "SEV3")
	for _, sev := range []string{"SEV3", "SEV4", "SEV9", ""} {
		if events := inc.RaiseSeverityForAlert(rules, arqir.NewAlert(prom, ev("a", arqir.AlertFiring), "", sev, "g", at), "attached", arqir.AlertActor(prom), at); events != nil || inc.Severity != "SEV3" {
			t.Fatalf("a %q alert: %+v, severity %s", sev, events, inc.Severity)
		}
	}
	crit := arqir.NewAlert(prom, ev("crit", arqir.AlertFiring, "alertname", "Checkout"), "", "SEV1", "g", at)
	saved := *inc // a shallow copy, as the store's undo of a request keeps it
	events := inc.RaiseSeverityForAlert(rules, crit, "attached", arqir.AlertActor(prom), at)
	if d := saved.Deadlines[0]; !d.DueAt.Equal(t0.Add(30 * time.Minute)) {
		t.Fatalf("the copy's response deadline moved to %v: raising changed the list in place", d.DueAt)
	}
	if inc.Severity != "SEV1" || len(events) != 1 || events[0].Kind != arqir.EventSeverityChanged ||
		events[0].Message != `Severity SEV3 → SEV1: alert "Checkout" attached (respond within 5m0s)` ||
		events[0].Data["from"] != "SEV3" || events[0].Data["to"] != "SEV1" || events[0].Data["dedup_key"] != "crit" {
		t.Fatalf("raised to %s: %+v", inc.Severity, events)
	}
	if d := inc.Deadlines[0]; !d.DueAt.Equal(t0.Add(5 * time.Minute)) {
		t.Fatalf("response due %v, want the SEV1 target from the declaration", d.DueAt)
	}

	// After a reopening the new deadline counts from the reopening.
	inc = declare(t, "SEV3")
	if _, err := inc.Resolve(arqir.Resolution{RootCause: "x", CustomerImpact: "y"}, alice, t0); err != nil {
		t.Fatal(err)
	}
	if events := inc.RaiseSeverityForAlert(rules, crit, "fired again", arqir.AlertActor(prom), at); events != nil || inc.Severity != "SEV3" {
		t.Fatalf("a resolved incident was raised: %+v", events)
	}
	if _, err := inc.ReopenForAlert(rules, crit, arqir.AlertActor(prom), at); err != nil {
		t.Fatal(err)
	}
	inc.RaiseSeverityForAlert(rules, crit, "fired again", arqir.AlertActor(prom), at)
	last := inc.Deadlines[len(inc.Deadlines)-1]
	if inc.Severity != "SEV1" || !last.Pending() || !last.DueAt.Equal(at.Add(5*time.Minute)) {
		t.Fatalf("reopened and raised: %s, deadline %+v, want SEV1 due 5 min after the reopening", inc.Severity, last)
	}
}

func TestC3_AlertsAllResolvedAutoResolvesOnlyWhenThePolicySays(t *testing.T) {
	inc := declare(t, "SEV1")
	events, err := inc.AlertsAllResolved(3, false, arqir.AlertActor(prom), t0.Add(time.Minute))
	if err != nil || len(events) != 1 || !strings.HasPrefix(events[0].Message, "All 3 alerts resolved") || inc.Status != arqir.StatusInvestigating {
		t.Fatalf("without auto-resolve: %+v, %v, %s", events, err, inc.Status)
	}
	inc = declare(t, "SEV4")
	at := t0.Add(time.Minute)
	events, err = inc.AlertsAllResolved(1, true, arqir.AlertActor(prom), at)
	if err != nil || len(events) != 2 || events[1].Kind != arqir.EventResolved || events[1].Actor != arqir.SystemActor.Name {
		t.Fatalf("with auto-resolve: %+v, %v", events, err)
	}
	if inc.Status != arqir.StatusResolved || inc.RootCause != arqir.AutoResolvedRootCause || inc.CustomerImpact != arqir.AutoResolvedImpact || !inc.ResolvedAt.Equal(at) {
		t.Fatalf("auto-resolved incident = %+v", inc)
	}
	// Already resolved: the event only.
	events, err = inc.AlertsAllResolved(1, true, arqir.AlertActor(prom), at)
	if err != nil || len(events) != 1 {
		t.Fatalf("on a resolved incident: %+v, %v", events, err)
	}
}

func TestD_ReopenWindow(t *testing.T) {
	r := arqir.RoutingRules{ReopenWithin: 30 * time.Minute}
	inc := declare(t, "SEV3")
	if inc.ReopenWindowOpen(r, t0) {
		t.Fatal("an open incident is in its reopen window")
	}
	if _, err := inc.Resolve(arqir.Resolution{RootCause: "x", CustomerImpact: "y"}, alice, t0); err != nil {
		t.Fatal(err)
	}
	for d, want := range map[time.Duration]bool{0: true, 29 * time.Minute: true, 30 * time.Minute: false} {
		if got := inc.ReopenWindowOpen(r, t0.Add(d)); got != want {
			t.Errorf("%v after resolution: %v, want %v", d, got, want)
		}
	}
	if inc.ReopenWindowOpen(arqir.RoutingRules{}, t0) {
		t.Error("a zero window reopens")
	}
	a := arqir.NewAlert(prom, ev("fp", arqir.AlertFiring, "alertname", "CPU"), "", "SEV3", "g", t0)
	events, err := inc.ReopenForAlert(testRules(), a, arqir.AlertActor(prom), t0.Add(10*time.Minute))
	if err != nil || inc.Status != arqir.StatusInvestigating || !strings.Contains(events[0].Message, `alert "CPU" fired again 10m0s after the incident resolved`) {
		t.Fatalf("reopen: %+v, %v", events, err)
	}
}

func TestK5_FalsePositive(t *testing.T) {
	inc := declare(t, "SEV3")
	_, err := inc.MarkFalsePositive(" ", alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)
	events, err := inc.MarkFalsePositive("synthetic check", alice, t0)
	if err != nil || !inc.FalsePositive || inc.FalsePositiveReason != "synthetic check" || events[0].Kind != arqir.EventFalsePositive {
		t.Fatalf("marked: %+v, %v", inc, err)
	}
	_, err = inc.MarkFalsePositive("again", alice, t0)
	wantCode(t, err, arqir.EUNPROCESSABLE)

	a := arqir.NewAlert(prom, ev("fp", arqir.AlertFiring), "", "SEV3", "g", t0)
	wantCode(t, a.MarkFalsePositive("", alice, t0), arqir.EUNPROCESSABLE)
	if err := a.MarkFalsePositive("load test", alice, t0); err != nil || !a.FalsePositive || a.FalsePositiveBy != "alice" || !a.FalsePositiveAt.Equal(t0) {
		t.Fatalf("marked alert: %+v, %v", a, err)
	}
	wantCode(t, a.MarkFalsePositive("again", alice, t0), arqir.EUNPROCESSABLE)
	if ev := inc.AlertMarkedFalsePositive(a, alice, t0); ev[0].Kind != arqir.EventAlertFalsePositive || !strings.Contains(ev[0].Message, "load test") {
		t.Fatalf("event = %+v", ev)
	}
}
