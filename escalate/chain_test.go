package escalate_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// O4: a page not acknowledged within 2 minutes pages the next step; not a
// moment earlier. In business hours the next step is the secondary (O2).
func TestO4_UnacknowledgedPageEscalatesAfter2MinutesNotEarlier(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV2"}, tuesday10)
	if p := h.sweep(tuesday10.Add(2*time.Minute - time.Second)); len(of(p, arqir.PurposePage)) != 0 {
		t.Fatalf("paged before the 2 minutes were up:\n%s", dump(p))
	}
	p := h.sweep(tuesday10.Add(2 * time.Minute))
	n := one(t, p, arqir.PurposePage, nil)
	if n.Key != "INC-7/page/1/2/schedule:secondary" || n.Step != 2 || n.Round != 0 || !n.NotBefore.Equal(tuesday10.Add(2*time.Minute)) {
		t.Errorf("step 2 page = %+v", n)
	}
	if evs := eventsSaying(p, "Escalated to step 2: Secondary On-Call"); len(evs) != 1 || evs[0].Kind != arqir.EventEscalated || evs[0].Data["step"] != "2" {
		t.Errorf("events = %+v", p.Events)
	}
	if got := h.deadlines(arqir.DeadlinePageAck); !slices.Equal(got, []string{"1@2024-03-12T14:02:00Z", "2@2024-03-12T14:04:00Z"}) {
		t.Errorf("page_ack deadlines = %v", got)
	}
}

// O2: the secondary is a backup during US business hours only. At night
// its step is skipped, the engineering lead (nobody in the ARQ default) is
// skipped too, and the chain goes round to the primary at once.
func TestO2_SecondarySkippedAtNight(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV2"}, tuesday02)
	p := h.sweep(tuesday02.Add(2 * time.Minute))
	if len(eventsSaying(p, "Step 2 (schedule:secondary) skipped: outside its window")) != 1 ||
		len(eventsSaying(p, "Step 3 (engineering_lead) skipped: nobody to page")) != 1 ||
		len(eventsSaying(p, "Engineering Lead has nobody: assign someone")) != 1 {
		t.Errorf("events:\n%s", dump(p))
	}
	n := one(t, p, arqir.PurposePage, nil)
	if n.Key != "INC-7/page/1/4/schedule:primary" || n.Step != 4 || n.Round != 1 {
		t.Errorf("page = %+v, want the primary again as step 4, round 1", n)
	}
}

// The chain is paged 1+repeat times; then the escalation e-mail hears,
// once, that nobody acknowledged, and nobody more is paged.
func TestO4_ChainRepeatsThenTellsTheEscalationEmailOnce(t *testing.T) {
	rules := arq()
	rules.Paging.Groups["engineering_lead"] = []string{"cto"}
	h := newHarness(t, rules)
	var pages []string
	collect := func(p arqir.Plan) {
		for _, n := range of(p, arqir.PurposePage) {
			pages = append(pages, n.Key)
		}
	}
	collect(h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10))
	var last arqir.Plan
	at := tuesday10
	for range 12 {
		at = at.Add(2 * time.Minute)
		last = h.sweep(at)
		collect(last)
		if len(of(last, arqir.PurposeEscalation)) > 0 {
			break
		}
	}
	want := []string{
		"INC-7/page/1/1/schedule:primary", "INC-7/page/1/2/schedule:secondary", "INC-7/page/1/3/cto",
		"INC-7/page/1/4/schedule:primary", "INC-7/page/1/5/schedule:secondary", "INC-7/page/1/6/cto",
		"INC-7/page/1/7/schedule:primary", "INC-7/page/1/8/schedule:secondary", "INC-7/page/1/9/cto",
	}
	if !slices.Equal(pages, want) {
		t.Errorf("pages =\n%v\nwant\n%v", pages, want)
	}
	n := one(t, last, arqir.PurposeEscalation, toEmail)
	if n.Key != "INC-7/unacknowledged/1" || n.Address != "incidents@company.com" || n.Message.Headline != "Nobody acknowledged INC-7 after 9 pages" {
		t.Errorf("escalation e-mail = %+v", n)
	}
	if !at.Equal(tuesday10.Add(18 * time.Minute)) {
		t.Errorf("the chain ran out at %s, want after 9 steps of 2 minutes", at)
	}
	for range 3 {
		at = at.Add(2 * time.Minute)
		if p := h.sweep(at); len(p.Notify) != 0 {
			t.Errorf("after the chain ran out:\n%s", dump(p))
		}
	}
}

// A breach of a step that is no longer the latest (a replaced deadline)
// pages nobody.
func TestO4_StaleBreachPagesNobody(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV2"}, tuesday10)
	h.sweep(tuesday10.Add(2 * time.Minute)) // step 2
	before := clone(h.inc)
	stale := arqir.TimelineEvent{Kind: arqir.EventDeadlineBreached, Data: map[string]string{"deadline": arqir.DeadlinePageAck, "step": "1"}}
	if p := h.p.Plan(before, h.inc, []arqir.TimelineEvent{stale}, tuesday10.Add(3*time.Minute)); len(p.Notify) != 0 {
		t.Errorf("stale breach planned:\n%s", dump(p))
	}
}

