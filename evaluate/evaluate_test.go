package evaluate_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/evaluate"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// cpu is D1 of the default policy: CPU > 80% for 5 minutes, SEV3.
var cpu = evaluate.Rule{
	ID: "D1", Alert: "CPU", Comparison: ">", Threshold: 80, For: 5 * time.Minute,
	Labels:      map[string]string{"severity": "SEV3", "rule": "D1"},
	Annotations: map[string]string{"runbook": "none"},
	Summary:     "CPU > 80% for 5 minutes (D1)",
	FormatValue: func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" },
}

// host is one instance's CPU at value v.
func host(name string, v float64) evaluate.Sample {
	return evaluate.Sample{Labels: map[string]string{"__name__": "ignored", "instance": name}, Value: v}
}

// run steps the rule through values of one instance, one query a minute,
// and returns the statuses emitted at each minute ("" for none).
func run(t *testing.T, r evaluate.Rule, values ...float64) []string {
	t.Helper()
	var st evaluate.State
	var out []string
	for i, v := range values {
		var smp []evaluate.Sample
		if !math.IsInf(v, -1) { // -Inf stands for "absent from the result"
			smp = []evaluate.Sample{host("web-1:9100", v)}
		}
		var evs []arqir.AlertEvent
		st, evs = evaluate.Step(st, r, t0.Add(time.Duration(i)*time.Minute), smp)
		var s []string
		for _, e := range evs {
			s = append(s, string(e.Status))
		}
		out = append(out, strings.Join(s, ","))
	}
	return out
}

var absent = math.Inf(-1)

