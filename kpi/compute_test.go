package kpi_test

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/kpi"
)

// arq are the KPI targets of the ARQ procedures (K1–K5), as the default
// policy states them: times in seconds, rates in percent.
var arq = []arqir.KPITarget{
	{ID: "mttr", Clause: "K1", Title: "MTTR (Mean Time to Repair)", Comparison: "<", Target: 30 * 60},
	{ID: "mttk", Clause: "K2", Title: "MTTK (Mean Time to Know)", Comparison: "<", Target: 5 * 60},
	{ID: "mtbf", Clause: "K3", Title: "MTBF (Mean Time Between Failures)", Comparison: ">", Target: 30 * 24 * 3600},
	{ID: "detection_rate", Clause: "K4", Title: "Detection Rate", Comparison: ">", Target: 80},
	{ID: "false_positive_rate", Clause: "K5", Title: "False Positive Rate", Comparison: "<", Target: 10},
}

var sevs = []string{"SEV1", "SEV2", "SEV3", "SEV4"}

const (
	minute = int64(60 * 1e6) // a minute in microseconds, the store's unit
	sec    = int64(1e6)
	day    = 24 * 60 * minute
	week   = 7 * day
)

// window is 30 days ending Monday 2025-03-03 09:00 UTC.
var window = arqir.KPIQuery{
	From: time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC),
	To:   time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC),
}

// sample is four incidents, worked out by hand:
//
//	resolved − detected:     20m, 25m, 22m30s (the fourth is open) → 67m30s / 3 = 22m30s
//	resolved − impact start: 25m, 30m, 27m30s                       → 82m30s / 3 = 27m30s
//	detected − impact start: 5m, 5m, 5m, 1m                         → 16m / 4 = 4m
//	automated: 3 of 4 → 75%; alert-opened 3, of them 1 false positive → 33.3%
//	checkout failed 3 times over 20 days (2 gaps), payments once (0 gaps)
//	  → MTBF 20d / 2 = 10d
func sample() *arqir.KPIAggregates {
	return &arqir.KPIAggregates{
		Incidents:          4,
		Resolved:           3,
		SumResolveDetected: 20*minute + 25*minute + 22*minute + 30*sec,
		SumResolveImpact:   25*minute + 30*minute + 27*minute + 30*sec,
		SumDetectImpact:    5*minute + 5*minute + 5*minute + 1*minute,
		Automated:          3,
		AlertOpened:        3,
		AlertFalsePositive: 1,
		BetweenFailureGaps: 2,
		SumBetweenFailure:  20 * day,
		ResponseBySeverity: map[string]arqir.Compliance{"SEV1": {Met: 12, Missed: 1}, "SEV2": {}},
		InitialNotice:      arqir.Compliance{Met: 4},
		StatusUpdates:      arqir.Compliance{Met: 3, Missed: 1},
		RCAWithinDeadline:  arqir.Compliance{Met: 2, Missed: 1},
	}
}

// want is a KPI as the test states it: value "-" for none, pass "PASS",
// "FAIL" or "-".
type want struct {
	id, value, target, pass, display string
	samples                          int
}

func (w want) check(t *testing.T, got arqir.KPI) {
	t.Helper()
	if got.ID != w.id {
		t.Fatalf("KPI %q, want %q", got.ID, w.id)
	}
	value, target, pass := "-", "-", "-"
	if got.Value != nil {
		value = trim(*got.Value)
	}
	if got.Target != nil {
		target = got.Comparison + " " + trim(*got.Target)
	}
	if got.Pass != nil {
		pass = map[bool]string{true: "PASS", false: "FAIL"}[*got.Pass]
	}
	if value != w.value || target != w.target || pass != w.pass || got.Display != w.display || got.Samples != w.samples {
		t.Errorf("%s = value %s target %s %s %q samples %d, want value %s target %s %s %q samples %d",
			w.id, value, target, pass, got.Display, got.Samples, w.value, w.target, w.pass, w.display, w.samples)
	}
}

