package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// handoffCase is a Monday whose 09:00 New York handoff the test watches;
// the week before it crosses a daylight-saving change.
var handoffCases = []struct {
	name   string
	monday [3]int // year, month, day
	utc    int    // 09:00 New York in UTC hours: 14 in EST, 13 in EDT
}{
	{"EST", [3]int{2026, 11, 2}, 14}, // clocks went back on 1 November
	{"EDT", [3]int{2026, 3, 9}, 13},  // clocks went forward on 8 March
}

// TestO5_HandoffReportAtMondayNineNewYork is the "done when": a
// handoff at Monday 09:00 New York time, in EST and in EDT, produces exactly
// one handoff report — two replicas sweeping twice — with the open incidents
// in it, delivered to both engineers' inboxes; the outgoing engineer was
// asked for notes before, and the notes are in it.
func TestO5_HandoffReportAtMondayNineNewYork(t *testing.T) {
	for _, tc := range handoffCases {
		t.Run(tc.name, func(t *testing.T) {
			ny := newYork(t)
			handoff := time.Date(tc.monday[0], time.Month(tc.monday[1]), tc.monday[2], 9, 0, 0, 0, ny)
			if handoff.UTC().Hour() != tc.utc {
				t.Fatalf("09:00 New York on %s is %s UTC", handoff.Format("2 Jan"), handoff.UTC().Format("15:04"))
			}
			w := newHandoffWeek(t, handoff)

			// The notes prompt arrives within two hours before, once.
			w.ck.set(handoff.Add(-2*time.Hour - time.Minute))
			sweepAll(t, w.one, w.two)
			if got := inboxOf(t, w.admin, "ada", arqir.MessageHandoffPrompt); len(got) != 0 {
				t.Fatalf("prompted over two hours before: %+v", got)
			}
			w.ck.set(handoff.Add(-90 * time.Minute))
			sweepAll(t, w.one, w.two)
			sweepAll(t, w.one, w.two)
			prompts := inboxOf(t, w.admin, "ada", arqir.MessageHandoffPrompt)
			if len(prompts) != 1 || !strings.Contains(prompts[0].Body, "arqir oncall handoff --schedule primary") {
				t.Fatalf("ada's prompts = %+v", prompts)
			}
			w.ck.set(handoff.Add(-time.Hour))
			if _, err := w.ada.AddHandoffNote(context.Background(), "primary", "INC-1: the DB failover is half done; finish it before noon"); err != nil {
				t.Fatal(err)
			}

			// 09:00 exactly: two replicas, two sweeps each, one report.
			w.ck.set(handoff)
			sweepAll(t, w.one, w.two)
			sweepAll(t, w.one, w.two)
			reports := reportsOf(t, w.admin, "primary")
			if len(reports) != 1 {
				t.Fatalf("%d reports, want 1", len(reports))
			}
			r := reports[0]
			if !r.At.Equal(handoff) || r.At.UTC().Hour() != tc.utc || r.Outgoing != "ada" || r.Incoming != "bob" {
				t.Fatalf("report at %s (%s UTC) from %q to %q", r.At.In(ny), r.At.UTC().Format("15:04"), r.Outgoing, r.Incoming)
			}
			var open []arqir.IncidentID
			for _, inc := range r.OpenIncidents {
				open = append(open, inc.ID)
			}
			if !slices.Equal(open, []arqir.IncidentID{w.open.ID}) || len(r.DeclaredDuringShift) != 2 {
				t.Fatalf("open %v, declared during the shift %d: %+v", open, len(r.DeclaredDuringShift), r)
			}
			if len(r.Notes) != 1 || !strings.Contains(r.Notes[0].Text, "DB failover") {
				t.Fatalf("notes = %+v", r.Notes)
			}
			if len(r.PostShift) != 1 || len(r.PostShift[0].Unfinished()) != 2 {
				t.Fatalf("post-shift = %+v", r.PostShift)
			}
			for _, who := range []string{"ada", "bob"} {
				got := inboxOf(t, w.admin, who, arqir.MessageHandoffReport)
				if len(got) != 1 || got[0].HandoffID != r.ID || !strings.Contains(got[0].Body, w.open.ID.String()) || !strings.Contains(got[0].Body, "Handoff at "+handoff.Format("Mon 2 Jan 2006 15:04 MST")) {
					t.Fatalf("%s's reports = %+v", who, got)
				}
			}
			// Through the CLI, as people read it.
			out, code := w.one.arqir("oncall", "handoff-report", "1")
			if code != 0 || !strings.Contains(out, w.open.ID.String()+"  SEV2  INVESTIGATING") || !strings.Contains(out, "0 overdue, 0 due within 7 days") {
				t.Fatalf("handoff-report → %d:\n%s", code, out)
			}
		})
	}
}