// S4: a minor issue does not wake anyone; its pages and escalations wait
// for business hours, which start at 09:00 New York time even across the
// change to daylight saving time (Sunday 10 March 2024).
func TestS4_NoNightPageWaitsForBusinessHoursAcrossDST(t *testing.T) {
	rules := arq()
	rules.Paging.Groups["development_team"] = []string{"cto"}
	for _, tc := range []struct {
		name     string
		declared time.Time
		want     time.Time
	}{
		{"Friday evening before spring forward", time.Date(2024, 3, 8, 20, 0, 0, 0, ny), time.Date(2024, 3, 11, 13, 0, 0, 0, time.UTC)},
		{"Friday evening before fall back", time.Date(2024, 11, 1, 18, 0, 0, 0, ny), time.Date(2024, 11, 4, 14, 0, 0, 0, time.UTC)},
		{"Tuesday 02:00", time.Date(2024, 3, 12, 2, 0, 0, 0, ny), time.Date(2024, 3, 12, 13, 0, 0, 0, time.UTC)},
		{"Tuesday 08:59", time.Date(2024, 3, 12, 8, 59, 0, 0, ny), time.Date(2024, 3, 12, 13, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, rules)
			p := h.declare(arqir.Declaration{Severity: "SEV4"}, tc.declared.UTC())
			n := one(t, p, arqir.PurposePage, nil)
			if !n.NotBefore.Equal(tc.want) || n.Key != "INC-7/page/1/1/schedule:primary/waiting" {
				t.Errorf("page %q not before %s, want %s", n.Key, n.NotBefore, tc.want)
			}
			if len(eventsSaying(p, "SEV4 does not page at night: pages wait for business hours ("+tc.want.Format(time.RFC3339)+")")) != 1 {
				t.Errorf("events:\n%s", dump(p))
			}
			if got := h.deadlines(arqir.DeadlinePageAck); !slices.Equal(got, []string{"1@" + tc.want.Add(2*time.Minute).Format(time.RFC3339)}) {
				t.Errorf("page_ack deadlines = %v", got)
			}
			if e := one(t, p, arqir.PurposeEscalation, nil); !e.NotBefore.Equal(tc.want) {
				t.Errorf("escalation not before %s, want %s", e.NotBefore, tc.want)
			}
		})
	}
	// In business hours SEV4 pages at once.
	h := newHarness(t, rules)
	if n := one(t, h.declare(arqir.Declaration{Severity: "SEV4"}, tuesday10), arqir.PurposePage, nil); !n.NotBefore.Equal(tuesday10) || strings.HasSuffix(n.Key, "/waiting") {
		t.Errorf("SEV4 in business hours: %+v", n)
	}
}

// A minor issue that turns serious at night pages now: the waiting pages
// are cancelled and their step is paged at once with a fresh deadline.
func TestS4_RaisedAtNightPagesNow(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV4"}, tuesday02)
	at := tuesday02.Add(30 * time.Minute)
	p := h.severity(at, "SEV2")
	if !slices.Equal(p.Cancel, []string{arqir.PurposePage}) || !strings.Contains(p.CancelReason, "SEV2 pages at night") {
		t.Errorf("cancel %v: %q", p.Cancel, p.CancelReason)
	}
	n := one(t, p, arqir.PurposePage, nil)
	if n.Key != "INC-7/page/1/1/schedule:primary" || !n.NotBefore.Equal(at) {
		t.Errorf("page = %+v, want step 1 now under a key of its own", n)
	}
	want := []string{"1@2024-03-12T13:02:00Z cancelled", "1@2024-03-12T06:32:00Z"}
	if got := h.deadlines(arqir.DeadlinePageAck); !slices.Equal(got, want) {
		t.Errorf("page_ack deadlines = %v, want %v", got, want)
	}
	if got := keys(p, arqir.PurposeEscalation); !slices.Equal(got, []string{"INC-7/escalation/1/SEV2/vp_engineering", "INC-7/escalation/1/SEV2/on_call_lead"}) {
		t.Errorf("escalations = %v", got)
	}
	// The replaced deadline never breaches; the new one escalates as usual.
	// At night step 2 is outside its window and step 3 has nobody: the
	// primary again is step 4.
	if n := one(t, h.sweep(at.Add(2*time.Minute)), arqir.PurposePage, nil); n.Step != 4 {
		t.Errorf("next page = %+v, want step 4", n)
	}
}

// Pages that went out already are not sent again when the level changes.
func TestS4_RaisedAfterThePagesWentOutPagesNobodyAgain(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV4"}, tuesday10)
	p := h.severity(tuesday10.Add(time.Minute), "SEV2")
	if len(p.Cancel) != 0 || len(of(p, arqir.PurposePage)) != 0 {
		t.Errorf("plan:\n%s", dump(p))
	}
	if got := h.deadlines(arqir.DeadlinePageAck); !slices.Equal(got, []string{"1@2024-03-12T14:02:00Z"}) {
		t.Errorf("page_ack deadlines = %v", got)
	}
}
