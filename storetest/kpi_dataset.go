package storetest

import (
	"time"

	"github.com/arqir/arqir"
)

// The KPI data set: a fortnight of incidents built through the store with
// the test clock, under PostIncidentRules (response targets SEV1 5 min,
// SEV2 15 min, SEV3 30 min, SEV4 2 h; initial notice within 5 min; status
// updates every 15 min for SEV1–2; RCA within 24 h; SEV4 auto-resolves).
// No planner is installed, so deadlines are met only by what the data set
// does (acknowledge, post an update, hold the RCA meeting) and breached
// only by its sweeps. The window is [Mon 2025-03-03, Mon 2025-03-17).
//
//	G  SEV2 checkout, manual     declared Feb 28 10:00            before the window
//	I  SEV4 search,   manual     declared Mar 3 00:00 (= From)    open; impact = detected = declared
//	A  SEV2 checkout, manual     declared Mar 3 10:00             impact 09:40, detected 09:50, ack 10:03,
//	                                                              update 10:10, resolved 11:00, RCA held Mar 4 09:00
//	B  SEV1 checkout, alert      declared Mar 3 12:00 (ingest)    impact 11:55 (alert start), resolved 12:30
//	C  SEV4 search,   alert      declared Mar 5 08:00 (ingest)    impact 07:50, auto-resolved 08:20, false positive
//	D  SEV3 search,   manual     declared Mar 10 09:00            impact 08:00, detected 08:30, ack 09:10, open
//	F  SEV1 checkout, drill      declared Mar 11 10:00            ack 10:01, resolved 10:30: a drill never counts
//	E  SEV2 no service, automated declared Mar 12 14:00           impact 13:30, detected 13:45, ack 14:01, resolved 15:00
//	H  SEV3 search,   manual     declared Mar 17 00:00 (= To)     after the window
//
// Sweeps: Mar 3 10:30 breaches G's RCA, I's response and initial notice,
// A's initial notice and its second status update (due 10:25): 5.
// Mar 3 12:20 breaches B's response, initial notice and status update: 3.
// Mar 4 13:00 breaches B's RCA (due Mar 4 12:30): 1. Mar 10 09:20
// breaches C's RCA (due Mar 6 08:20) and D's initial notice: 2. Every
// deadline still pending at a resolution became moot (cancelled).
//
// By hand, for the whole window (I, A, B, C, D, E; G, F, H excluded):
//
//	Incidents 6; Resolved 4 (A, B, C, E)
//	Σ resolved − detected = A 70 + B 30 + C 20 + E 75 = 195 min
//	Σ resolved − impact   = A 80 + B 35 + C 30 + E 90 = 235 min
//	Σ detected − impact   = I 0 + A 10 + B 5 + C 10 + D 30 + E 15 = 70 min
//	Automated 3 (B, C, E) = alert-opened; false positives 1 (C)
//	MTBF: checkout A, B: span 09:40 → 11:55 = 135 min, 1 gap;
//	      search I, C, D: span Mar 3 00:00 → Mar 10 08:00 = 10 560 min, 2 gaps;
//	      no service E alone: 0 min, 0 gaps.  Σ 10 695 min, 3 gaps
//	Response: SEV1 B missed; SEV2 A, E met; SEV3 D met; SEV4 I missed (C moot)
//	Initial notice: I, A, B, D missed; C, E moot → 0 met, 4 missed
//	Status updates: A's first met, second missed; B's missed; E's moot → 1, 2
//	RCA: A met; B, C missed; E pending → 1, 2
//	Week of Mar 3: I, A, B, C — 4 incidents, 3 resolved, Σ r−d 120 min,
//	               Σ d−i 25 min, 2 automated, 1 false positive
//	Week of Mar 10: D, E — 2 incidents, 1 resolved, Σ r−d 75 min,
//	               Σ d−i 45 min, 1 automated
type kpiDataset struct {
	from, to time.Time
}

