package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var kpiTests = []namedTest{
	{name: "K1_K5_AggregatesOfAKnownDataSet", fn: testKPIAggregates},
	{name: "I3_WindowsThatAreEmptyOrInverted", fn: testKPIWindows},
	{name: "I3_WindowsNotOnWholeDays", fn: testKPIPartialDays},
	{name: "K5_ScorecardFollowsLaterChanges", fn: testKPIFollowsChanges},
}

// kpis computes aggregates, failing the test on error.
func (e *env) kpis(q arqir.KPIQuery) *arqir.KPIAggregates {
	e.t.Helper()
	agg, err := e.st.KPIAggregates(e.ctx, q)
	if err != nil {
		e.t.Fatalf("KPI aggregates of %+v: %v", q, err)
	}
	return agg
}

// week is the aggregates of one week of the data set; durations in minutes.
func week(monday int, incidents, resolved int, resolveDetected, detectImpact int64, automated, falsePositive int) arqir.KPIWeekAggregates {
	return arqir.KPIWeekAggregates{Week: day(monday, 0, 0), Incidents: incidents, Resolved: resolved,
		SumResolveDetected: minutes(resolveDetected), SumDetectImpact: minutes(detectImpact),
		Automated: automated, AlertOpened: automated, AlertFalsePositive: falsePositive}
}

func testKPIAggregates(e *env) {
	ds := e.kpiData() // the data set and its hand-computed values: kpi_dataset.go
	for _, tc := range []struct {
		name string
		q    arqir.KPIQuery
		want arqir.KPIAggregates
	}{{
		name: "the fortnight",
		q:    arqir.KPIQuery{From: ds.from, To: ds.to},
		want: arqir.KPIAggregates{
			Incidents: 6, Resolved: 4,
			SumResolveDetected: minutes(195), SumResolveImpact: minutes(235), SumDetectImpact: minutes(70),
			Automated: 3, AlertOpened: 3, AlertFalsePositive: 1,
			BetweenFailureGaps: 3, SumBetweenFailure: minutes(135 + 10560),
			ResponseBySeverity: map[string]arqir.Compliance{"SEV1": {Missed: 1}, "SEV2": {Met: 2}, "SEV3": {Met: 1}, "SEV4": {Missed: 1}},
			InitialNotice:      arqir.Compliance{Missed: 4},
			StatusUpdates:      arqir.Compliance{Met: 1, Missed: 2},
			RCAWithinDeadline:  arqir.Compliance{Met: 1, Missed: 2},
			Weekly:             []arqir.KPIWeekAggregates{week(3, 4, 3, 120, 25, 2, 1), week(10, 2, 1, 75, 45, 1, 0)},
		},
	}, {
		// A, B; the drill F and G (before the window) are checkout's too.
		name: "checkout",
		q:    arqir.KPIQuery{From: ds.from, To: ds.to, Service: "checkout"},
		want: arqir.KPIAggregates{
			Incidents: 2, Resolved: 2,
			SumResolveDetected: minutes(100), SumResolveImpact: minutes(115), SumDetectImpact: minutes(15),
			Automated: 1, AlertOpened: 1,
			BetweenFailureGaps: 1, SumBetweenFailure: minutes(135),
			ResponseBySeverity: map[string]arqir.Compliance{"SEV1": {Missed: 1}, "SEV2": {Met: 1}},
			InitialNotice:      arqir.Compliance{Missed: 2},
			StatusUpdates:      arqir.Compliance{Met: 1, Missed: 2},
			RCAWithinDeadline:  arqir.Compliance{Met: 1, Missed: 1},
			Weekly:             []arqir.KPIWeekAggregates{week(3, 2, 2, 100, 15, 1, 0)},
		},
	}, {
		// I, C, D; H (at the window's end) is search's too.
		name: "search",
		q:    arqir.KPIQuery{From: ds.from, To: ds.to, Service: "search"},
		want: arqir.KPIAggregates{
			Incidents: 3, Resolved: 1,
			SumResolveDetected: minutes(20), SumResolveImpact: minutes(30), SumDetectImpact: minutes(40),
			Automated: 1, AlertOpened: 1, AlertFalsePositive: 1,
			BetweenFailureGaps: 2, SumBetweenFailure: minutes(10560),
			ResponseBySeverity: map[string]arqir.Compliance{"SEV3": {Met: 1}, "SEV4": {Missed: 1}},
			InitialNotice:      arqir.Compliance{Missed: 2},
			RCAWithinDeadline:  arqir.Compliance{Missed: 1},
			Weekly:             []arqir.KPIWeekAggregates{week(3, 2, 1, 20, 10, 1, 1), week(10, 1, 0, 0, 30, 0, 0)},
		},
	}, {
		// A, E, the severity named in any letter case; each is alone in
		// its service, so no gap between failures.
		name: "SEV2",
		q:    arqir.KPIQuery{From: ds.from, To: ds.to, Severity: "sev2"},
		want: arqir.KPIAggregates{
			Incidents: 2, Resolved: 2,
			SumResolveDetected: minutes(145), SumResolveImpact: minutes(170), SumDetectImpact: minutes(25),
			Automated: 1, AlertOpened: 1,
			ResponseBySeverity: map[string]arqir.Compliance{"SEV2": {Met: 2}},
			InitialNotice:      arqir.Compliance{Missed: 1},
			StatusUpdates:      arqir.Compliance{Met: 1, Missed: 1},
			RCAWithinDeadline:  arqir.Compliance{Met: 1},
			Weekly:             []arqir.KPIWeekAggregates{week(3, 1, 1, 70, 10, 0, 0), week(10, 1, 1, 75, 15, 1, 0)},
		},
	}, {
		name: "checkout SEV1",
		q:    arqir.KPIQuery{From: ds.from, To: ds.to, Service: "checkout", Severity: "SEV1"},
		want: arqir.KPIAggregates{
			Incidents: 1, Resolved: 1,
			SumResolveDetected: minutes(30), SumResolveImpact: minutes(35), SumDetectImpact: minutes(5),
			Automated: 1, AlertOpened: 1,
			ResponseBySeverity: map[string]arqir.Compliance{"SEV1": {Missed: 1}},
			InitialNotice:      arqir.Compliance{Missed: 1},
			StatusUpdates:      arqir.Compliance{Missed: 1},
			RCAWithinDeadline:  arqir.Compliance{Missed: 1},
			Weekly:             []arqir.KPIWeekAggregates{week(3, 1, 1, 30, 5, 1, 0)},
		},
	}} {
		want := tc.want
		equal(e.t, "the aggregates of "+tc.name, e.kpis(tc.q), &want)
	}
}

