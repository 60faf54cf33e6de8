package escalate_test

import (
	"slices"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/escalate"
)

func declared(t *testing.T, rules arqir.Rules, sev string, now time.Time) *arqir.Incident {
	t.Helper()
	inc, _, err := arqir.NewIncident(arqir.Declaration{Title: "x", Severity: sev}, rules, ada, now)
	if err != nil {
		t.Fatal(err)
	}
	inc.ID = 7
	return inc
}

func TestDecide_FollowsThePageDeadlines(t *testing.T) {
	rules := arq()
	r := rules.Paging
	inc := declared(t, rules, "SEV2", tuesday10)

	d := escalate.Decide(inc, r, tuesday10)
	if d.Life != 1 || d.Step != 1 || d.Round != 0 || !slices.Equal(d.Targets, []string{"schedule:primary"}) ||
		!d.NotBefore.Equal(tuesday10) || !d.AckBy.Equal(tuesday10.Add(2*time.Minute)) || !d.Next.Equal(d.AckBy) || d.Waiting || d.Exhausted {
		t.Fatalf("fresh incident: %+v", d)
	}
	inc.Deadlines = append(inc.Deadlines, arqir.Deadline{Kind: arqir.DeadlinePageAck, Step: 1, DueAt: d.AckBy})

	// Pending: nothing is due, decide again when it is.
	if d := escalate.Decide(inc, r, tuesday10.Add(time.Minute)); d.Step != 0 || !d.Next.Equal(tuesday10.Add(2*time.Minute)) || d.Paged != 1 {
		t.Errorf("pending: %+v", d)
	}
	// Breached: the next step.
	at := tuesday10.Add(2 * time.Minute)
	inc.BreachDue(at)
	if d := escalate.Decide(inc, r, at); d.Step != 2 || !slices.Equal(d.Targets, []string{"schedule:secondary"}) || len(d.Skipped) != 0 {
		t.Errorf("breached: %+v", d)
	}
	// Acknowledged or resolved: nobody.
	acked := clone(inc)
	acked.Acknowledge(ada, at)
	if d := escalate.Decide(acked, r, at); d.Step != 0 || !d.Next.IsZero() {
		t.Errorf("acknowledged: %+v", d)
	}
	resolved := clone(inc)
	resolved.Resolve(arqir.Resolution{RootCause: "x", CustomerImpact: "none"}, ada, at)
	if d := escalate.Decide(resolved, r, at); d.Step != 0 {
		t.Errorf("resolved: %+v", d)
	}
	// An empty chain pages nobody.
	r.Chain = nil
	if d := escalate.Decide(declared(t, rules, "SEV1", tuesday10), r, tuesday10); d.Step != 0 || d.Exhausted {
		t.Errorf("empty chain: %+v", d)
	}
}

// Without an acknowledgement deadline (a policy without O4) step 1 is
// paged and the chain stops there.
func TestDecide_NoAckDeadlineNoNextStep(t *testing.T) {
	rules := arq()
	rules.Paging.AckWithin = 0
	h := newHarness(t, rules)
	p := h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10)
	if len(of(p, arqir.PurposePage)) != 1 || len(h.deadlines(arqir.DeadlinePageAck)) != 0 {
		t.Errorf("plan:\n%s\ndeadlines %v", dump(p), h.deadlines(arqir.DeadlinePageAck))
	}
}

// The secondary's window is US business hours in New York, evaluated in
// local wall-clock time: the same UTC instant is inside before the DST
// change and outside after it. The step is tried from the one after step
// 1, brute-forced across the spring and autumn changes every 15 minutes.
func TestO2_SecondaryWindowAcrossDST(t *testing.T) {
	rules := arq()
	r := rules.Paging
	for _, start := range []time.Time{
		time.Date(2024, 3, 7, 0, 0, 0, 0, ny),
		time.Date(2024, 10, 31, 0, 0, 0, 0, ny),
	} {
		for at := start; at.Before(start.AddDate(0, 0, 6)); at = at.Add(15 * time.Minute) {
			inc := declared(t, rules, "SEV2", at.UTC())
			inc.Deadlines = append(inc.Deadlines, arqir.Deadline{Kind: arqir.DeadlinePageAck, Step: 1, DueAt: at.UTC()})
			inc.BreachDue(at.UTC())
			d := escalate.Decide(inc, r, at.UTC())
			local := at.In(ny)
			business := local.Weekday() >= time.Monday && local.Weekday() <= time.Friday && local.Hour() >= 9 && local.Hour() < 17
			if got := d.Step == 2; got != business {
				t.Fatalf("at %s (%s): step %d, secondary paged = %v, want %v", local.Format(time.RFC1123), at.UTC().Format(time.RFC3339), d.Step, got, business)
			}
		}
	}
	// The instant 13:30 UTC is 08:30 EST on Friday 8 March (outside) and
	// 09:30 EDT on Monday 11 March (inside).
	for _, tc := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2024, 3, 8, 13, 30, 0, 0, time.UTC), 4},
		{time.Date(2024, 3, 11, 13, 30, 0, 0, time.UTC), 2},
	} {
		inc := declared(t, rules, "SEV2", tc.at)
		inc.Deadlines = append(inc.Deadlines, arqir.Deadline{Kind: arqir.DeadlinePageAck, Step: 1, DueAt: tc.at})
		inc.BreachDue(tc.at)
		if d := escalate.Decide(inc, r, tc.at); d.Step != tc.want {
			t.Errorf("at %s: step %d, want %d", tc.at, d.Step, tc.want)
		}
	}
}

// Every step outside its window with nothing left: the chain is done, and
// says nobody could be paged at all.
func TestDecide_EveryStepSkipped(t *testing.T) {
	rules := arq()
	rules.Paging.Chain = rules.Paging.Chain[1:2] // the secondary alone
	h := newHarness(t, rules)
	p := h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday02)
	if len(of(p, arqir.PurposePage)) != 0 {
		t.Errorf("paged the secondary at night:\n%s", dump(p))
	}
	mail := one(t, p, arqir.PurposeEscalation, toEmail)
	if mail.Key != "INC-7/unacknowledged/1" || mail.Message.Headline != "Nobody could be paged for INC-7: every step of the paging chain was skipped" {
		t.Errorf("e-mail = %+v", mail)
	}
	d := escalate.Decide(h.inc, rules.Paging, tuesday02)
	if !d.Exhausted || len(d.Skipped) != 3 || d.Skipped[0].Reason != escalate.SkipOutsideWindow {
		t.Errorf("decision = %+v", d)
	}
}

func TestDecide_NoEscalationEmailIsSaid(t *testing.T) {
	rules := arq()
	rules.Paging.Chain = rules.Paging.Chain[1:2]
	rules.Paging.EscalationEmail = ""
	h := newHarness(t, rules)
	p := h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday02)
	if len(of(p, arqir.PurposeEscalation)) != 2 /* the executives */ || len(eventsSaying(p, "No escalation e-mail is set")) != 1 {
		t.Errorf("plan:\n%s", dump(p))
	}
}
