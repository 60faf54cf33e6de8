package escalate

import (
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// The RCA's reminders (P1). The store arms a DeadlineRCA when an incident
// resolves; the planner then reminds the people of the incident before it
// is due, tells them and the escalation e-mail when it is missed, and
// stops the reminder once the meeting is held or the incident reopens.

// LabelRCADue is the message field of the RCA deadline.
const LabelRCADue = "RCA due"

// WithPostIncident returns a copy of the planner that also plans the RCA's
// reminders with the post-incident rules pi: RCAReminderBefore says how
// long before the deadline the reminder goes out (zero: none; the overdue
// notice goes out regardless). The planner it is called on is unchanged.
func (p *Planner) WithPostIncident(pi arqir.PostIncidentRules) *Planner {
	c := *p
	c.post = pi
	return &c
}

// postIncident plans the RCA work of a change: a reminder for each RCA
// deadline the change armed, the overdue notice for each it breached, and
// cancels the reminders still waiting once they are moot.
func (b *build) postIncident(before *arqir.Incident, events []arqir.TimelineEvent) {
	for _, d := range armedRCA(before, b.inc) {
		b.rcaReminder(d.DueAt)
	}
	held := false
	for _, ev := range events {
		if ev.Kind == arqir.EventRCAMeetingHeld {
			held = true
			b.cancelLater("the RCA meeting was held", arqir.PurposeRCAReminder)
		}
	}
	for _, ev := range events {
		// A meeting recorded as held after its deadline breaches it in the
		// same change: the breach stands (P1 compliance counts it), but
		// nobody is told to hold a meeting that took place.
		if ev.Kind == arqir.EventDeadlineBreached && ev.Data["deadline"] == arqir.DeadlineRCA && !held {
			b.rcaOverdue(dueAt(ev, b.now))
		}
	}
	// A reopened incident's RCA waits for its next resolution, which arms
	// a new deadline and a new reminder.
	if before != nil && !before.Status.Open() && b.inc.Status.Open() {
		b.cancelLater("reopened: the RCA is due after the next resolution", arqir.PurposeRCAReminder)
	}
}

// armedRCA returns the pending RCA deadlines of after that before did not
// have pending: those the change armed.
func armedRCA(before, after *arqir.Incident) []arqir.Deadline {
	var out []arqir.Deadline
	for _, d := range after.Deadlines {
		if d.Kind != arqir.DeadlineRCA || !d.Pending() {
			continue
		}
		known := false
		if before != nil {
			for _, o := range before.Deadlines {
				known = known || (o.Kind == arqir.DeadlineRCA && o.Pending() && o.DueAt.Equal(d.DueAt))
			}
		}
		if !known {
			out = append(out, d)
		}
	}
	return out
}

// rcaReminder queues the reminder that the RCA meeting is due, to go out
// RCAReminderBefore the deadline (at once when that has passed).
func (b *build) rcaReminder(due time.Time) {
	if b.post.RCAReminderBefore <= 0 {
		return
	}
	var notBefore time.Time
	if t := due.Add(-b.post.RCAReminderBefore); t.After(b.now) {
		notBefore = t
	}
	m := rcaMessage(b.inc, b.r, due, fmt.Sprintf("RCA due in %s: %s %s", human(b.post.RCAReminderBefore), b.id, b.inc.Title),
		"hold the RCA meeting with the responders and record it in arqir before it is due (P1)")
	for _, p := range b.rcaPeople() {
		b.add(arqir.NotificationIntent{Key: b.key("rca_reminder", dueKey(due), p.target), Purpose: arqir.PurposeRCAReminder,
			Target: p.target, Recipient: p.name, Message: m, NotBefore: notBefore})
	}
}

// rcaOverdue tells the people of the incident and the escalation e-mail
// that the RCA meeting was not held in time (P1: flagged, notified).
func (b *build) rcaOverdue(due time.Time) {
	m := rcaMessage(b.inc, b.r, due, fmt.Sprintf("RCA overdue: %s %s", b.id, b.inc.Title),
		"hold the RCA meeting now and record it in arqir; the missed deadline counts against RCA compliance (P1)")
	for _, p := range b.rcaPeople() {
		b.add(arqir.NotificationIntent{Key: b.key("rca_overdue", dueKey(due), p.target), Purpose: arqir.PurposeRCAReminder,
			Target: p.target, Recipient: p.name, Message: m})
	}
	b.toEscalationEmail(arqir.PurposeRCAReminder, b.key("rca_overdue", dueKey(due), targetEscalationEmail), m)
	b.record(fmt.Sprintf("%s missed its RCA deadline (%s): told the people of the incident and the escalation e-mail", b.id, stamp(due)),
		map[string]string{"deadline": arqir.DeadlineRCA})
}

// person is someone the RCA reminders go to.
type person struct{ target, name string }

// rcaPeople are whom the RCA reminders go to: the incident commander, or
// without one whom step 1 of the chain pages (the on-call primary), and
// whoever acknowledged the incident if that is someone else. An
// acknowledgement through a door that names no arqir user ("slack:ada",
// "pagerduty:Ada") is left out: there is no user to reach.
func (b *build) rcaPeople() []person {
	var out []person
	if c := b.inc.Commander; c != "" {
		out = append(out, person{targetUser + c, c + " (incident commander)"})
	} else if len(b.r.Chain) > 0 {
		for _, role := range b.roles(b.r.Chain[0].Targets) {
			out = append(out, person{role, title(b.r, role)})
		}
	}
	if a := b.inc.AcknowledgedBy; a != "" && a != b.inc.Commander && a != arqir.SystemActor.Name && !strings.Contains(a, ":") {
		out = append(out, person{targetUser + a, a + " (acknowledged the incident)"})
	}
	if len(out) == 0 {
		b.record(fmt.Sprintf("Nobody to remind of the RCA of %s: it has no commander and the policy's paging chain is empty; assign a commander", b.id), nil)
	}
	return out
}

// rcaMessage says when the RCA meeting is due and what to do.
func rcaMessage(inc *arqir.Incident, r arqir.PagingRules, due time.Time, headline, todo string) arqir.Message {
	m := base(inc, r)
	m.Headline = headline
	m.Fields = []arqir.MessageField{field(LabelRCADue, stamp(due)), field(LabelSeverity, inc.Severity)}
	if inc.ResolvedAt != nil {
		m.Fields = append(m.Fields, field(LabelServiceRestored, stamp(*inc.ResolvedAt)))
	}
	if inc.Commander != "" {
		m.Fields = append(m.Fields, field("Incident commander", inc.Commander))
	}
	m.Fields = append(m.Fields, field("To do", todo))
	return m
}

// dueKey writes a deadline into a key: one reminder per deadline, so a
// reopened and resolved-again incident is reminded of its new deadline.
func dueKey(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
