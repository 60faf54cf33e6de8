package escalate_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/escalate"
)

// rcaHarness is the harness with the planner the app installs: paging and
// post-incident rules of the ARQ policy.
func rcaHarness(t *testing.T, edit func(*arqir.Rules)) *harness {
	t.Helper()
	r := arq()
	if edit != nil {
		edit(&r)
	}
	h := newHarness(t, r)
	h.p = escalate.New(r.Paging).WithPostIncident(r.PostIncident)
	return h
}

// resolveRCA resolves as the store does: the resolution arms the RCA
// deadline (P1) and records the RCA's creation.
func (h *harness) resolveRCA(now time.Time) arqir.Plan {
	return h.change(now, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		evs, err := inc.Resolve(arqir.Resolution{RootCause: "bad deploy", CustomerImpact: "checkout failed for all"}, ada, now)
		if err != nil {
			return nil, err
		}
		inc.Deadlines = append(inc.Deadlines, arqir.Deadline{Kind: arqir.DeadlineRCA, DueAt: now.Add(h.rules.PostIncident.RCAWithin)})
		return append(evs, arqir.TimelineEvent{At: now, Kind: arqir.EventRCACreated, Actor: "system", Source: arqir.SourceSystem, Message: "RCA draft created"}), nil
	})
}

// meetingHeld records the RCA meeting as the store does: it meets the RCA
// deadline.
func (h *harness) meetingHeld(now time.Time) arqir.Plan {
	return h.change(now, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		for i, d := range inc.Deadlines {
			if d.Kind == arqir.DeadlineRCA && d.Pending() {
				inc.Deadlines[i].MetAt = &now
			}
		}
		return []arqir.TimelineEvent{{At: now, Kind: arqir.EventRCAMeetingHeld, Actor: "ada", Source: arqir.SourceCLI, Message: "RCA meeting held"}}, nil
	})
}

// targets lists "target@not_before" of the plan's RCA reminders.
func rcaTargets(p arqir.Plan) []string {
	var out []string
	for _, n := range of(p, arqir.PurposeRCAReminder) {
		s := n.Target
		if !n.NotBefore.IsZero() {
			s += "@" + n.NotBefore.UTC().Format(time.RFC3339)
		}
		out = append(out, s)
	}
	return out
}

// TestP1_ResolutionQueuesTheRCAReminder: resolving arms the 24 h RCA
// deadline, and the planner queues its reminder 2 h before, to the
// commander (or the on-call primary) and whoever acknowledged.
func TestP1_ResolutionQueuesTheRCAReminder(t *testing.T) {
	resolved := tuesday10.Add(40 * time.Minute)
	remind := resolved.Add(22 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		name      string
		commander string
		ackBy     *arqir.Actor // nil: never acknowledged
		edit      func(*arqir.Rules)
		want      []string
	}{
		{"commander who acknowledged", "ada", &ada, nil, []string{"user:ada@" + remind}},
		{"commander and another acknowledger", "grace", &ada, nil, []string{"user:grace@" + remind, "user:ada@" + remind}},
		{"no commander: the on-call primary", "", &ada, nil, []string{"schedule:primary@" + remind, "user:ada@" + remind}},
		{"never acknowledged", "", nil, nil, []string{"schedule:primary@" + remind}},
		{"acknowledged through Slack without an arqir user", "grace", &arqir.Actor{Name: "slack:bob", Source: arqir.SourceSlack}, nil, []string{"user:grace@" + remind}},
		{"no early reminder", "ada", &ada, func(r *arqir.Rules) { r.PostIncident.RCAReminderBefore = 0 }, nil},
		{"reminder longer than what is left: at once", "ada", &ada, func(r *arqir.Rules) { r.PostIncident.RCAReminderBefore = 30 * time.Hour }, []string{"user:ada"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := rcaHarness(t, tc.edit)
			h.declare(arqir.Declaration{Severity: "SEV1", Commander: tc.commander}, tuesday10)
			if tc.ackBy != nil {
				a := *tc.ackBy
				h.change(tuesday10.Add(time.Minute), func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
					return inc.Acknowledge(a, tuesday10.Add(time.Minute))
				})
			}
			p := h.resolveRCA(resolved)
			if got := rcaTargets(p); !slices.Equal(got, tc.want) {
				t.Errorf("RCA reminders %v, want %v; plan:\n%s", got, tc.want, dump(p))
			}
			for _, n := range of(p, arqir.PurposeRCAReminder) {
				due := resolved.Add(24 * time.Hour)
				if n.Key != "INC-7/rca_reminder/"+due.UTC().Format("20060102T150405Z")+"/"+n.Target || n.Channel != "" {
					t.Errorf("reminder key %q channel %q: want one key per incident, deadline and person, resolved when due", n.Key, n.Channel)
				}
				if want := "RCA due in 2h: INC-7 Checkout down"; tc.edit == nil && n.Message.Headline != want {
					t.Errorf("headline %q, want %q", n.Message.Headline, want)
				}
				if n.Message.Field(escalate.LabelRCADue) != due.UTC().Format(time.RFC3339) {
					t.Errorf("fields %+v lack the RCA deadline %s", n.Message.Fields, due)
				}
			}
		})
	}
}

