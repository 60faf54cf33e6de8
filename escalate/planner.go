// Package escalate decides who is paged, escalated to and told about an
// incident, and when (O2, O4, S1–S4, C1–C3, R4, R5, R7, X1). It is pure:
// Decide and Planner.Plan take the incident, the paging rules of the
// active policy and `now`, and return notifications to queue, queued ones
// to cancel, timeline events and deadlines; the store commits them with
// the change, and the dispatcher sends them.
//
// Keys. Notifications that must go out once carry a fixed idempotency key
// made of the incident, its life (1, and one more per reopen, so a
// reopened incident pages afresh), the step or severity, and the role:
//
//	INC-7/initial_notice                 C1, once per incident
//	INC-7/war_room                       R5, once per incident
//	INC-7/pagerduty/<life>/<event>       R4: trigger, acknowledge, resolve
//	INC-7/page/<life>/<step>/<role>      O4; "/waiting" when it waits for business hours
//	INC-7/escalation/<life>/<sev>/<role> S1–S4, once per severity and life
//	INC-7/response_breach/<life>/…       the response target was missed
//	INC-7/unacknowledged/<life>          the chain ran out (X1)
//	INC-7/resolution/<life>              C3
//	INC-7/stakeholder/<life>/<why>/<role> R7 at declaration, reopen, resolution
//	INC-7/rca_reminder/<due>/<role>      P1: the RCA meeting is due soon
//	INC-7/rca_overdue/<due>/<role>       P1: the RCA meeting is overdue
//
// Notifications a change causes once by nature (status updates, reminders,
// channel thread messages, in-place updates) leave the key empty: the
// store derives one unique to the change.
package escalate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// Planner decides the outbound work of every incident change from the
// paging rules of one policy revision (and, WithPostIncident, its
// post-incident rules).
type Planner struct {
	rules arqir.PagingRules
	post  arqir.PostIncidentRules
}

var _ arqir.Planner = (*Planner)(nil)

// New returns a planner deciding with the paging rules r.
func New(r arqir.PagingRules) *Planner { return &Planner{rules: r} }

// Plan decides what a change of an incident causes: before is the incident
// before the change (nil for a new one), after the incident after it, with
// its ID set; events are the timeline events the change recorded. Plan may
// append page acknowledgement deadlines to after.Deadlines, and cancel
// (CancelledAt) a pending one it replaces. Plan.Cancel applies to the
// notifications queued before this change, not to the ones it plans.
func (p *Planner) Plan(before, after *arqir.Incident, events []arqir.TimelineEvent, now time.Time) arqir.Plan {
	if after == nil {
		return arqir.Plan{}
	}
	b := &build{r: p.rules, post: p.post, inc: after, now: now, id: after.ID.String(), life: life(after)}
	switch {
	case before == nil:
		if after.Status.Open() {
			b.declared()
		}
	case !before.Status.Open() && after.Status.Open():
		b.reopened()
	case before.Status.Open() && !after.Status.Open():
		b.resolved(events)
	case after.Status.Open():
		if before.AcknowledgedAt == nil && after.AcknowledgedAt != nil {
			b.acknowledged()
		}
		if before.Severity != after.Severity {
			b.severityChanged(before.Severity)
		}
		if before.Status != after.Status {
			b.sync = true
		}
	}
	for _, ev := range events {
		b.event(ev)
	}
	b.postIncident(before, events)
	return b.finish()
}

// build collects the plan of one change.
type build struct {
	r    arqir.PagingRules
	post arqir.PostIncidentRules
	inc  *arqir.Incident
	now  time.Time
	id   string // "INC-7"
	life int

	plan  arqir.Plan
	sync  bool // the channel's incident message is updated in place
	paged bool // the chain was decided once in this change
}

// event reacts to one timeline event of the change.
func (b *build) event(ev arqir.TimelineEvent) {
	if !b.inc.Status.Open() {
		return
	}
	switch ev.Kind {
	case arqir.EventDeadlineBreached:
		switch ev.Data["deadline"] {
		case arqir.DeadlinePageAck:
			b.pageAckBreached()
		case arqir.DeadlineResponse:
			b.responseBreached(ev)
		case arqir.DeadlineStatusUpdate:
			b.updateMissed(ev)
		case arqir.DeadlineUpdateOverdue:
			b.updateStillMissing(ev)
		}
	case arqir.EventStatusUpdate:
		b.statusUpdate(ev.Data)
	case arqir.EventRefsChanged:
		if ev.Data[arqir.RefWarRoomURL] != "" {
			b.sync = true // the channel message gets its Join button
		}
	}
}

// finish adds the in-place update of the channel message, marks drills and
// returns the plan.
func (b *build) finish() arqir.Plan {
	if b.sync {
		m := mainMessage(b.inc, b.r)
		m.UpdateInPlace = true
		b.toChannel(arqir.PurposeStatusSync, "", m)
	}
	if b.inc.Drill {
		for i := range b.plan.Notify {
			m := &b.plan.Notify[i].Message
			if !strings.HasPrefix(m.Headline, drillPrefix) {
				m.Headline = drillPrefix + m.Headline
			}
		}
	}
	return b.plan
}

// drillPrefix starts every headline of a drill, so nobody mistakes it for
// a real incident.
const drillPrefix = "[DRILL] "

// add queues an intent.
func (b *build) add(in arqir.NotificationIntent) { b.plan.Notify = append(b.plan.Notify, in) }