// trim writes a value to three decimals, without trailing zeros.
func trim(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

func checkAll(t *testing.T, got []arqir.KPI, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		var ids []string
		for _, k := range got {
			ids = append(ids, k.ID)
		}
		t.Fatalf("got %d measures %v, want %d", len(got), ids, len(wants))
	}
	for i, w := range wants {
		w.check(t, got[i])
	}
}

func TestK1toK5_ComputeAgainstTheTargets(t *testing.T) {
	r := kpi.Compute(sample(), window, arq, sevs...)
	checkAll(t, r.KPIs, []want{
		{"mttr", "1350", "< 1800", "PASS", "22m30s", 3},
		{"mttr_impact", "1650", "-", "-", "27m30s", 3},
		{"mttk", "240", "< 300", "PASS", "4m", 4},
		{"mtbf", "864000", "> 2592000", "FAIL", "10d", 2},
		{"detection_rate", "75", "> 80", "FAIL", "75.0%", 4},
		{"false_positive_rate", "33.333", "< 10", "FAIL", "33.3%", 3},
	})
	checkAll(t, r.Compliance, []want{
		{"response_SEV1", "92.308", "-", "-", "12/13 (92.3%)", 13},
		{"response_SEV2", "-", "-", "-", "no data", 0},
		{"response_SEV3", "-", "-", "-", "no data", 0},
		{"response_SEV4", "-", "-", "-", "no data", 0},
		{"initial_notice", "100", "-", "-", "4/4 (100.0%)", 4},
		{"status_updates", "75", "-", "-", "3/4 (75.0%)", 4},
		{"rca_within_deadline", "66.667", "-", "-", "2/3 (66.7%)", 3},
	})
	clauses := map[string]string{}
	for _, k := range append(r.KPIs, r.Compliance...) {
		clauses[k.ID] = k.Clause
	}
	for id, c := range map[string]string{"mttr": "K1", "mttr_impact": "K1", "mttk": "K2", "mtbf": "K3", "detection_rate": "K4",
		"false_positive_rate": "K5", "response_SEV1": "S1", "response_SEV4": "S4", "initial_notice": "C1", "status_updates": "C2", "rca_within_deadline": "P1"} {
		if clauses[id] != c {
			t.Errorf("%s clause %q, want %s", id, clauses[id], c)
		}
	}
	if r.KPIs[0].Title != "MTTR (Mean Time to Repair)" || r.KPIs[0].Unit != "seconds" || r.KPIs[4].Unit != "percent" {
		t.Errorf("first KPI %+v", r.KPIs[0])
	}
	if !r.From.Equal(window.From) || !r.To.Equal(window.To) {
		t.Errorf("window %s – %s", r.From, r.To)
	}
}

// An empty window reports "no data" for everything: never 0, never NaN,
// never a verdict; the targets are still shown.
func TestK1toK5_EmptyWindowIsNoData(t *testing.T) {
	for name, agg := range map[string]*arqir.KPIAggregates{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			r := kpi.Compute(agg, window, arq, sevs...)
			checkAll(t, r.KPIs, []want{
				{"mttr", "-", "< 1800", "-", "no data", 0},
				{"mttr_impact", "-", "-", "-", "no data", 0},
				{"mttk", "-", "< 300", "-", "no data", 0},
				{"mtbf", "-", "> 2592000", "-", "no data", 0},
				{"detection_rate", "-", "> 80", "-", "no data", 0},
				{"false_positive_rate", "-", "< 10", "-", "no data", 0},
			})
			for _, k := range r.Compliance {
				if k.Value != nil || k.Display != "no data" {
					t.Errorf("%s = %q on an empty window", k.ID, k.Display)
				}
			}
			var buf strings.Builder
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // as the API answers
			err := enc.Encode(r)
			b := buf.String()
			if err != nil {
				t.Fatalf("an empty scorecard does not encode: %v", err) // NaN would fail here
			}
			if !strings.Contains(string(b), `"id":"mttr","clause":"K1","title":"MTTR (Mean Time to Repair)","unit":"seconds","value":null,"samples":0,"target":1800,"comparison":"<","pass":null,"display":"no data"`) {
				t.Errorf("mttr encodes as\n%s", b)
			}
		})
	}
}

