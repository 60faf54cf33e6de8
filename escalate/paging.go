package escalate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// page queues the pages of a decided step with its acknowledgement
// deadline, and records the steps skipped on the way (O2, O4, S4).
func (b *build) page(d Decision) {
	b.paged = true
	for _, s := range d.Skipped {
		b.record(fmt.Sprintf("Step %d (%s) skipped: %s", s.Step, strings.Join(s.Targets, ", "), s.Reason),
			map[string]string{"step": strconv.Itoa(s.Step), "skipped": s.Reason})
		if s.Reason == SkipNobody {
			b.roles(s.Targets) // says which group has nobody
		}
	}
	if d.Exhausted {
		b.exhausted(d)
		return
	}
	if d.Step == 0 {
		return
	}
	wait := ""
	if d.Waiting {
		wait = "/waiting"
		b.record(fmt.Sprintf("%s does not page at night: pages wait for business hours (%s)", b.inc.Severity, stamp(d.NotBefore)),
			map[string]string{"step": strconv.Itoa(d.Step), "not_before": stamp(d.NotBefore)})
	}
	steps := len(b.r.Chain) * (1 + max(b.r.Repeat, 0))
	for _, role := range b.roles(d.Targets) {
		m := pageMessage(b.inc, b.r, d.Step, steps)
		b.add(arqir.NotificationIntent{Key: b.key("page", d.Life, d.Step, role) + wait, Purpose: arqir.PurposePage, Step: d.Step,
			Target: role, Recipient: title(b.r, role), Message: m, NotBefore: d.NotBefore, Round: d.Round})
	}
	if d.Step > 1 {
		names := make([]string, len(d.Targets))
		for i, t := range d.Targets {
			names[i] = title(b.r, t)
		}
		b.record(fmt.Sprintf("Escalated to step %d: %s", d.Step, strings.Join(names, ", ")),
			map[string]string{"step": strconv.Itoa(d.Step), "round": strconv.Itoa(d.Round), "targets": strings.Join(d.Targets, ",")})
	}
	if !d.AckBy.IsZero() {
		b.inc.Deadlines = append(b.inc.Deadlines, arqir.Deadline{Kind: arqir.DeadlinePageAck, DueAt: d.AckBy, Step: d.Step})
	}
}

// pageAckBreached pages the next step when a page went unacknowledged.
// Decide reads the deadlines, so a breach of a step that is no longer the
// latest (replaced, or already escalated from) pages nobody.
func (b *build) pageAckBreached() {
	if !b.paged {
		b.page(Decide(b.inc, b.r, b.now))
	}
}

// exhausted tells the escalation e-mail, once per life, that the whole
// chain went unanswered.
func (b *build) exhausted(d Decision) {
	m := exhaustedMessage(b.inc, b.r, d.Paged)
	b.record(m.Headline, map[string]string{"pages": strconv.Itoa(d.Paged)})
	b.toEscalationEmail(arqir.PurposeEscalation, b.key("unacknowledged", d.Life), m)
}

// pageNow ends a wait for business hours when the severity changed to one
// that pages at night: the waiting pages are cancelled and their step is
// paged at once, with a fresh acknowledgement deadline.
func (b *build) pageNow(from string) {
	if b.inc.AcknowledgedAt != nil || pagesAtNight(b.r, from) || !pagesAtNight(b.r, b.inc.Severity) {
		return
	}
	acks := pageAcks(b.inc)
	if len(acks) == 0 {
		return
	}
	i := acks[len(acks)-1]
	last := b.inc.Deadlines[i]
	if !last.Pending() || !last.DueAt.Add(-b.r.AckWithin).After(b.now) {
		return // the step was paged already
	}
	b.cancel(fmt.Sprintf("%s pages at night: the pages waiting for business hours go out now", b.inc.Severity), arqir.PurposePage)
	now := b.now
	b.inc.Deadlines[i].CancelledAt = &now
	d := Decision{Life: b.life, Paged: pagedSteps(b.inc, acks)}
	b.page(stepFrom(d, b.inc, b.r, last.Step, b.now))
}

// escalations informs the escalation targets of a severity (S1–S4), each
// its delay after the life began; a delayed one only while nobody has
// acknowledged. Keys per severity and role: a severity visited again, or
// planned twice, informs nobody twice.
func (b *build) escalations(severity string, started time.Time) {
	sp, ok := b.r.Severities[severity]
	if !ok {
		return
	}
	var told []string
	for _, e := range sp.Escalation {
		if e.After > 0 && b.inc.AcknowledgedAt != nil {
			continue
		}
		at := started.Add(e.After)
		if at.Before(b.now) {
			at = b.now
		}
		if !sp.PageAtNight {
			at = b.r.BusinessHours.Next(at)
		}
		for _, role := range b.roles([]string{e.Contact}) {
			if slices.Contains(told, role) {
				continue
			}
			told = append(told, role)
			b.toRole(arqir.PurposeEscalation, b.key("escalation", b.life, severity, role), role, escalationMessage(b.inc, b.r, e.Contact), at)
		}
	}
}

// stakeholders tells the subscribers the incident matches (R7). why names
// the occasion in their keys; empty, the store keys them per change.
func (b *build) stakeholders(why string, m arqir.Message) {
	m.Mentions, m.Actions, m.InThread, m.UpdateInPlace = nil, false, false, false
	var told []string
	for _, s := range b.r.Stakeholders {
		if !s.Matches(b.inc) {
			continue
		}
		for _, role := range b.roles([]string{s.Contact}) {
			if slices.Contains(told, role) {
				continue
			}
			told = append(told, role)
			key := ""
			if why != "" {
				key = b.key("stakeholder", b.life, why, role)
			}
			b.toRole(arqir.PurposeStakeholder, key, role, m, time.Time{})
		}
	}
}

// warRoom creates the incident call for a severity that gets one (R5),
// unless the incident has one: one war room per incident, ever.
func (b *build) warRoom() {
	if !slices.Contains(b.r.WarRoomSeverities, b.inc.Severity) || b.inc.Refs[arqir.RefWarRoomURL] != "" {
		return
	}
	b.add(arqir.NotificationIntent{Key: b.key(arqir.PurposeWarRoom), Purpose: arqir.PurposeWarRoom, Target: arqir.ChannelZoom,
		Channel: arqir.ChannelZoom, Recipient: "War room", Message: warRoomMessage(b.inc, b.r)})
}

// pagingTool mirrors the incident in the paging tool (R4, T1): trigger,
// acknowledge or resolve, once per life each.
func (b *build) pagingTool(event string) {
	if !b.r.PagingTool {
		return
	}
	m := mainMessage(b.inc, b.r)
	m.Actions, m.Event = false, event
	b.add(arqir.NotificationIntent{Key: b.key(arqir.ChannelPagerDuty, b.life, event), Purpose: arqir.PurposeStatusSync,
		Target: arqir.ChannelPagerDuty, Channel: arqir.ChannelPagerDuty, Recipient: "PagerDuty", Message: m})
}
