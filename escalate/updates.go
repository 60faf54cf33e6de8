package escalate

import (
	"fmt"
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// statusUpdate sends a posted update (C2) to the incident's thread and to
// the stakeholders, and refreshes the channel message.
func (b *build) statusUpdate(data map[string]string) {
	m := statusUpdateMessage(b.inc, b.r, data)
	thread := m
	thread.InThread = true
	b.toChannel(arqir.PurposeStatusUpdate, "", thread)
	b.sync = true
	b.stakeholders("", m)
}

// updateMissed reminds the incident commander (or, with none, the on-call
// lead) that a status update is due (C2), in the thread too, and arms the
// grace after which the reminder escalates.
func (b *build) updateMissed(ev arqir.TimelineEvent) {
	if !b.r.NeedsUpdates(b.inc.Severity) {
		return
	}
	due := dueAt(ev, b.now)
	m := reminderMessage(b.inc, b.r, due)
	if c := b.inc.Commander; c != "" {
		b.add(arqir.NotificationIntent{Purpose: arqir.PurposeUpdateReminder, Target: targetUser + c,
			Recipient: c + " (incident commander)", Message: m})
	} else {
		b.toLead(m)
	}
	thread := m
	thread.InThread = true
	b.toChannel(arqir.PurposeUpdateReminder, "", thread)
	b.inc.Deadlines = append(b.inc.Deadlines, arqir.Deadline{Kind: arqir.DeadlineUpdateOverdue, DueAt: b.now.Add(b.r.UpdateGrace)})
}

// targetUser prefixes the handle of a user named on the incident, e.g.
// the commander: "user:ada".
const targetUser = "user:"

// updateStillMissing escalates the reminder: still no update after the
// grace, the on-call lead and the escalation e-mail are told (C2, X1).
func (b *build) updateStillMissing(ev arqir.TimelineEvent) {
	if !b.r.NeedsUpdates(b.inc.Severity) {
		return
	}
	m := overdueMessage(b.inc, b.r, dueAt(ev, b.now))
	b.toLead(m)
	b.toEscalationEmail(arqir.PurposeUpdateReminder, "", m)
}

// toLead reminds the on-call lead: whom step 1 of the chain pages
// (schedule:primary in the ARQ policy).
func (b *build) toLead(m arqir.Message) {
	if len(b.r.Chain) == 0 {
		b.record("Nobody to remind of the missing status update: the policy's paging chain is empty", nil)
		return
	}
	for _, role := range b.roles(b.r.Chain[0].Targets) {
		b.toRole(arqir.PurposeUpdateReminder, "", role, m, time.Time{})
	}
}

// responseBreached escalates a missed response target (S1–S4): the
// escalation e-mail and every escalation target of the severity are told,
// and the channel hears it in the incident's thread.
func (b *build) responseBreached(ev arqir.TimelineEvent) {
	if b.inc.AcknowledgedAt != nil {
		return
	}
	sev := b.inc.Severity
	m := responseBreachMessage(b.inc, b.r, dueAt(ev, b.now))
	b.toEscalationEmail(arqir.PurposeEscalation, b.key("response_breach", b.life, targetEscalationEmail), m)
	var told []string
	if sp, ok := b.r.Severities[sev]; ok {
		// A level that does not page at night tells people at the next
		// business-hours start, not at 04:00 (S4); the e-mail list and
		// the channel hear at once.
		at := time.Time{}
		if !sp.PageAtNight {
			if next := b.r.BusinessHours.Next(b.now); next.After(b.now) {
				at = next
			}
		}
		for _, e := range sp.Escalation {
			for _, role := range b.roles([]string{e.Contact}) {
				if !slices.Contains(told, role) {
					told = append(told, role)
					b.toRole(arqir.PurposeEscalation, b.key("response_breach", b.life, sev, role), role, m, at)
				}
			}
		}
	}
	thread := m
	thread.InThread = true
	b.toChannel(arqir.PurposeEscalation, b.key("response_breach", b.life, "channel"), thread)
	b.record(fmt.Sprintf("%s missed its %s response target: told the escalation targets", b.id, sev), map[string]string{"deadline": arqir.DeadlineResponse})
}

// dueAt is when the breached deadline was due, from its event.
func dueAt(ev arqir.TimelineEvent, now time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, ev.Data["due_at"]); err == nil {
		return t
	}
	return now
}