// Each ratio whose denominator is zero has no value while the others do.
func TestK1_K5_DivisionByZeroIsNoData(t *testing.T) {
	agg := &arqir.KPIAggregates{
		Incidents:       2, // both open, neither opened by an alert
		SumDetectImpact: 3 * minute,
		Automated:       0,
	}
	r := kpi.Compute(agg, window, arq, sevs...)
	checkAll(t, r.KPIs, []want{
		{"mttr", "-", "< 1800", "-", "no data", 0},
		{"mttr_impact", "-", "-", "-", "no data", 0},
		{"mttk", "90", "< 300", "PASS", "1m30s", 2},
		{"mtbf", "-", "> 2592000", "-", "no data", 0},
		{"detection_rate", "0", "> 80", "FAIL", "0.0%", 2},
		{"false_positive_rate", "-", "< 10", "-", "no data", 0},
	})
}

// K3: a service that failed once in the window has no interval between
// failures, so MTBF has no data rather than 0 or the window length.
func TestK3_SingleIncidentServiceHasNoMTBF(t *testing.T) {
	agg := &arqir.KPIAggregates{Incidents: 1, SumDetectImpact: 2 * minute, BetweenFailureGaps: 0, SumBetweenFailure: 0}
	r := kpi.Compute(agg, window, arq, sevs...)
	want{"mtbf", "-", "> 2592000", "-", "no data", 0}.check(t, r.KPIs[3])
}

// K3: MTBF pools the services: Σ(last − first) / Σ(n − 1). checkout
// failed 3 times over 40 days (2 intervals), search twice 10 days apart
// (1 interval): 50d / 3 = 16d16h, not the mean of the services' means
// (20d and 10d → 15d).
func TestK3_MTBFPoolsTheServices(t *testing.T) {
	agg := &arqir.KPIAggregates{Incidents: 5, BetweenFailureGaps: 2 + 1, SumBetweenFailure: 40*day + 10*day}
	r := kpi.Compute(agg, window, arq, sevs...)
	want{"mtbf", "1440000", "> 2592000", "FAIL", "16d16h", 3}.check(t, r.KPIs[3])

	agg = &arqir.KPIAggregates{Incidents: 3, BetweenFailureGaps: 2, SumBetweenFailure: 62 * day}
	r = kpi.Compute(agg, window, arq, sevs...)
	want{"mtbf", "2678400", "> 2592000", "PASS", "31d", 2}.check(t, r.KPIs[3])
}

// The comparison is strict: a value equal to its target misses it.
func TestK1_TargetIsStrict(t *testing.T) {
	for _, tc := range []struct {
		mttr int64
		pass string
	}{{29*minute + 59*sec, "PASS"}, {30 * minute, "FAIL"}, {30*minute + 1*sec, "FAIL"}} {
		agg := &arqir.KPIAggregates{Incidents: 1, Resolved: 1, SumResolveDetected: tc.mttr}
		k := kpi.Compute(agg, window, arq).KPIs[0]
		if got := map[bool]string{true: "PASS", false: "FAIL"}[*k.Pass]; got != tc.pass {
			t.Errorf("MTTR %s: %s, want %s", k.Display, got, tc.pass)
		}
	}
	k := kpi.Compute(&arqir.KPIAggregates{Incidents: 5, Automated: 4}, window, arq).KPIs[4]
	if *k.Pass {
		t.Errorf("a detection rate of exactly 80%% passes the > 80%% target")
	}
}

// The policy decides the targets: a KPI without one has no pass, the
// variant MTTR gets one only if the policy names mttr_impact, and an
// unknown comparison has no verdict.
func TestK1_TargetsComeFromThePolicy(t *testing.T) {
	agg := sample()
	r := kpi.Compute(agg, window, nil, sevs...)
	for _, k := range r.KPIs {
		if k.Target != nil || k.Pass != nil || k.Comparison != "" {
			t.Errorf("%s without a policy target: target %v pass %v", k.ID, k.Target, k.Pass)
		}
	}
	custom := []arqir.KPITarget{
		{ID: "mttr_impact", Clause: "K1", Title: "MTTR from first impact", Comparison: "<", Target: 1800},
		{ID: "mttk", Comparison: "<=", Target: 300},
	}
	r = kpi.Compute(agg, window, custom, sevs...)
	want{"mttr_impact", "1650", "< 1800", "PASS", "27m30s", 3}.check(t, r.KPIs[1])
	if r.KPIs[1].Title != "MTTR from first impact" {
		t.Errorf("the policy's title is not used: %q", r.KPIs[1].Title)
	}
	want{"mttk", "240", "<= 300", "-", "4m", 4}.check(t, r.KPIs[2])
	if r.KPIs[2].Title != "MTTK (Mean Time to Know)" || r.KPIs[2].Clause != "K2" {
		t.Errorf("a target without title or clause loses the defaults: %+v", r.KPIs[2])
	}
}

