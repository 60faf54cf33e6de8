package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var refireTests = []namedTest{
	{name: "D_RefireWhileTheIncidentIsOpenAttachesAgain", fn: testRefireOpen},
	{name: "D_RefireWithinTheReopenWindowReopens", fn: testRefireReopens},
	{name: "D_RefireAfterTheReopenWindowOpensANewIncident", fn: testRefireNew},
	{name: "D_FlappingTenTimesKeepsOneIncident", fn: testFlapping},
	{name: "D_NewAlertOfAGroupWithinTheWindowReopens", fn: testGroupReopen},
	{name: "D_NewAlertAfterAManualResolveWithinTheWindowReopens", fn: testManualResolveReopen},
}

func testRefireOpen(e *env) {
	in := e.prom()
	inc := e.only(e.ingest(in, "", firing("fp", "alertname", "CPU")))
	e.clock.Advance(time.Minute)
	e.ingest(in, "", resolvedEvent("fp"))
	e.clock.Advance(time.Minute)
	res := e.ingest(in, "", startingAt(firing("fp", "alertname", "CPU"), Start.Add(90*time.Second)))
	a := res.Alerts[0]
	if e.incidentOf(a) != inc.ID || a.Count != 2 || a.Status != arqir.AlertFiring || a.ResolvedAt != nil {
		e.t.Fatalf("re-fired alert = %+v, want firing again on %s with count 2", a, inc.ID)
	}
	if !a.StartedAt.Equal(micro(Start.Add(90 * time.Second))) {
		e.t.Fatalf("started at %v, want the new episode's start", a.StartedAt)
	}
	if n := e.countKind(inc.ID, arqir.EventAlertFiredAgain); n != 1 {
		e.t.Fatalf("%d fired-again events, want 1", n)
	}
	e.wantIncidents(1, "a re-fire of an open incident's alert opens nothing")
}

func testRefireReopens(e *env) {
	in := e.prom()
	inc := e.only(e.ingest(in, "", firing("disk", "alertname", "DiskFull")))
	e.clock.Advance(time.Minute)
	e.ingest(in, "", resolvedEvent("disk")) // SEV4 auto-resolves
	if e.get(inc.ID).Status != arqir.StatusResolved {
		e.t.Fatal("the SEV4 incident did not auto-resolve")
	}
	e.clock.Advance(29 * time.Minute)
	res := e.ingest(in, "", firing("disk", "alertname", "DiskFull"))
	if e.incidentOf(res.Alerts[0]) != inc.ID {
		e.t.Fatalf("the re-fire went to %v, want %s reopened", res.Alerts[0].IncidentID, inc.ID)
	}
	got := e.get(inc.ID)
	if got.Status != arqir.StatusInvestigating || got.ResolvedAt != nil {
		e.t.Fatalf("status %s, want the incident reopened", got.Status)
	}
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventReopened || !strings.Contains(last.Message, "fired again 29m0s after the incident resolved") {
		e.t.Fatalf("last event = %+v", last)
	}
	e.wantIncidents(1, "a re-fire within 30 min reopens")
}

func testRefireNew(e *env) {
	in := e.prom()
	first := e.only(e.ingest(in, "", firing("disk", "alertname", "DiskFull")))
	e.clock.Advance(time.Minute)
	e.ingest(in, "", resolvedEvent("disk"))
	e.clock.Advance(30 * time.Minute)
	res := e.ingest(in, "", firing("disk", "alertname", "DiskFull"))
	second := e.incidentOf(res.Alerts[0])
	if second == first.ID {
		e.t.Fatal("a re-fire 30 min after the resolution reopened the old incident")
	}
	if got := e.get(first.ID); got.Status != arqir.StatusResolved {
		e.t.Fatalf("the old incident is %s, want it left resolved", got.Status)
	}
	if got := e.get(second); !got.DetectedAt.Equal(micro(Start.Add(31*time.Minute))) || got.Severity != "SEV4" {
		e.t.Fatalf("the new incident = %+v", got)
	}
	e.wantIncidents(2, "a re-fire after the window opens a new incident")
}

// fire/resolve/fire ×10 opens one incident, whether the incident stays
// open between flaps (SEV3) or auto-resolves and reopens (SEV4).
func testFlapping(e *env) {
	in := e.prom()
	for _, alertname := range []string{"CPU", "DiskFull"} {
		var inc arqir.IncidentID
		for i := range 10 {
			e.clock.Advance(time.Minute)
			res := e.ingest(in, "", firing("flap-"+alertname, "alertname", alertname))
			if inc == 0 {
				inc = e.incidentOf(res.Alerts[0])
			} else if got := e.incidentOf(res.Alerts[0]); got != inc {
				e.t.Fatalf("%s flap %d went to %s, want %s", alertname, i, got, inc)
			}
			e.clock.Advance(time.Minute)
			e.ingest(in, "", resolvedEvent("flap-"+alertname))
		}
		if a := e.allAlerts(arqir.AlertFilter{IncidentID: inc}); len(a) != 1 || a[0].Count != 10 {
			e.t.Fatalf("%s: alerts of the incident = %+v, want one with count 10", alertname, a)
		}
	}
	e.wantIncidents(2, "two alerts flapping ten times each open one incident each")
}

// Senders like Datadog give each firing episode a new dedup key
// ($ALERT_CYCLE_KEY): a new alert of the group reopens its latest incident.
func testGroupReopen(e *env) {
	in := e.prom()
	inc := e.only(e.ingest(in, "", firing("cycle-1", "alertname", "DiskFull")))
	e.clock.Advance(time.Minute)
	e.ingest(in, "", resolvedEvent("cycle-1"))
	e.clock.Advance(5 * time.Minute)
	res := e.ingest(in, "", firing("cycle-2", "alertname", "DiskFull"))
	if e.incidentOf(res.Alerts[0]) != inc.ID {
		e.t.Fatalf("the new cycle went to %v, want %s reopened", res.Alerts[0].IncidentID, inc.ID)
	}
	events := e.timeline(inc.ID)
	equal(e.t, "the last two events", kinds(events[len(events)-2:]), []string{arqir.EventReopened, arqir.EventAlertAttached})
	e.wantIncidents(1, "a new cycle within the window reopens")
}

func testManualResolveReopen(e *env) {
	in := e.prom()
	inc := e.only(e.ingest(in, "", firing("a", "alertname", "CPU")))
	e.clock.Advance(time.Minute)
	e.must(e.st.Resolve(e.ctx, inc.ID, arqir.Resolution{RootCause: "restarted", CustomerImpact: "none"}, as))
	e.clock.Advance(time.Minute)
	// The alert still fires: a repeat does not reopen, it is the same episode.
	e.ingest(in, "", firing("a", "alertname", "CPU"))
	if e.get(inc.ID).Status != arqir.StatusResolved {
		e.t.Fatal("a repeat of a still-firing alert reopened the incident")
	}
	// Another alert of the group fires: the fix did not hold.
	res := e.ingest(in, "", firing("b", "alertname", "CPU", "instance", "2"))
	if e.incidentOf(res.Alerts[0]) != inc.ID || e.get(inc.ID).Status != arqir.StatusInvestigating {
		e.t.Fatalf("a new alert of the group 1 min after the resolution went to %v", res.Alerts[0].IncidentID)
	}
}
