package sqlstore

import (
	"cmp"
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// openRCA gives an incident that this ingest batch resolved (its alerts
// all resolved and its severity auto-resolves) its RCA, as a resolution
// through the API would, before the planner is asked about the incident.
// An incident resolved and reopened within one batch is open when the
// batch commits and gets none: its next resolution makes it.
func (b *batch) openRCA(is *incState, at time.Time) error {
	if is.inc.Status.Open() || !resolvedBy(is.timeline()) {
		return nil
	}
	events, err := b.s.openRCA(b.ctx, b.tx, is.inc, b.rcaSources(is), at)
	if err != nil {
		return err
	}
	for _, e := range events {
		is.events = append(is.events, pendingEvent{ev: e})
	}
	return nil
}

// rcaSources are the incident's timeline and alerts as they will be once
// the batch is written: what is stored, with the batch's own events and
// alert states in place of the stored ones.
func (b *batch) rcaSources(is *incState) rcaSources {
	return rcaSources{
		timeline: func() ([]arqir.TimelineEvent, error) {
			var stored []arqir.TimelineEvent
			if is.stored {
				var err error
				if stored, err = b.s.timelineOf(b.ctx, b.tx, is.inc.ID); err != nil {
					return nil, err
				}
			}
			return append(stored, is.timeline()...), nil
		},
		alerts: func() ([]*arqir.Alert, error) { return b.alertsOf(is) },
	}
}

// alertsOf returns the alerts of an incident as the batch leaves them,
// oldest first; those the batch creates come last, by dedup key.
func (b *batch) alertsOf(is *incState) ([]*arqir.Alert, error) {
	var out []*arqir.Alert
	if is.stored {
		stored, err := b.s.alertsOf(b.ctx, b.tx, is.inc.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range stored {
			if _, seen := b.alerts[alertKey{a.IntegrationID, a.DedupKey}]; !seen {
				out = append(out, a) // the batch did not touch it
			}
		}
	}
	id := is.inc.ID
	for _, st := range b.alerts {
		if st == nil {
			continue
		}
		mine := st.inc == is || (st.inc == nil && st.a.IncidentID != nil && *st.a.IncidentID == id)
		if !mine {
			continue
		}
		a := st.a
		if err := st.raw.decodeInto(&a); err != nil {
			return nil, err
		}
		a.IncidentID = &id
		out = append(out, &a)
	}
	slices.SortFunc(out, func(x, y *arqir.Alert) int {
		switch {
		case x.ID == 0 && y.ID == 0:
			return cmp.Compare(x.DedupKey, y.DedupKey)
		case x.ID == 0:
			return 1
		case y.ID == 0:
			return -1
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return nonNil(out), nil
}
