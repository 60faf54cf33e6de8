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

type incUndo struct {
	st  *incState
	old incState
	inc arqir.Incident
}

type groupUndo struct {
	key string
	old *groupState
	had bool
}

// beginCall starts the undo log of the next call.
func (b *batch) beginCall() {
	b.call++
	b.undo = &undoLog{dirtyAlerts: len(b.dirtyAlerts), touchedIncs: len(b.touchedIncs), newIncs: len(b.newIncs), dirtyGroups: len(b.dirtyGroups)}
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

// saveInc records an incident before the current call changes it. The
// incident's lists are copied: the transitions change their elements.
func (b *batch) saveInc(is *incState) {
	if b.undo == nil || is.saved == b.call {
		return
	}
	old := *is
	is.saved = b.call
	inc := *is.inc
	inc.Services = slices.Clone(inc.Services)
	inc.Responders = slices.Clone(inc.Responders)
	inc.Checklist = slices.Clone(inc.Checklist)
	inc.Deadlines = slices.Clone(inc.Deadlines)
	old.events = old.events[:len(old.events):len(old.events)] // appends after the undo point reallocate
	b.undo.incs = append(b.undo.incs, incUndo{st: is, old: old, inc: inc})
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