// toChannel posts to the incident channel, if the policy has one.
func (b *build) toChannel(purpose, key string, m arqir.Message) {
	if b.r.Channel == "" {
		return
	}
	b.add(arqir.NotificationIntent{Key: key, Purpose: purpose, Target: b.r.Channel, Channel: arqir.ChannelSlackChannel,
		Address: b.r.Channel, Recipient: b.r.Channel, Message: m})
	if b.r.Webhook {
		hookKey := key
		if hookKey != "" {
			hookKey += "/webhook"
		}
		b.add(arqir.NotificationIntent{Key: hookKey, Purpose: purpose, Target: targetWebhook, Channel: arqir.ChannelWebhook,
			Recipient: "Outgoing webhook", Message: m})
	}
}

// targetWebhook is the Target of the copies the outgoing webhook gets.
const targetWebhook = "webhook"

// toRole addresses a contact role, group member or schedule; the
// dispatcher resolves who fills it when the notification is due.
func (b *build) toRole(purpose, key, role string, m arqir.Message, notBefore time.Time) {
	b.add(arqir.NotificationIntent{Key: key, Purpose: purpose, Target: role, Recipient: title(b.r, role), Message: m, NotBefore: notBefore})
}

// toEscalationEmail writes to the shared escalation address (X1), or says
// on the timeline that there is none.
func (b *build) toEscalationEmail(purpose, key string, m arqir.Message) {
	if b.r.EscalationEmail == "" {
		b.record("No escalation e-mail is set, so nobody was e-mailed about: "+m.Headline+"; set contacts.escalation_email in the policy", nil)
		return
	}
	b.add(arqir.NotificationIntent{Key: key, Purpose: purpose, Target: targetEscalationEmail, Channel: arqir.ChannelEmail,
		Address: b.r.EscalationEmail, Recipient: "Escalation e-mail (" + b.r.EscalationEmail + ")", Message: m})
}

// targetEscalationEmail is the Target of mail to the escalation address.
const targetEscalationEmail = "escalation_email"

// cancel asks the store to cancel the queued notifications of the purposes.
func (b *build) cancel(reason string, purposes ...string) {
	for _, p := range purposes {
		if !slices.Contains(b.plan.Cancel, p) {
			b.plan.Cancel = append(b.plan.Cancel, p)
		}
	}
	if b.plan.CancelReason == "" {
		b.plan.CancelReason = reason
	}
}

// cancelLater asks the store to cancel the queued notifications of the
// purposes that are not due yet: those due now were meant to go out whatever
// happens next (an executive told at once of a SEV1).
func (b *build) cancelLater(reason string, purposes ...string) {
	for _, p := range purposes {
		if !slices.Contains(b.plan.CancelLater, p) {
			b.plan.CancelLater = append(b.plan.CancelLater, p)
		}
	}
	if b.plan.CancelReason == "" {
		b.plan.CancelReason = reason
	}
}

// record puts an event of the paging chain on the timeline, once per plan.
func (b *build) record(msg string, data map[string]string) {
	for _, ev := range b.plan.Events {
		if ev.Message == msg {
			return
		}
	}
	b.plan.Events = append(b.plan.Events, arqir.TimelineEvent{IncidentID: b.inc.ID, At: b.now, Kind: arqir.EventEscalated,
		Actor: arqir.SystemActor.Name, Source: arqir.SystemActor.Source, Message: msg, Data: data})
}

// roles expands targets into contact roles and schedules (groups into their
// members), each once, and says on the timeline which groups have nobody.
func (b *build) roles(targets []string) []string {
	for _, t := range targets {
		if members, isGroup := b.r.Groups[t]; isGroup && len(members) == 0 {
			b.record(fmt.Sprintf("%s has nobody: assign someone (list people under the %s group in the policy's contacts.groups)", title(b.r, t), t), map[string]string{"group": t})
		}
	}
	return expand(b.r, targets)
}

// expand turns targets into roles: a group becomes its members, anything
// else (a person, "schedule:<id>") stays; each role once, in order.
func expand(r arqir.PagingRules, targets []string) []string {
	var out []string
	for _, t := range targets {
		members, isGroup := r.Groups[t]
		if !isGroup {
			members = []string{t}
		}
		for _, m := range members {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// title names a role in words, e.g. "CTO", "Primary On-Call".
func title(r arqir.PagingRules, role string) string {
	if t := r.Titles[role]; t != "" {
		return t
	}
	return role
}

// key joins the parts of an idempotency key after the incident ID.
func (b *build) key(parts ...any) string {
	s := b.id
	for _, p := range parts {
		s += "/" + fmt.Sprint(p)
	}
	return s
}

// pagesAtNight reports whether a severity pages outside business hours;
// a severity the rules do not know pages, since not paging must be a decision.
func pagesAtNight(r arqir.PagingRules, severity string) bool {
	sp, ok := r.Severities[severity]
	return !ok || sp.PageAtNight
}

// started is when the current life began: the declaration, or for a
// reopened incident its first page (that page's deadline less the
// acknowledgement time), never after now. A reopened incident whose pages
// waited for business hours counts from when it is asked, which is the
// best the incident tells.
func (b *build) started() time.Time {
	if b.life == 1 {
		return b.inc.DeclaredAt
	}
	if acks := pageAcks(b.inc); len(acks) > 0 {
		if t := b.inc.Deadlines[acks[0]].DueAt.Add(-b.r.AckWithin); t.Before(b.now) {
			return t
		}
	}
	return b.now
}