// TestP1_PlannerWithoutPostIncidentRulesSendsNoEarlyReminder: New alone
// knows no reminder time; the overdue notice still goes out.
func TestP1_PlannerWithoutPostIncidentRulesSendsNoEarlyReminder(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV2", Commander: "ada"}, tuesday10)
	if p := h.resolveRCA(tuesday10.Add(time.Hour)); len(of(p, arqir.PurposeRCAReminder)) != 0 {
		t.Errorf("reminders without post-incident rules:\n%s", dump(p))
	}
	if p := h.sweep(tuesday10.Add(25 * time.Hour)); len(of(p, arqir.PurposeRCAReminder)) != 2 {
		t.Errorf("want the overdue notice to the commander and the escalation e-mail:\n%s", dump(p))
	}
}

// TestP1_ReminderIsPlannedOnce: changes after the resolution that leave
// the RCA deadline as it was queue no second reminder.
func TestP1_ReminderIsPlannedOnce(t *testing.T) {
	h := rcaHarness(t, nil)
	h.declare(arqir.Declaration{Severity: "SEV2", Commander: "ada"}, tuesday10)
	h.resolveRCA(tuesday10.Add(time.Hour))
	p := h.change(tuesday10.Add(2*time.Hour), func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		return inc.MarkFalsePositive("the alert was a test", ada, tuesday10.Add(2*time.Hour))
	})
	if n := len(of(p, arqir.PurposeRCAReminder)); n != 0 {
		t.Errorf("%d reminders on a later change:\n%s", n, dump(p))
	}
}

// TestP1_OverdueRCAIsFlaggedAndNotified: when the deadline passes unmet,
// the same people and the escalation e-mail hear "RCA overdue", once per
// deadline, and the timeline says so.
func TestP1_OverdueRCAIsFlaggedAndNotified(t *testing.T) {
	h := rcaHarness(t, nil)
	h.declare(arqir.Declaration{Severity: "SEV1", Commander: "grace"}, tuesday10)
	h.ack(tuesday10.Add(time.Minute))
	resolved := tuesday10.Add(time.Hour)
	h.resolveRCA(resolved)
	due := resolved.Add(24 * time.Hour)
	p := h.sweep(due)
	want := []string{"user:grace", "user:ada", "escalation_email"}
	if got := rcaTargets(p); !slices.Equal(got, want) {
		t.Fatalf("overdue notices to %v, want %v; plan:\n%s", got, want, dump(p))
	}
	mail := one(t, p, arqir.PurposeRCAReminder, toEmail)
	if mail.Address != "incidents@company.com" || mail.Key != "INC-7/rca_overdue/"+due.UTC().Format("20060102T150405Z")+"/escalation_email" {
		t.Errorf("escalation e-mail %+v", mail)
	}
	for _, n := range of(p, arqir.PurposeRCAReminder) {
		if !strings.HasPrefix(n.Message.Headline, "RCA overdue: INC-7") || !n.NotBefore.IsZero() {
			t.Errorf("notice %q not before %s; want \"RCA overdue: INC-7 …\" at once", n.Message.Headline, n.NotBefore)
		}
	}
	if evs := eventsSaying(p, "INC-7 missed its RCA deadline"); len(evs) != 1 || evs[0].Data["deadline"] != arqir.DeadlineRCA {
		t.Errorf("timeline events %+v", p.Events)
	}
	if len(p.Cancel) != 0 || len(p.CancelLater) != 0 {
		t.Errorf("the breach cancels %v %v", p.Cancel, p.CancelLater)
	}
	// Nothing else of a resolved incident reacts to the breach.
	if len(p.Notify) != len(want) {
		t.Errorf("%d intents, want only the %d notices:\n%s", len(p.Notify), len(want), dump(p))
	}
}