// kpiData builds the data set on the env's store.
func (e *env) kpiData() kpiDataset {
	e.t.Helper()
	e.postIncident()
	prom, _ := e.newIntegration(arqir.KindAlertmanager, "prom", "platform")
	disks, _ := e.newIntegration(arqir.KindAlertmanager, "disks", "search")
	at := func(t time.Time) { e.clock.Set(t) }
	declare := func(when time.Time, d arqir.Declaration) *arqir.Incident {
		e.t.Helper()
		at(when)
		return e.must(e.st.Declare(e.ctx, d, alice))
	}
	sweep := func(when time.Time, want int) {
		e.t.Helper()
		at(when)
		if n, err := e.st.SweepDeadlines(e.ctx, when); err != nil || n != want {
			e.t.Fatalf("sweep at %s breached %d (%v), want %d", when, n, err, want)
		}
	}
	manual := arqir.Detection{Kind: arqir.DetectionManual, Source: arqir.SourceInternalObservation}

	g := declare(time.Date(2025, 2, 28, 10, 0, 0, 0, time.UTC), arqir.Declaration{Title: "G", Severity: "SEV2", Services: []string{"checkout"}, Detection: manual})
	at(time.Date(2025, 2, 28, 10, 30, 0, 0, time.UTC))
	e.resolve(g.ID)

	declare(day(3, 0, 0), arqir.Declaration{Title: "I", Severity: "SEV4", Services: []string{"search"}, Detection: manual})

	a := declare(day(3, 10, 0), arqir.Declaration{Title: "A", Severity: "SEV2", Services: []string{"checkout"}, Detection: manual,
		ImpactStartedAt: ptr(day(3, 9, 40)), DetectedAt: ptr(day(3, 9, 50))})
	at(day(3, 10, 3))
	e.must(e.st.Acknowledge(e.ctx, a.ID, as))
	at(day(3, 10, 10))
	e.must(e.st.PostUpdate(e.ctx, a.ID, arqir.StatusUpdate{Investigating: "the deploy"}, as))
	sweep(day(3, 10, 30), 5)
	at(day(3, 11, 0))
	e.resolve(a.ID)

	at(day(3, 12, 0))
	b := e.only(e.ingest(prom, "", startingAt(firing("b", "alertname", "CheckoutErrors", "team", "payments"), day(3, 11, 55))))
	sweep(day(3, 12, 20), 3)
	at(day(3, 12, 30))
	e.resolve(b.ID)

	at(day(4, 9, 0))
	e.mustRCA(e.st.RecordRCAMeeting(e.ctx, a.ID, day(4, 9, 0), []string{"ada", "bob"}, as))
	sweep(day(4, 13, 0), 1)

	at(day(5, 8, 0))
	c := e.only(e.ingest(disks, "", startingAt(firing("c", "alertname", "DiskFull"), day(5, 7, 50))))
	at(day(5, 8, 20))
	e.ingest(disks, "", resolvedEvent("c"))
	at(day(5, 8, 30))
	e.must(e.st.MarkFalsePositive(e.ctx, c.ID, "the disk alert's threshold is wrong", as))

	d := declare(day(10, 9, 0), arqir.Declaration{Title: "D", Severity: "SEV3", Services: []string{"search"},
		Detection:       arqir.Detection{Kind: arqir.DetectionManual, Source: arqir.SourceCustomerSupport},
		ImpactStartedAt: ptr(day(10, 8, 0)), DetectedAt: ptr(day(10, 8, 30))})
	at(day(10, 9, 10))
	e.must(e.st.Acknowledge(e.ctx, d.ID, as))
	sweep(day(10, 9, 20), 2)

	f := declare(day(11, 10, 0), arqir.Declaration{Title: "F", Severity: "SEV1", Services: []string{"checkout"}, Detection: manual, Drill: true})
	at(day(11, 10, 1))
	e.must(e.st.Acknowledge(e.ctx, f.ID, as))
	at(day(11, 10, 30))
	e.resolve(f.ID)

	ev := declare(day(12, 14, 0), arqir.Declaration{Title: "E", Severity: "SEV2", Detection: arqir.Detection{Kind: arqir.DetectionAutomated, Source: "datadog"},
		ImpactStartedAt: ptr(day(12, 13, 30)), DetectedAt: ptr(day(12, 13, 45))})
	at(day(12, 14, 1))
	e.must(e.st.Acknowledge(e.ctx, ev.ID, as))
	at(day(12, 15, 0))
	e.resolve(ev.ID)

	declare(day(17, 0, 0), arqir.Declaration{Title: "H", Severity: "SEV3", Services: []string{"search"}, Detection: manual})
	return kpiDataset{from: day(3, 0, 0), to: day(17, 0, 0)}
}

// minutes is n minutes in microseconds, the unit of KPIAggregates.
func minutes(n int64) int64 { return n * int64(time.Minute/time.Microsecond) }