func TestD1_FiresOnlyAfterHoldingForFiveMinutes(t *testing.T) {
	got := run(t, cpu, 50, 90, 90, 90, 90, 90, 90, 90)
	want := []string{"", "", "", "", "", "", "firing", ""} // pending at 1m, 6m-1m = 5m held
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestD1_FlappingShorterThanForNeverFires(t *testing.T) {
	got := run(t, cpu, 90, 90, 90, 90, 50, 90, 90, 90, 90, 50, 90)
	for i, s := range got {
		if s != "" {
			t.Errorf("minute %d emitted %q; a condition that never holds for 5 minutes must not fire", i, s)
		}
	}
}

func TestD1_ResolvesWhenBelowOrAbsentOrNaN(t *testing.T) {
	for name, clear := range map[string]float64{"below": 80, "absent": absent, "NaN": math.NaN()} {
		t.Run(name, func(t *testing.T) {
			got := run(t, cpu, 90, 90, 90, 90, 90, 90, clear, clear)
			want := "|||||firing|resolved|"
			if strings.Join(got, "|") != want {
				t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
			}
		})
	}
}

// Firing, resolving and firing again keeps one dedup key, so arqir sees the
// same alert fire again (and its incident reopens within the policy's
// reopen_within instead of a new one opening per flap).
func TestD1_RefireAfterResolveKeepsTheDedupKey(t *testing.T) {
	r := cpu
	r.For = 0
	var st evaluate.State
	var keys []string
	for i, v := range []float64{90, 50, 95} {
		var evs []arqir.AlertEvent
		st, evs = evaluate.Step(st, r, t0.Add(time.Duration(i)*time.Minute), []evaluate.Sample{host("a", v)})
		if len(evs) != 1 {
			t.Fatalf("step %d: %d events, want 1", i, len(evs))
		}
		keys = append(keys, evs[0].DedupKey)
	}
	if keys[0] != keys[1] || keys[1] != keys[2] {
		t.Errorf("dedup keys %v, want one key", keys)
	}
}

func TestD3_ZeroForFiresAtOnce(t *testing.T) {
	r := cpu
	r.For = 0
	if got := run(t, r, 90); got[0] != "firing" {
		t.Errorf("got %q, want firing at the first evaluation", got)
	}
}

// The firing event says what holds: labels for routing (rule, severity,
// alertname, the result's labels), the value, and the start of the
// condition; the resolved event ends now.
func TestD1_EventContents(t *testing.T) {
	r := cpu
	st, _ := evaluate.Step(nil, r, t0, []evaluate.Sample{host("web-1:9100", 91)})
	_, evs := evaluate.Step(st, r, t0.Add(5*time.Minute), []evaluate.Sample{host("web-1:9100", 93.5)})
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	e := evs[0]
	wantLabels := map[string]string{"alertname": "CPU", "rule": "D1", "severity": "SEV3", "instance": "web-1:9100"}
	if len(e.Labels) != len(wantLabels) {
		t.Errorf("labels %v, want %v", e.Labels, wantLabels)
	}
	for k, v := range wantLabels {
		if e.Labels[k] != v {
			t.Errorf("label %s=%q, want %q", k, e.Labels[k], v)
		}
	}
	if e.Status != arqir.AlertFiring || !e.StartsAt.Equal(t0) || !e.EndsAt.IsZero() || !strings.HasPrefix(e.DedupKey, "evaluator:D1:") {
		t.Errorf("event %+v", e)
	}
	if e.Summary != "CPU > 80% for 5 minutes (D1): 93.5% (instance=web-1:9100)" {
		t.Errorf("summary %q", e.Summary)
	}
	if e.Annotations["value"] != "93.5" || e.Annotations["runbook"] != "none" {
		t.Errorf("annotations %v", e.Annotations)
	}
	if err := arqir.ValidateAlertEvents(evs); err != nil {
		t.Errorf("the store would refuse the event: %v", err)
	}
}

// Each label set has its own state; events come firing first, then
// resolved, each in dedup-key order.
func TestStep_LabelSetsAreIndependent(t *testing.T) {
	r := cpu
	r.For = 0
	st, evs := evaluate.Step(nil, r, t0, []evaluate.Sample{host("a", 90), host("b", 90)})
	if len(evs) != 2 || st.Firing() != 2 {
		t.Fatalf("%d events, %d firing; want 2 and 2", len(evs), st.Firing())
	}
	st, evs = evaluate.Step(st, r, t0.Add(time.Minute), []evaluate.Sample{host("a", 90), host("c", 99)})
	if len(evs) != 2 || evs[0].Status != arqir.AlertFiring || evs[0].Labels["instance"] != "c" ||
		evs[1].Status != arqir.AlertResolved || evs[1].Labels["instance"] != "b" {
		t.Errorf("events %+v, want c firing then b resolved", evs)
	}
	if st.Firing() != 2 {
		t.Errorf("%d firing, want a and c", st.Firing())
	}
}

// Step never changes the state it is given: a caller that failed to store
// the events steps again from it and gets the same events.
func TestStep_PreviousStateIsUnchanged(t *testing.T) {
	r := cpu
	r.For = 0
	prev, _ := evaluate.Step(nil, r, t0, nil)
	_, first := evaluate.Step(prev, r, t0.Add(time.Minute), []evaluate.Sample{host("a", 90)})
	_, again := evaluate.Step(prev, r, t0.Add(2*time.Minute), []evaluate.Sample{host("a", 90)})
	if len(prev) != 0 || len(first) != 1 || len(again) != 1 || first[0].DedupKey != again[0].DedupKey {
		t.Errorf("prev %v, first %v, again %v", prev, first, again)
	}
}

// After a restart the store's firing alert is restored as firing, so a
// condition that cleared while arqir was down resolves it.
func TestStep_RestoredAlertResolves(t *testing.T) {
	key := evaluate.DedupKey("D1", map[string]string{"instance": "a"})
	st := evaluate.State(nil).Restore(key, map[string]string{"alertname": "CPU", "instance": "a"}, t0)
	_, evs := evaluate.Step(st, cpu, t0.Add(time.Hour), nil)
	if len(evs) != 1 || evs[0].Status != arqir.AlertResolved || evs[0].DedupKey != key || !evs[0].StartsAt.Equal(t0) {
		t.Fatalf("events %+v, want the restored alert resolved", evs)
	}
	// Still holding: it stays firing without a second firing event.
	st = evaluate.State(nil).Restore(key, nil, t0)
	_, evs = evaluate.Step(st, cpu, t0.Add(time.Hour), []evaluate.Sample{host("a", 99)})
	if len(evs) != 0 {
		t.Errorf("events %+v, want none for an alert already firing", evs)
	}
}

func TestStep_Comparisons(t *testing.T) {
	for _, tc := range []struct {
		cmp   string
		v     float64
		fires bool
	}{
		{">", 80, false}, {">", 80.1, true}, {">=", 80, true}, {"<", 79, true}, {"<", 80, false}, {"<=", 80, true}, {"=", 80, false},
	} {
		r := cpu
		r.For, r.Comparison = 0, tc.cmp
		_, evs := evaluate.Step(nil, r, t0, []evaluate.Sample{host("a", tc.v)})
		if (len(evs) == 1) != tc.fires {
			t.Errorf("%v %s 80: %d events, want fires=%v", tc.v, tc.cmp, len(evs), tc.fires)
		}
	}
}