func testKPIWindows(e *env) {
	ds := e.kpiData()
	for _, q := range []arqir.KPIQuery{
		{From: ds.from, To: ds.from},
		{From: ds.to, To: ds.from},
		{},
	} {
		_, err := e.st.KPIAggregates(e.ctx, q)
		wantCode(e.t, err, arqir.EINVALID)
		if !strings.Contains(arqir.ErrorMessage(err), "from must be before to") {
			e.t.Fatalf("message %q", arqir.ErrorMessage(err))
		}
	}
	// A window without incidents is no data: zero counts, no weeks.
	empty := arqir.KPIAggregates{ResponseBySeverity: map[string]arqir.Compliance{}, Weekly: []arqir.KPIWeekAggregates{}}
	equal(e.t, "January", e.kpis(arqir.KPIQuery{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}), &empty)
	equal(e.t, "an unknown service", e.kpis(arqir.KPIQuery{From: ds.from, To: ds.to, Service: "billing"}), &empty)
	// The window is half-open: an incident declared at To is not in it,
	// one declared at From is.
	if n := e.kpis(arqir.KPIQuery{From: ds.to, To: ds.to.Add(time.Microsecond)}).Incidents; n != 1 {
		e.t.Fatalf("[To, To+1µs) holds %d incidents, want H", n)
	}
	if n := e.kpis(arqir.KPIQuery{From: ds.from.Add(time.Microsecond), To: ds.to}).Incidents; n != 5 {
		e.t.Fatalf("(From, To) holds %d incidents, want 5 without I", n)
	}
}

