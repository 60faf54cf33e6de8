package escalate_test

import (
	"slices"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

func TestC2_StatusUpdateToThreadChannelMessageAndStakeholders(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV2"}, tuesday10)
	h.ack(tuesday10.Add(time.Minute))
	at := tuesday10.Add(10 * time.Minute)
	p := h.change(at, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		return inc.PostUpdate(h.rules, arqir.StatusUpdate{Status: arqir.StatusIdentified, Investigating: "the payment gateway", Findings: "TLS errors", ETA: "30 minutes"}, ada, at)
	})
	n := one(t, p, arqir.PurposeStatusUpdate, nil)
	want := []arqir.MessageField{
		{Label: "Current status", Value: "IDENTIFIED"},
		{Label: "Investigating", Value: "the payment gateway"},
		{Label: "Findings", Value: "TLS errors"},
		{Label: "ETA", Value: "30 minutes"},
	}
	if !n.Message.InThread || n.Channel != arqir.ChannelSlackChannel || n.Message.Headline != "SEV2 update: Checkout down" || !slices.Equal(n.Message.Fields, want) {
		t.Errorf("update = %+v", n)
	}
	if main := one(t, p, arqir.PurposeStatusSync, inPlace); main.Message.Field("Status") != "IDENTIFIED" {
		t.Errorf("channel message = %+v", main.Message)
	}
	s := one(t, p, arqir.PurposeStakeholder, nil)
	if s.Target != "customer_success_director" || s.Key != "" || s.Message.InThread || !slices.Equal(s.Message.Fields, want) {
		t.Errorf("stakeholder = %+v, want the update, keyed by the store per change", s)
	}
}

// C2: SEV 1–2 post an update every 15 minutes. The reminder goes to the
// incident commander when the update is due at 15 minutes, not at 14;
// still none after the grace, it goes to the on-call lead and the
// escalation e-mail.
func TestC2_UpdateReminderAt15MinutesNot14(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV2", Commander: "grace"}, tuesday10)
	h.ack(tuesday10.Add(time.Minute))
	if p := h.sweep(tuesday10.Add(14*time.Minute + 59*time.Second)); len(p.Notify) != 0 {
		t.Fatalf("reminded early:\n%s", dump(p))
	}
	p := h.sweep(tuesday10.Add(15 * time.Minute))
	r := one(t, p, arqir.PurposeUpdateReminder, func(n arqir.NotificationIntent) bool { return n.Channel == "" })
	if r.Target != "user:grace" || r.Recipient != "grace (incident commander)" || r.Message.Headline != "Status update overdue: Checkout down" ||
		r.Message.Field("Update due") != "2024-03-12T14:15:00Z" {
		t.Errorf("reminder = %+v", r)
	}
	if th := one(t, p, arqir.PurposeUpdateReminder, toSlack); !th.Message.InThread {
		t.Errorf("channel reminder = %+v", th)
	}
	if got := h.deadlines(arqir.DeadlineUpdateOverdue); !slices.Equal(got, []string{"0@2024-03-12T14:20:00Z"}) {
		t.Errorf("update_overdue deadlines = %v, want 5 minutes of grace", got)
	}
	if p := h.sweep(tuesday10.Add(19 * time.Minute)); len(p.Notify) != 0 {
		t.Errorf("escalated before the grace ran out:\n%s", dump(p))
	}
	p = h.sweep(tuesday10.Add(20 * time.Minute))
	if lead := one(t, p, arqir.PurposeUpdateReminder, func(n arqir.NotificationIntent) bool { return n.Channel == "" }); lead.Target != "schedule:primary" ||
		lead.Message.Headline != "Still no status update: Checkout down" || lead.Message.Field("Incident commander") != "grace" {
		t.Errorf("lead reminder = %+v", lead)
	}
	if mail := one(t, p, arqir.PurposeUpdateReminder, toEmail); mail.Address != "incidents@company.com" {
		t.Errorf("e-mail = %+v", mail)
	}
}

func TestC2_ReminderGoesToTheOnCallLeadWithoutACommander(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10)
	h.ack(tuesday10.Add(time.Minute))
	p := h.sweep(tuesday10.Add(15 * time.Minute))
	if r := one(t, p, arqir.PurposeUpdateReminder, func(n arqir.NotificationIntent) bool { return n.Channel == "" }); r.Target != "schedule:primary" {
		t.Errorf("reminder to %q, want the on-call lead (schedule:primary)", r.Target)
	}
}

// SEV 3–4 need no updates: no deadline, so no reminder, ever.
func TestC2_NoRemindersForSev3(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10)
	h.ack(tuesday10.Add(time.Minute))
	if p := h.sweep(tuesday10.Add(time.Hour)); len(of(p, arqir.PurposeUpdateReminder)) != 0 {
		t.Errorf("SEV3 reminded:\n%s", dump(p))
	}
}

// A status_update breach the policy no longer asks for (the breach event
// arrives after a change of rules) reminds nobody.
func TestC2_BreachForALevelWithoutUpdatesRemindsNobody(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10)
	ev := arqir.TimelineEvent{Kind: arqir.EventDeadlineBreached, Data: map[string]string{"deadline": arqir.DeadlineStatusUpdate}}
	if p := h.p.Plan(clone(h.inc), h.inc, []arqir.TimelineEvent{ev}, tuesday10.Add(15*time.Minute)); len(p.Notify) != 0 {
		t.Errorf("plan:\n%s", dump(p))
	}
}
