package sqlstore

import (
	"slices"

	"github.com/arqir/arqir"
)

// undoLog records the batch state a call changes, so that a call that fails
// halfway leaves the batch as it found it: its error goes to its caller
// alone, and the calls after it decide on the state before it.
type undoLog struct {
	alerts []alertUndo
	incs   []incUndo
	groups []groupUndo

	dirtyAlerts, touchedIncs, newIncs, dirtyGroups int
}

type alertUndo struct {
	key     alertKey
	st      *alertState
	old     alertState
	created bool // the call created it: undo makes the key unknown again
}

// incUndo is an incident as it was before the call. Its lists share their
// arrays with the incident's until lists says they were copied: ingest's
// common changes (an alert attached, fired again) only append to them,
// which leaves the saved lengths' elements as they were, and copying four
// lists per incident and call was a good part of the committer's work in a
// storm.
type incUndo struct {
	st    *incState
	old   incState
	inc   arqir.Incident
	lists bool // inc's lists are copies
}

type groupUndo struct {
	key string
	old *groupState
	had bool
}

// beginCall starts the undo log of the next call. The log's lists are
// those of the call before, emptied: an entry is most of a kilobyte, and
// growing new lists for each call (a request of 100 alerts saves as many
// alerts and up to as many incidents) was most of what saving cost.
func (b *batch) beginCall() {
	b.call++
	u := &b.undoBuf
	*u = undoLog{
		alerts: u.alerts[:0], incs: u.incs[:0], groups: u.groups[:0],
		dirtyAlerts: len(b.dirtyAlerts), touchedIncs: len(b.touchedIncs), newIncs: len(b.newIncs), dirtyGroups: len(b.dirtyGroups),
	}
	b.undo = u
}

// endCall keeps what the call changed.
func (b *batch) endCall() { b.undo = nil }

// rollbackCall restores what the current call changed, newest first.
func (b *batch) rollbackCall() {
	u := b.undo
	for i := len(u.groups) - 1; i >= 0; i-- {
		g := u.groups[i]
		if g.had {
			b.groups[g.key] = g.old
		} else {
			delete(b.groups, g.key)
		}
	}
	for i := len(u.incs) - 1; i >= 0; i-- {
		x := u.incs[i]
		*x.st = x.old
		*x.st.inc = x.inc
	}
	for i := len(u.alerts) - 1; i >= 0; i-- {
		x := u.alerts[i]
		if x.created {
			b.alerts[x.key] = nil
			continue
		}
		*x.st = x.old
	}
	b.dirtyAlerts = b.dirtyAlerts[:u.dirtyAlerts]
	b.touchedIncs = b.touchedIncs[:u.touchedIncs]
	b.newIncs = b.newIncs[:u.newIncs]
	b.dirtyGroups = b.dirtyGroups[:u.dirtyGroups]
	b.undo = nil
}

// saveAlert records an alert before the current call changes it.
func (b *batch) saveAlert(st *alertState) {
	if b.undo == nil || st.saved == b.call {
		return
	}
	old := *st
	st.saved = b.call
	b.undo.alerts = append(b.undo.alerts, alertUndo{key: alertKey{st.a.IntegrationID, st.a.DedupKey}, st: st, old: old})
}

// createAlert adds an alert the current call creates.
func (b *batch) createAlert(key alertKey, st *alertState) {
	st.saved = b.call
	b.alerts[key] = st
	if b.undo != nil {
		b.undo.alerts = append(b.undo.alerts, alertUndo{key: key, st: st, created: true})
	}
}

// saveInc records an incident before the current call changes it, for
// changes that only append to its lists (see incUndo); saveIncLists before
// any other.
func (b *batch) saveInc(is *incState) {
	if b.undo == nil || is.saved == b.call {
		return
	}
	old := *is
	is.saved = b.call
	old.events = old.events[:len(old.events):len(old.events)] // appends after the undo point reallocate
	is.undoAt = len(b.undo.incs)
	b.undo.incs = append(b.undo.incs, incUndo{st: is, old: old, inc: *is.inc})
}

// saveIncLists records an incident before the current call changes its
// lists' elements in place (reopening and resolving do): the lists as
// saved are copied, which appends since the save have not changed.
func (b *batch) saveIncLists(is *incState) {
	b.saveInc(is)
	if b.undo == nil || is.undoAt >= len(b.undo.incs) || b.undo.incs[is.undoAt].st != is {
		return // opened by this call: undone by forgetting it
	}
	u := &b.undo.incs[is.undoAt]
	if u.lists {
		return
	}
	u.lists = true
	u.inc.Services = slices.Clone(u.inc.Services)
	u.inc.Responders = slices.Clone(u.inc.Responders)
	u.inc.Checklist = slices.Clone(u.inc.Checklist)
	u.inc.Deadlines = slices.Clone(u.inc.Deadlines)
}

// setGroup makes is the latest incident of a group.
func (b *batch) setGroup(key string, is *incState) {
	old, had := b.groups[key]
	if b.undo != nil {
		b.undo.groups = append(b.undo.groups, groupUndo{key: key, old: old, had: had})
	}
	b.groups[key] = &groupState{incID: is.inc.ID, inc: is}
	b.dirtyGroups = append(b.dirtyGroups, key)
}