func TestP1_OverdueRCAWithoutEscalationEmailSaysSo(t *testing.T) {
	h := rcaHarness(t, func(r *arqir.Rules) { r.Paging.EscalationEmail = "" })
	h.declare(arqir.Declaration{Severity: "SEV3", Commander: "ada"}, tuesday10)
	h.resolveRCA(tuesday10.Add(time.Hour))
	p := h.sweep(tuesday10.Add(25 * time.Hour))
	if got := rcaTargets(p); !slices.Equal(got, []string{"user:ada"}) {
		t.Errorf("notices to %v", got)
	}
	if len(eventsSaying(p, "No escalation e-mail is set, so nobody was e-mailed about: RCA overdue: INC-7")) != 1 {
		t.Errorf("the timeline does not say the escalation e-mail is missing:\n%s", dump(p))
	}
}

// TestP1_MeetingHeldStopsTheReminder: recording the meeting cancels the
// reminder not yet due; one already going out is left to go.
func TestP1_MeetingHeldStopsTheReminder(t *testing.T) {
	h := rcaHarness(t, nil)
	h.declare(arqir.Declaration{Severity: "SEV2", Commander: "ada"}, tuesday10)
	h.resolveRCA(tuesday10.Add(time.Hour))
	p := h.meetingHeld(tuesday10.Add(5 * time.Hour))
	if !slices.Equal(p.CancelLater, []string{arqir.PurposeRCAReminder}) || len(p.Cancel) != 0 || p.CancelReason != "the RCA meeting was held" {
		t.Errorf("cancel %v, later %v (%q); want the RCA reminders not yet due", p.Cancel, p.CancelLater, p.CancelReason)
	}
	if len(p.Notify) != 0 {
		t.Errorf("the meeting queues:\n%s", dump(p))
	}
	// A met deadline is never breached: no overdue notice.
	if p := h.sweep(tuesday10.Add(30 * time.Hour)); len(p.Notify) != 0 {
		t.Errorf("after the meeting the sweep queues:\n%s", dump(p))
	}
}

// TestP1_MeetingHeldLateIsNoReasonToNag: recorded after its deadline,
// the meeting breaches it in the same change (as the store does), and
// nobody is told to hold the meeting that took place.
func TestP1_MeetingHeldLateIsNoReasonToNag(t *testing.T) {
	h := rcaHarness(t, nil)
	h.declare(arqir.Declaration{Severity: "SEV2", Commander: "ada"}, tuesday10)
	h.resolveRCA(tuesday10.Add(time.Hour))
	now := tuesday10.Add(30 * time.Hour)
	p := h.change(now, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		held := arqir.TimelineEvent{At: now, Kind: arqir.EventRCAMeetingHeld, Actor: "ada", Message: "RCA meeting held (after the P1 deadline)"}
		return append([]arqir.TimelineEvent{held}, inc.BreachDue(now)...), nil
	})
	if len(p.Notify) != 0 || !slices.Equal(p.CancelLater, []string{arqir.PurposeRCAReminder}) {
		t.Errorf("a late meeting plans:\n%s", dump(p))
	}
	if !h.inc.Breached() {
		t.Error("the late meeting left the deadline unbreached")
	}
}

