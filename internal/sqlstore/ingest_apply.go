package sqlstore

import (
	"fmt"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/routing"
)

// pendingResult is what one call did, resolved into an IngestResult once
// the batch is written and new alerts and incidents have IDs.
type pendingResult struct {
	alerts []*alertState // in order of first appearance in the request
	snaps  []arqir.Alert // each alert as the request left it
	// snapIncs are the alerts' incidents as the request left them; nil
	// means the snapshot's IncidentID, as read, holds.
	snapIncs []*incState
	incs     []*incState // incidents the request opened or changed
}

// applyCall applies one call to the batch state. A call whose integration
// is unknown or revoked (or, for IngestAs, rotated since the caller checked
// the credential), or whose events break a rule, fails alone: what it
// changed is undone. The integration is checked before a retry is
// answered, so a credential that stopped working gets no earlier result.
func (b *batch) applyCall(c *ingestCall) (outcome, error) {
	if err := b.refusal(c); err != nil {
		return outcome{err: err}, nil
	}
	in := b.integrations[c.integrationID]
	if c.key != "" {
		if k := b.keys[requestKey{c.integrationID, c.key}]; k != nil {
			return outcome{replay: k}, nil
		}
	}
	b.beginCall()
	p := &pendingResult{}
	seen := map[*alertState]bool{}
	for i := range c.events {
		st, is, err := b.applyEvent(in, c, i)
		if err != nil {
			b.rollbackCall()
			if arqir.ErrorCode(err) == arqir.EINTERNAL {
				return outcome{}, err // the database failed: the whole batch retries one by one
			}
			return outcome{err: fmt.Errorf("alerts[%d] (dedup key %q): %w", i, c.events[i].DedupKey, err)}, nil
		}
		if !seen[st] {
			seen[st] = true
			p.alerts = append(p.alerts, st)
		}
		if is != nil && !containsInc(p.incs, is) {
			p.incs = append(p.incs, is)
		}
	}
	b.endCall()
	for _, st := range p.alerts {
		if err := st.raw.decodeInto(&st.a); err != nil { // the answer shows them
			return outcome{}, err
		}
		p.snaps = append(p.snaps, st.a)
		p.snapIncs = append(p.snapIncs, st.inc)
	}
	if c.key != "" {
		b.keys[requestKey{c.integrationID, c.key}] = &keyEntry{pending: p, fresh: true, call: c}
	}
	return outcome{pending: p}, nil
}

// applyEvent applies one event and returns the alert and, if one was
// opened or changed, the incident.
func (b *batch) applyEvent(in *arqir.Integration, c *ingestCall, i int) (*alertState, *incState, error) {
	ev := c.events[i]
	key := alertKey{in.ID, ev.DedupKey}
	st, err := b.alert(key)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case st == nil:
		d := b.decide(c, i, in)
		st = &alertState{a: *arqir.NewAlertOwning(in, ev, d.Service, d.Severity, d.GroupKey, b.now), raw: c.enc[i], full: true}
		b.createAlert(key, st)
		b.markAlert(st, true)
		if ev.Status != arqir.AlertFiring {
			return st, nil, nil
		}
		is, err := b.place(in, st, d.GroupKey)
		return st, is, err
	case st.a.Status == ev.Status: // a repeat
		b.saveAlert(st)
		st.a.Repeat(ev, b.now)
		b.replaced(st, ev, c.enc[i])
		b.markAlert(st, false)
		return st, nil, nil
	case ev.Status == arqir.AlertResolved:
		b.saveAlert(st)
		st.a.Resolve(ev, b.now)
		b.replaced(st, ev, c.enc[i])
		b.markAlert(st, true)
		is, err := b.resolved(in, st)
		return st, is, err
	default: // fires again after it resolved
		d := b.decide(c, i, in)
		b.saveAlert(st)
		st.a.FireAgain(ev, d.Service, d.Severity, d.GroupKey, b.now)
		b.replaced(st, ev, c.enc[i])
		b.markAlert(st, true)
		is, err := b.place(in, st, d.GroupKey)
		return st, is, err
	}
}

// replaced keeps an alert's encoded lists in step with those the event
// replaced (arqir.AlertEvent.Replaces).
func (b *batch) replaced(st *alertState, ev arqir.AlertEvent, enc alertJSON) {
	labels, annotations, links := ev.Replaces()
	if labels {
		st.raw.labels = enc.labels
	}
	if annotations {
		st.raw.annotations = enc.annotations
	}
	if links {
		st.raw.links = enc.links
	}
}

