package escalate

import (
	"fmt"
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// declared plans a new open incident: the initial notice in the channel
// (C1), the paging tool (R4), the war room (R5), step 1 of the chain (O4),
// the severity's escalation targets (S1–S4) and the stakeholders (R7).
func (b *build) declared() {
	notice := initialNotice(b.inc, b.r)
	b.toChannel(arqir.PurposeInitialNotice, b.key(arqir.PurposeInitialNotice), notice)
	b.pagingTool(arqir.EventActionTrigger)
	b.warRoom()
	b.page(Decide(b.inc, b.r, b.now))
	b.escalations(b.inc.Severity, b.inc.DeclaredAt)
	b.stakeholders("declared", notice)
}

// reopened pages a reopened incident like a new one, under its new life:
// the fix did not hold and nobody owns it yet.
func (b *build) reopened() {
	b.sync = true
	b.toChannel(arqir.PurposeStatusSync, "", threadMessage(b.inc, b.r, fmt.Sprintf("%s reopened: %s", b.inc.Severity, b.inc.Title)))
	b.pagingTool(arqir.EventActionTrigger)
	b.warRoom()
	b.page(Decide(b.inc, b.r, b.now))
	b.escalations(b.inc.Severity, b.now)
	b.stakeholders("reopened", reopenedMessage(b.inc, b.r))
}

// acknowledged stops the pages and delayed escalations (delivery contract
// 5) and tells the channel and the paging tool who took the incident.
func (b *build) acknowledged() {
	by := b.inc.AcknowledgedBy
	b.cancel("acknowledged by "+by, arqir.PurposePage)
	b.cancelLater("acknowledged by "+by, arqir.PurposeEscalation)
	b.sync = true
	b.pagingTool(arqir.EventActionAcknowledge)
	after := b.inc.AcknowledgedAt.Sub(b.started()).Round(time.Second)
	b.toChannel(arqir.PurposeStatusSync, "", threadMessage(b.inc, b.r, fmt.Sprintf("Acknowledged by %s after %s", by, after)))
}

// severityChanged follows a new severity: the channel message, a war room
// when the new level needs one and the old did not (R5), the new level's
// escalation targets (S1–S4), and pages waiting for business hours go out
// now when the new level pages at night.
func (b *build) severityChanged(from string) {
	b.sync = true
	if !slices.Contains(b.r.WarRoomSeverities, from) {
		b.warRoom()
	}
	b.escalations(b.inc.Severity, b.started())
	b.pageNow(from)
}

// resolved stops every later page, reminder and escalation, posts the
// resolution notice (C3), and tells the paging tool and the stakeholders.
func (b *build) resolved(events []arqir.TimelineEvent) {
	by := arqir.SystemActor.Name
	for _, ev := range events {
		if ev.Kind == arqir.EventResolved && ev.Actor != "" {
			by = ev.Actor
		}
	}
	b.cancel("resolved by "+by, arqir.PurposePage, arqir.PurposeUpdateReminder)
	b.cancelLater("resolved by "+by, arqir.PurposeEscalation)
	m := resolutionMessage(b.inc, b.r)
	b.toChannel(arqir.PurposeResolution, b.key(arqir.PurposeResolution, b.life), m)
	b.sync = true
	b.pagingTool(arqir.EventActionResolve)
	b.stakeholders("resolved", m)
}