// S1–S4: the response measures follow the policy's order; a query for one
// severity lists it alone; a severity only the data knows is still shown.
func TestS1toS4_ResponseComplianceBySeverity(t *testing.T) {
	agg := &arqir.KPIAggregates{ResponseBySeverity: map[string]arqir.Compliance{
		"SEV2": {Met: 1}, "SEV10": {Met: 1, Missed: 1}, "OLD": {Missed: 2},
	}}
	ids := func(r *arqir.KPIReport) string {
		var out []string
		for _, k := range r.Compliance {
			out = append(out, k.ID+":"+k.Clause)
		}
		return strings.Join(out, " ")
	}
	if got, w := ids(kpi.Compute(agg, window, arq, sevs...)),
		"response_SEV1:S1 response_SEV2:S2 response_SEV3:S3 response_SEV4:S4 response_OLD: response_SEV10: initial_notice:C1 status_updates:C2 rca_within_deadline:P1"; got != w {
		t.Errorf("with the policy's severities:\n got %s\nwant %s", got, w)
	}
	if got, w := ids(kpi.Compute(agg, window, arq)),
		"response_OLD: response_SEV2: response_SEV10: initial_notice:C1 status_updates:C2 rca_within_deadline:P1"; got != w {
		t.Errorf("without them (natural order):\n got %s\nwant %s", got, w)
	}
	q := window
	q.Severity = "SEV2"
	r := kpi.Compute(agg, q, arq, sevs...)
	if got, w := ids(r), "response_SEV2:S2 initial_notice:C1 status_updates:C2 rca_within_deadline:P1"; got != w {
		t.Errorf("for SEV2 only:\n got %s\nwant %s", got, w)
	}
	want{"response_SEV2", "100", "-", "-", "1/1 (100.0%)", 1}.check(t, r.Compliance[0])
	if r.Severity != "SEV2" {
		t.Errorf("report severity %q", r.Severity)
	}
}

// I3: the weekly trend has one entry per week (Monday 00:00 UTC) the
// window touches, weeks without incidents included as "no data".
func TestI3_WeeklyTrend(t *testing.T) {
	q := arqir.KPIQuery{ // Wednesday to Wednesday two weeks later
		From: time.Date(2025, 2, 5, 12, 0, 0, 0, time.UTC),
		To:   time.Date(2025, 2, 19, 12, 0, 0, 0, time.UTC),
	}
	agg := &arqir.KPIAggregates{Weekly: []arqir.KPIWeekAggregates{{
		Week:      time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC),
		Incidents: 2, Resolved: 2, SumResolveDetected: 40*minute + 50*minute, SumDetectImpact: 2*minute + 4*minute,
		Automated: 2, AlertOpened: 2, AlertFalsePositive: 0,
	}}}
	r := kpi.Compute(agg, q, arq, sevs...)
	if len(r.Weekly) != 3 {
		t.Fatalf("%d weeks, want 3 (Feb 3, 10, 17)", len(r.Weekly))
	}
	for i, d := range []int{3, 10, 17} {
		if w := time.Date(2025, 2, d, 0, 0, 0, 0, time.UTC); !r.Weekly[i].Week.Equal(w) {
			t.Errorf("week %d starts %s, want %s", i, r.Weekly[i].Week, w)
		}
	}
	none := []want{
		{"mttr", "-", "< 1800", "-", "no data", 0},
		{"mttk", "-", "< 300", "-", "no data", 0},
		{"detection_rate", "-", "> 80", "-", "no data", 0},
		{"false_positive_rate", "-", "< 10", "-", "no data", 0},
	}
	checkAll(t, r.Weekly[0].KPIs, none)
	checkAll(t, r.Weekly[1].KPIs, []want{
		{"mttr", "2700", "< 1800", "FAIL", "45m", 2},
		{"mttk", "180", "< 300", "PASS", "3m", 2},
		{"detection_rate", "100", "> 80", "PASS", "100.0%", 2},
		{"false_positive_rate", "0", "< 10", "PASS", "0.0%", 2},
	})
	checkAll(t, r.Weekly[2].KPIs, none)
}