// place puts a firing alert into an incident, in this order:
//
//  1. its own incident, if still open: "fired again" (a flap);
//  2. its group's open incident: attached;
//  3. its own incident, resolved within the reopen window: reopened;
//  4. its group's latest incident, resolved within the window: reopened,
//     and the alert attached;
//  5. a new incident, which becomes its group's latest.
//
// An existing incident that the alert joins is raised to the alert's
// severity when that one is more severe (Incident.RaiseSeverityForAlert).
func (b *batch) place(in *arqir.Integration, st *alertState, groupKey string) (*incState, error) {
	if err := st.raw.decodeInto(&st.a); err != nil { // titles and summaries read them
		return nil, err
	}
	own, err := b.incidentOf(st)
	if err != nil {
		return nil, err
	}
	g, err := b.group(groupKey)
	if err != nil {
		return nil, err
	}
	actor := arqir.AlertActor(in)
	var target *incState
	switch {
	case own != nil && own.inc.Status.Open():
		target = own
		b.saveInc(own)
		own.firing++
		at := b.at(own)
		events := own.inc.AlertFiredAgain(&st.a, actor, at)
		b.addEvents(own, st, append(events, own.inc.RaiseSeverityForAlert(b.rules, &st.a, "fired again", actor, at)...))
	case g != nil && g.inc.Status.Open():
		target = g
		b.move(st, own, g)
		at := b.at(g)
		b.attach(g, st, actor, at)
		b.addEvents(g, st, g.inc.RaiseSeverityForAlert(b.rules, &st.a, "attached", actor, at))
	case own != nil && own.inc.ReopenWindowOpen(b.rules.Routing, b.now):
		target = own
		b.saveIncLists(own)
		own.firing++
		at := b.at(own)
		events, err := own.inc.ReopenForAlert(b.rules, &st.a, actor, at)
		if err != nil {
			return nil, err
		}
		b.addEvents(own, st, append(events, own.inc.RaiseSeverityForAlert(b.rules, &st.a, "fired again", actor, at)...))
		b.setGroup(groupKey, own)
	case g != nil && g.inc.ReopenWindowOpen(b.rules.Routing, b.now):
		target = g
		b.move(st, own, g)
		b.saveIncLists(g)
		at := b.at(g)
		events, err := g.inc.ReopenForAlert(b.rules, &st.a, actor, at)
		if err != nil {
			return nil, err
		}
		b.addEvents(g, st, events)
		b.attach(g, st, actor, at)
		b.addEvents(g, st, g.inc.RaiseSeverityForAlert(b.rules, &st.a, "attached", actor, at))
	default:
		inc, events, err := arqir.NewIncidentFromAlert(&st.a, in, b.rules, b.now)
		if err != nil {
			return nil, err
		}
		target = &incState{inc: inc, saved: b.call}
		b.newIncs = append(b.newIncs, target)
		b.move(st, own, target)
		b.addEvents(target, st, events)
		b.setGroup(groupKey, target)
	}
	st.inc = target
	return target, nil
}

// resolved counts a resolved alert off its incident; when none of the
// incident's alerts fires any more, the incident records it and, if the
// policy says so for its severity, resolves.
func (b *batch) resolved(in *arqir.Integration, st *alertState) (*incState, error) {
	if err := st.raw.decodeInto(&st.a); err != nil {
		return nil, err
	}
	is, err := b.incidentOf(st)
	if err != nil || is == nil {
		return nil, err
	}
	b.saveInc(is)
	if is.firing--; is.firing > 0 {
		return nil, nil
	}
	is.firing = 0
	b.saveIncLists(is) // resolving changes its deadlines
	sev, _ := b.rules.Severity(is.inc.Severity)
	events, err := is.inc.AlertsAllResolved(is.total, sev.AutoResolve, arqir.AlertActor(in), b.at(is))
	if err != nil {
		return nil, err
	}
	b.addEvents(is, st, events)
	return is, nil
}

// move makes a firing alert one of to's alerts, and no longer one of from's.
func (b *batch) move(st *alertState, from, to *incState) {
	b.saveInc(to)
	to.total++
	to.firing++
	if from != nil && from != to {
		b.saveInc(from)
		from.total--
	}
}

// addEvents queues timeline events of an incident.
func (b *batch) addEvents(is *incState, st *alertState, events []arqir.TimelineEvent) {
	b.saveInc(is)
	for _, e := range events {
		is.events = append(is.events, pendingEvent{ev: e, alert: st})
	}
	if is.stored && !is.changed {
		is.changed = true
		b.touchedIncs = append(b.touchedIncs, is)
	}
}

// attach makes a firing alert join an open incident and queues the
// attachment's event, to be built only if no other attachment joins it in
// one event (ingest_attach.go).
func (b *batch) attach(is *incState, st *alertState, actor arqir.Actor, at time.Time) {
	is.inc.JoinAlert(&st.a)
	b.addEvents(is, st, nil)
	snap := st.a // as the event would have named it now
	ev := arqir.TimelineEvent{At: at, Kind: arqir.EventAlertAttached, Actor: actor.Name, Source: actor.Source}
	is.events = append(is.events, pendingEvent{ev: ev, alert: st, attached: &snap})
}

// markAlert queues an alert for writing; full says an indexed column may
// have changed.
func (b *batch) markAlert(st *alertState, full bool) {
	st.full = st.full || full
	if !st.dirty {
		st.dirty = true
		b.dirtyAlerts = append(b.dirtyAlerts, st)
	}
}

// decide returns the routing of an event, computed while prefetching or now.
func (b *batch) decide(c *ingestCall, i int, in *arqir.Integration) routing.Decision {
	if d, ok := b.decisions[eventRef{c, i}]; ok {
		return d
	}
	return routing.Decide(b.rules, in, c.events[i])
}

func containsInc(list []*incState, is *incState) bool {
	for _, x := range list {
		if x == is {
			return true
		}
	}
	return false
}
