package arqir

import (
	"fmt"
	"maps"
	"strings"
	"time"
)

// Timeline event kinds of paging and communication.
const (
	EventStatusUpdate         = "status_update"         // a structured update was posted (C2)
	EventNotificationQueued   = "notification_queued"   // a notification was planned
	EventNotificationSent     = "notification_sent"     // delivered to its provider
	EventNotificationFailed   = "notification_failed"   // refused for good or out of attempts
	EventNotificationRetry    = "notification_retry"    // a retryable failure; tried again later
	EventNotificationExpired  = "notification_expired"  // stale, not sent
	EventNotificationsStopped = "notifications_stopped" // queued pages cancelled by ack or resolve
	EventEscalated            = "escalated"             // the next paging step was paged
	EventRefsChanged          = "refs_changed"          // a provider identity was learned (war room, PagerDuty)
)

// StatusUpdate is a structured status update (C2): where things stand, what
// is being looked at, what was found, and when the next step is expected.
type StatusUpdate struct {
	// Status optionally moves the incident to another open status.
	Status        Status
	Investigating string
	Findings      string
	ETA           string
}

// PostUpdate records a status update (C2). It meets the pending update
// deadlines and, for severities that need updates, arms the next one a full
// cadence after this update.
func (inc *Incident) PostUpdate(rules Rules, u StatusUpdate, a Actor, now time.Time) ([]TimelineEvent, error) {
	u.Investigating, u.Findings, u.ETA = strings.TrimSpace(u.Investigating), strings.TrimSpace(u.Findings), strings.TrimSpace(u.ETA)
	switch {
	case !inc.Status.Open():
		return nil, Errorf(EUNPROCESSABLE, "%s is resolved: a resolved incident gets no status updates; reopen it first", inc.ID)
	case u.Investigating == "" && u.Findings == "":
		return nil, FieldErrorf(EUNPROCESSABLE, "investigating", "say what is being investigated or what was found: an update needs investigating or findings")
	case len(u.Investigating) > MaxTextLen || len(u.Findings) > MaxTextLen || len(u.ETA) > MaxTextLen:
		return nil, Errorf(EUNPROCESSABLE, "investigating, findings and eta must each be under %d bytes", MaxTextLen)
	case u.Status == StatusResolved:
		return nil, FieldErrorf(EUNPROCESSABLE, "status", "an update cannot resolve the incident: resolve it with its root cause and customer impact")
	}
	var events []TimelineEvent
	if u.Status != "" && u.Status != inc.Status {
		ev, err := inc.ChangeStatus(u.Status, "", a, now)
		if err != nil {
			return nil, err
		}
		events = append(events, ev...)
	}
	inc.LastUpdateAt = &now
	inc.meet(DeadlineStatusUpdate, now)
	inc.meet(DeadlineUpdateOverdue, now)
	inc.armUpdate(rules, now)
	data := map[string]string{"status": string(inc.Status), "investigating": u.Investigating, "findings": u.Findings, "eta": u.ETA}
	msg := fmt.Sprintf("Status update: %s", inc.Status)
	if u.Investigating != "" {
		msg += "; investigating: " + u.Investigating
	}
	if u.Findings != "" {
		msg += "; findings: " + u.Findings
	}
	if u.ETA != "" {
		msg += "; ETA: " + u.ETA
	}
	return append(events, newEvent(a, now, EventStatusUpdate, msg, data)), nil
}

// armUpdate adds the next status-update deadline, one cadence from now, when
// the incident's severity needs updates and none is pending.
func (inc *Incident) armUpdate(rules Rules, now time.Time) {
	if !inc.Status.Open() || !rules.Paging.NeedsUpdates(inc.Severity) {
		return
	}
	for _, d := range inc.Deadlines {
		if d.Kind == DeadlineStatusUpdate && d.Pending() {
			return
		}
	}
	inc.Deadlines = append(inc.Deadlines, Deadline{Kind: DeadlineStatusUpdate, DueAt: now.Add(rules.Paging.UpdateEvery)})
}

// DeliveryTeaches says whether RecordDelivery can change anything for a
// delivered notification of the purpose with these refs, so that the
// store reads and rewrites the incident only for deliveries that do: an
// initial notice (C1), a stakeholder notice (its checklist item), or a
// provider that returned refs. Pages, copies and the in-app log do not.
func DeliveryTeaches(purpose string, refs map[string]string) bool {
	if purpose == PurposeInitialNotice || purpose == PurposeStakeholder {
		return true
	}
	for _, v := range refs {
		if v != "" {
			return true
		}
	}
	return false
}

// RecordDelivery applies what a delivered notification taught us: the
// initial notice meets its deadline (C1), the paging tool's dedup key and
// the war-room link are kept (R4, R5) and tick their checklist items, a
// stakeholder message ticks R7. It returns the events; none when nothing changed.
func (inc *Incident) RecordDelivery(n *Notification, refs map[string]string, now time.Time) []TimelineEvent {
	var events []TimelineEvent
	if n.Purpose == PurposeInitialNotice {
		for i, d := range inc.Deadlines {
			if d.Kind == DeadlineInitialNotice && d.Pending() {
				if now.After(d.DueAt) {
					inc.Deadlines[i].BreachedAt = &now // delivered, but late (C1)
				} else {
					inc.Deadlines[i].MetAt = &now
				}
				events = append(events, newEvent(SystemActor, now, EventChecklistTicked,
					fmt.Sprintf("Initial notice delivered to %s %s after declaration (due within %s)", n.Address, now.Sub(inc.DeclaredAt).Round(time.Millisecond), d.DueAt.Sub(inc.DeclaredAt)),
					map[string]string{"deadline": DeadlineInitialNotice}))
			}
		}
	}
	changed := map[string]string{}
	for k, v := range refs {
		if v != "" && inc.Refs[k] != v {
			changed[k] = v
		}
	}
	if len(changed) > 0 {
		if inc.Refs == nil {
			inc.Refs = map[string]string{}
		}
		maps.Copy(inc.Refs, changed)
		var parts []string
		for _, k := range []string{RefWarRoomURL, RefPagerDutyDedupKey, RefSlackChannel, RefSlackTS} {
			if v, ok := changed[k]; ok {
				parts = append(parts, k+" "+v)
			}
		}
		events = append(events, newEvent(SystemActor, now, EventRefsChanged, "Recorded "+strings.Join(parts, ", "), changed))
	}
	a := Actor{Name: "system", Source: SourceSystem}
	if changed[RefPagerDutyDedupKey] != "" {
		events = append(events, inc.tick(ChecklistTriggerPagerDuty, a, now)...)
	}
	if changed[RefWarRoomURL] != "" {
		events = append(events, inc.tick(ChecklistTriggerWarRoom, a, now)...)
	}
	if n.Purpose == PurposeStakeholder {
		events = append(events, inc.tick(ChecklistTriggerNotify, a, now)...)
	}
	return events
}