// A window ending exactly on a Monday does not open a week it never
// reaches; a bucket outside the window is kept, not hidden.
func TestI3_WeeklyTrendEdges(t *testing.T) {
	q := arqir.KPIQuery{From: time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 2, 17, 0, 0, 0, 0, time.UTC)}
	r := kpi.Compute(&arqir.KPIAggregates{Weekly: []arqir.KPIWeekAggregates{
		{Week: time.Date(2025, 1, 27, 0, 0, 0, 0, time.UTC), Incidents: 1},
	}}, q, arq)
	var got []string
	for _, w := range r.Weekly {
		got = append(got, w.Week.Format("01-02"))
	}
	if strings.Join(got, " ") != "01-27 02-03 02-10" {
		t.Errorf("weeks %v, want 01-27 02-03 02-10", got)
	}
	if r := kpi.Compute(nil, arqir.KPIQuery{}, arq); len(r.Weekly) != 0 || r.Weekly == nil {
		t.Errorf("a zero query has weeks %v (want an empty list, not null)", r.Weekly)
	}
}

func TestWeekStart(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), "2025-03-03"},
		{time.Date(2025, 3, 9, 23, 59, 59, 0, time.UTC), "2025-03-03"},
		{time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), "2025-03-10"},
		{time.Date(2024, 12, 31, 12, 0, 0, 0, time.UTC), "2024-12-30"},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), "1969-12-29"},
		// Sunday 21:00 in New York is Monday 02:00 UTC: the UTC week.
		{time.Date(2025, 3, 9, 21, 0, 0, 0, ny), "2025-03-10"},
	} {
		got := kpi.WeekStart(tc.at)
		if got.Format(time.DateOnly) != tc.want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("WeekStart(%s) = %s, want %s 00:00 UTC", tc.at, got, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		unit string
		v    float64
		want string
	}{
		{"seconds", 0, "0s"},
		{"seconds", 0.3, "<1s"},
		{"seconds", 0.6, "1s"},
		{"seconds", 45, "45s"},
		{"seconds", 300, "5m"},
		{"seconds", 1350, "22m30s"},
		{"seconds", 3599.4, "59m59s"},
		{"seconds", 3600, "1h"},
		{"seconds", 3929, "1h5m"},
		{"seconds", 86399, "1d"}, // 23h59m59s reads as a day when shown to the minute
		{"seconds", 86400*3 + 4*3600 + 20*60, "3d4h"},
		{"seconds", 30 * 86400, "30d"},
		{"seconds", -90, "-1m30s"},
		{"percent", 85, "85.0%"},
		{"percent", 100.0 / 3, "33.3%"},
		{"percent", 0, "0.0%"},
		{"count", 2.5, "2.5"},
	} {
		if got := kpi.FormatValue(tc.unit, tc.v); got != tc.want {
			t.Errorf("FormatValue(%s, %v) = %q, want %q", tc.unit, tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct {
		unit, cmp string
		v         float64
		want      string
	}{
		{"seconds", "<", 1800, "< 30m"},
		{"seconds", ">", 30 * 86400, "> 30d"},
		{"percent", ">", 80, "> 80%"},
		{"percent", "<", 12.5, "< 12.5%"},
		{"percent", "", 10, "10%"},
	} {
		if got := kpi.FormatTarget(tc.unit, tc.cmp, tc.v); got != tc.want {
			t.Errorf("FormatTarget(%s, %s, %v) = %q, want %q", tc.unit, tc.cmp, tc.v, got, tc.want)
		}
	}
}
