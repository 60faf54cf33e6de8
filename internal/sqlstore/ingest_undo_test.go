package sqlstore

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

var undoT0 = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

func undoBatch() *batch {
	return &batch{alerts: map[alertKey]*alertState{}, groups: map[string]*groupState{}, incidents: map[arqir.IncidentID]*incState{}}
}

// A call's incident is saved without copying its lists; a failed call
// still leaves them as they were: what it appended (an attached alert's
// service), and what it changed in place after saveIncLists.
func TestUndo_RestoresAnIncidentsListsWithoutCopyingThemUpFront(t *testing.T) {
	inc := &arqir.Incident{ID: 7, Status: arqir.StatusInvestigating, ImpactStartedAt: undoT0,
		Services:  slices.Grow([]string{"api"}, 8), // room to append in place
		Deadlines: []arqir.Deadline{{Kind: arqir.DeadlineResponse, DueAt: undoT0}}}
	is := &incState{inc: inc, stored: true}
	b := undoBatch()

	b.beginCall()
	b.saveInc(is)
	inc.JoinAlert(&arqir.Alert{Service: "db", StartedAt: undoT0})
	b.endCall()

	b.beginCall()
	b.saveInc(is)
	inc.JoinAlert(&arqir.Alert{Service: "search", StartedAt: undoT0.Add(-time.Hour)})
	is.total++
	b.saveIncLists(is)
	b.saveIncLists(is) // once per call
	inc.Deadlines[0].DueAt = undoT0.Add(time.Hour)
	b.rollbackCall()

	if !slices.Equal(inc.Services, []string{"api", "db"}) || !inc.ImpactStartedAt.Equal(undoT0) || is.total != 0 {
		t.Fatalf("after the rollback: services %v, impact %v, total %d", inc.Services, inc.ImpactStartedAt, is.total)
	}
	if !inc.Deadlines[0].DueAt.Equal(undoT0) {
		t.Fatalf("after the rollback the deadline is due %v, want %v", inc.Deadlines[0].DueAt, undoT0)
	}

	// The next call appends where the failed one had, and keeps it.
	b.beginCall()
	b.saveInc(is)
	inc.JoinAlert(&arqir.Alert{Service: "web", StartedAt: undoT0})
	b.endCall()
	if !slices.Equal(inc.Services, []string{"api", "db", "web"}) {
		t.Fatalf("services %v", inc.Services)
	}
}

// An incident the call opened has no saved state: saveIncLists leaves the
// log alone, and the rollback forgets the incident.
func TestUndo_ListsOfAnIncidentTheCallOpened(t *testing.T) {
	b := undoBatch()
	old := &incState{inc: &arqir.Incident{ID: 1, Services: []string{"api"}}, stored: true}
	b.beginCall()
	b.saveInc(old)
	fresh := &incState{inc: &arqir.Incident{Services: []string{"db"}}, saved: b.call}
	b.newIncs = append(b.newIncs, fresh)
	b.saveIncLists(fresh)
	if len(b.undo.incs) != 1 || b.undo.incs[0].lists {
		t.Fatalf("undo log %+v", b.undo.incs)
	}
	b.rollbackCall()
	if len(b.newIncs) != 0 {
		t.Fatalf("new incidents %d after the rollback", len(b.newIncs))
	}
}

// An attachment left alone is written as AlertAttachedEvent would have
// written it when the alert was attached, though the alert changed since;
// a run of them becomes one event.
func TestAttach_EventBuiltOnlyWhenAlone(t *testing.T) {
	b := undoBatch()
	in := &arqir.Integration{ID: 3, Name: "prom", Kind: arqir.KindAlertmanager}
	actor := arqir.AlertActor(in)
	is := &incState{inc: &arqir.Incident{ID: 9, Status: arqir.StatusInvestigating, ImpactStartedAt: undoT0}, stored: true}
	alert := func(key string) *alertState {
		return &alertState{a: arqir.Alert{ID: 40, IntegrationID: 3, DedupKey: key, Summary: "Disk full " + key, Severity: "SEV2", Service: "db", StartedAt: undoT0}}
	}
	lone := alert("a")
	want := arqir.AlertAttachedEvent(&lone.a, actor, undoT0)
	b.attach(is, lone, actor, undoT0)
	lone.a.Summary, lone.a.Severity = "changed later in the batch", "SEV1"
	is.collapseAttachments()
	got := is.events[0]
	if len(is.events) != 1 || got.attached != nil || got.ev.Message != want.Message || !maps.Equal(got.data(), want.Data) || got.ev.Actor != want.Actor || !got.ev.At.Equal(want.At) {
		t.Fatalf("lone attachment %+v, want %+v", got.ev, want)
	}
	if !slices.Equal(is.inc.Services, []string{"db"}) || len(b.touchedIncs) != 1 {
		t.Fatalf("services %v, touched %d", is.inc.Services, len(b.touchedIncs))
	}

	is.events = nil
	b.attach(is, alert("b"), actor, undoT0)
	b.attach(is, alert("c"), actor, undoT0)
	is.collapseAttachments()
	if len(is.events) != 1 || is.events[0].ev.Data["alerts"] != "2" {
		t.Fatalf("a run of two: %+v", is.events)
	}
}