// TestO6_PostShiftUnfinishedItemsShowOnTheNextHandoffReport: the items ada
// did not tick after her shift show on her handoff report and, still
// unticked, on the next handoff's; ticked ones say who ticked them.
func TestO6_PostShiftUnfinishedItemsShowOnTheNextHandoffReport(t *testing.T) {
	ny := newYork(t)
	handoff := time.Date(2026, 11, 2, 9, 0, 0, 0, ny)
	w := newHandoffWeek(t, handoff)
	w.ck.set(handoff)
	sweepAll(t, w.one, w.two)
	// After her shift ada documents the incidents (item 1 was ticked during
	// it) but leaves the runbooks and RCA items.
	w.ck.set(handoff.Add(2 * time.Hour))
	c, err := w.ada.TickPostShift(context.Background(), "primary", w.adaStart, "2")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Items[1].Done || c.Items[1].Who != "ada" {
		t.Fatalf("checklist = %+v", c.Items)
	}
	w.ck.set(handoff.Add(7 * 24 * time.Hour))
	sweepAll(t, w.one, w.two)
	reports := reportsOf(t, w.admin, "primary")
	if len(reports) != 2 {
		t.Fatalf("%d reports, want 2", len(reports))
	}
	next := reports[0]
	if next.Outgoing != "bob" || next.Incoming != "ada" || len(next.PostShift) != 2 || next.PostShift[0].User != "ada" {
		t.Fatalf("next report = %+v", next)
	}
	left := next.PostShift[0].Unfinished()
	if len(left) != 1 || left[0].Task != "Participate in RCA meetings" {
		t.Fatalf("ada's unfinished items on the next report = %+v", left)
	}
	if !strings.Contains(next.Text(), "[ ] 3. Participate in RCA meetings") {
		t.Fatalf("the report text lacks ada's item:\n%s", next.Text())
	}
	out, code := w.one.arqir("oncall", "post-shift", "--user", "ada", "--shift", w.adaStart.Format(time.RFC3339))
	if code != 0 || !strings.Contains(out, "[x] 1. Document any incidents  (ada,") || !strings.Contains(out, "[ ] 3. Participate in RCA meetings") {
		t.Fatalf("post-shift → %d:\n%s", code, out)
	}
}

// handoffWeek is the week before a Monday handoff: ada on call, bob next,
// an incident declared and left open, one resolved, and ada's first
// post-shift item ticked.
type handoffWeek struct {
	one, two   *harness
	ck         *clock
	admin, ada *client.Client
	open       *arqir.Incident
	adaStart   time.Time
}

func newHandoffWeek(t *testing.T, handoff time.Time) *handoffWeek {
	t.Helper()
	ctx := context.Background()
	week := handoff.AddDate(0, 0, -7)
	w := &handoffWeek{adaStart: week}
	w.one, w.two, w.ck = replicas(t, week.Add(3*time.Hour))
	w.admin = w.one.Admin
	people(t, w.admin, "ada", "bob")
	if _, err := w.admin.SetParticipants(ctx, "primary", client.ParticipantsRequest{Users: []string{"ada", "bob"}}); err != nil {
		t.Fatal(err)
	}
	w.ada = w.one.clientAs("ada", arqir.RoleResponder, "cli")
	w.ck.set(week.Add(30 * time.Hour))
	w.open = w.one.declare(w.admin, "Checkout errors", "SEV2")
	closed := w.one.declare(w.admin, "Search slow", "SEV3")
	if _, err := w.admin.Resolve(ctx, closed.ID.String(), client.ResolveRequest{RootCause: "cache", CustomerImpact: "none"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ada.TickPostShift(ctx, "primary", week, "1"); err != nil {
		t.Fatal(err)
	}
	return w
}