func testKPIPartialDays(e *env) {
	ds := e.kpiData()
	fortnight := e.kpis(arqir.KPIQuery{From: ds.from, To: ds.to})
	// The same incidents in windows that start or end within a day: the
	// ends are aggregated from the incidents, the whole days between from
	// the days' sums, and the two agree.
	for _, w := range [][2]time.Time{
		{day(2, 12, 0), ds.to},
		{ds.from, day(16, 18, 0)},
		{day(2, 23, 0).Add(59*time.Minute + 59*time.Second + 999999*time.Microsecond), day(16, 23, 0)},
		{day(2, 0, 0), day(12, 14, 0).Add(time.Microsecond)},
	} {
		equal(e.t, "the fortnight from "+w[0].String()+" to "+w[1].String(), e.kpis(arqir.KPIQuery{From: w[0], To: w[1]}), fortnight)
	}
	// Within one day: A and B, declared on Mar 3 at 10:00 and 12:00.
	got := e.kpis(arqir.KPIQuery{From: day(3, 9, 0), To: day(3, 13, 0)})
	if got.Incidents != 2 || got.SumResolveDetected != minutes(100) || got.BetweenFailureGaps != 1 || got.SumBetweenFailure != minutes(135) {
		e.t.Fatalf("Mar 3 09:00–13:00 = %+v, want A and B", got)
	}
}

func testKPIFollowsChanges(e *env) {
	ds := e.kpiData()
	q := arqir.KPIQuery{From: ds.from, To: ds.to}
	before := e.kpis(q) // the days are summed now
	other := e.another()
	other.SetRules(PostIncidentRules(e.policy.Revision))

	// A change to an incident of a summed day shows at once, from any
	// replica: A becomes a false positive, D resolves, and an alert opens
	// a new incident on Mar 14.
	e.clock.Set(day(14, 9, 0))
	a, d := e.find("A"), e.find("D")
	e.must(other.MarkFalsePositive(e.ctx, a.ID, "it was a load test", as))
	e.must(e.st.Resolve(e.ctx, d.ID, arqir.Resolution{RootCause: "index rebuilt", CustomerImpact: "slow search"}, as))
	in, _ := e.newIntegration(arqir.KindAlertmanager, "late", "search")
	e.ingest(in, "", startingAt(firing("late", "alertname", "DiskFull"), day(14, 8, 50)))
	// And J, declared by hand without a service, as E was, on a day that
	// had no incident.
	e.clock.Set(day(15, 10, 0))
	e.must(e.st.Declare(e.ctx, arqir.Declaration{Title: "J", Severity: "SEV4"}, alice))

	want := *before
	want.Incidents, want.Resolved = 8, 5
	// D: resolved Mar 14 09:00, detected Mar 10 08:30, impact 08:00.
	want.SumResolveDetected += minutes(4*24*60 + 30)
	want.SumResolveImpact += minutes(4*24*60 + 60)
	want.SumDetectImpact += minutes(10) // the new incident: impact 08:50, detected 09:00
	want.Automated, want.AlertOpened = 4, 4
	want.BetweenFailureGaps = 5
	// search's span now ends at the new incident's impact, Mar 14 08:50;
	// no service's runs from E (Mar 12 13:30) to J (Mar 15 10:00).
	want.SumBetweenFailure = minutes(135) + minutes(11*24*60+8*60+50) + minutes(2*24*60+20*60+30)
	want.Weekly = []arqir.KPIWeekAggregates{
		week(3, 4, 3, 120, 25, 2, 1),
		week(10, 4, 2, 75+4*24*60+30, 55, 2, 0),
	}
	// A was not opened by an alert: its verdict does not count in K5.
	equal(e.t, "the fortnight after the changes", e.kpis(q), &want)
}

// find returns the incident of the data set titled title.
func (e *env) find(title string) *arqir.Incident {
	e.t.Helper()
	page, err := e.st.Incidents(e.ctx, arqir.IncidentFilter{Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, inc := range page.Incidents {
		if inc.Title == title {
			return inc
		}
	}
	e.t.Fatalf("no incident %q", title)
	return nil
}