// TestP1_ReopenDropsTheReminderAndTheNextResolutionRemindsAnew: the RCA
// waits for the fix that holds; its deadline and reminder move with it.
func TestP1_ReopenDropsTheReminderAndTheNextResolutionRemindsAnew(t *testing.T) {
	h := rcaHarness(t, nil)
	h.declare(arqir.Declaration{Severity: "SEV2", Commander: "ada"}, tuesday10)
	first := h.resolveRCA(tuesday10.Add(time.Hour))
	p := h.reopen(tuesday10.Add(2 * time.Hour))
	if !slices.Contains(p.CancelLater, arqir.PurposeRCAReminder) {
		t.Errorf("reopening keeps the RCA reminder: later %v", p.CancelLater)
	}
	if len(of(p, arqir.PurposeRCAReminder)) != 0 {
		t.Errorf("reopening queues an RCA reminder:\n%s", dump(p))
	}
	second := h.resolveRCA(tuesday10.Add(3 * time.Hour))
	a, b := keys(first, arqir.PurposeRCAReminder), keys(second, arqir.PurposeRCAReminder)
	if len(a) != 1 || len(b) != 1 || a[0] == b[0] {
		t.Errorf("reminder keys %v then %v: want one each, for each deadline", a, b)
	}
	if n := one(t, second, arqir.PurposeRCAReminder, nil); !n.NotBefore.Equal(tuesday10.Add(3*time.Hour + 22*time.Hour)) {
		t.Errorf("second reminder not before %s", n.NotBefore)
	}
	// The first deadline was cancelled by the reopen: its time passing breaches nothing.
	if p := h.sweep(tuesday10.Add(25*time.Hour + time.Minute)); len(of(p, arqir.PurposeRCAReminder)) != 0 {
		t.Errorf("the cancelled deadline was treated as overdue:\n%s", dump(p))
	}
}

func TestP1_DrillRCAReminderIsMarked(t *testing.T) {
	h := rcaHarness(t, nil)
	h.declare(arqir.Declaration{Severity: "SEV2", Commander: "ada", Drill: true}, tuesday10)
	n := one(t, h.resolveRCA(tuesday10.Add(time.Hour)), arqir.PurposeRCAReminder, nil)
	if !strings.HasPrefix(n.Message.Headline, "[DRILL] RCA due in 2h") {
		t.Errorf("drill headline %q", n.Message.Headline)
	}
}

// TestP1_RCAReminderResolvesToPeople: the dispatcher turns the reminder
// to a person into one message per channel they are reached on.
func TestP1_RCAReminderResolvesToPeople(t *testing.T) {
	n := &arqir.Notification{Key: "INC-7/rca_reminder/20240313T150000Z/user:ada", Purpose: arqir.PurposeRCAReminder, Target: "user:ada",
		Message: arqir.Message{Headline: "RCA due in 2h: INC-7 Checkout down"}}
	got, err := escalate.Resolve(n, adaContact, []string{arqir.ChannelEmail})
	if err != nil || len(got) != 1 || got[0].Channel != arqir.ChannelEmail || got[0].Address != "ada@example.com" || got[0].Purpose != arqir.PurposeRCAReminder {
		t.Errorf("Resolve = %+v, %v", got, err)
	}
}

// TestP1_WithPostIncidentLeavesThePlannerAsItWas: the app may keep the
// paging-only planner; WithPostIncident returns another.
func TestP1_WithPostIncidentLeavesThePlannerAsItWas(t *testing.T) {
	r := arq()
	plain := escalate.New(r.Paging)
	with := plain.WithPostIncident(r.PostIncident)
	h := newHarness(t, r)
	h.declare(arqir.Declaration{Severity: "SEV2", Commander: "ada"}, tuesday10)
	h.p = plain
	before := clone(h.inc)
	after := clone(h.inc)
	now := tuesday10.Add(time.Hour)
	evs, _ := after.Resolve(arqir.Resolution{RootCause: "x", CustomerImpact: "y"}, ada, now)
	after.Deadlines = append(after.Deadlines, arqir.Deadline{Kind: arqir.DeadlineRCA, DueAt: now.Add(24 * time.Hour)})
	if n := len(of(plain.Plan(before, clone(after), evs, now), arqir.PurposeRCAReminder)); n != 0 {
		t.Errorf("the paging-only planner queued %d RCA reminders", n)
	}
	if n := len(of(with.Plan(before, clone(after), evs, now), arqir.PurposeRCAReminder)); n != 1 {
		t.Errorf("the planner with post-incident rules queued %d RCA reminders, want 1", n)
	}
}
