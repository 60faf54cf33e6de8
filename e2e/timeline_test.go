package e2e

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// TestR6_EveryChangeWritesOneTimelineEvent walks an incident through its
// life from two clients and checks the timeline: one event per change, in
// order, with time, actor and source. Each change also plans paging
// (notification_queued, notifications_stopped, …): those events are
// paging's to test, so they are left out here.
func TestR6_EveryChangeWritesOneTimelineEvent(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	alice := h.clientAs("alice", arqir.RoleResponder, "cli")
	bob := h.clientAs("bob", arqir.RoleResponder, "web")

	inc := h.declare(alice, "Checkout errors", "SEV2")
	id := inc.ID.String()
	step := func(f func() error) {
		t.Helper()
		h.Clock.Advance(time.Minute)
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	step(func() error { _, err := bob.Acknowledge(ctx, id); return err })
	step(func() error { _, err := alice.ChangeSeverity(ctx, id, "SEV1", "all regions"); return err })
	step(func() error {
		_, err := alice.AssignRoles(ctx, id, client.RolesRequest{Commander: ptr("bob"), AddResponders: []string{"carol"}})
		return err
	})
	step(func() error { _, err := bob.AddNote(ctx, id, "rolled back deploy 1432"); return err })
	step(func() error { _, err := bob.ChangeStatus(ctx, id, "MONITORING", "error rate falling"); return err })
	step(func() error { _, err := alice.TickChecklist(ctx, id, "R4"); return err })
	step(func() error {
		_, err := bob.Resolve(ctx, id, client.ResolveRequest{RootCause: "bad config", CustomerImpact: "5% of checkouts failed"})
		return err
	})
	step(func() error { _, err := alice.Reopen(ctx, id, "errors are back"); return err })

	events := withoutPaging(h.timeline(inc.ID))
	want := []struct{ kind, actor, source string }{
		{"declared", "alice", "cli"},
		{"checklist_ticked", "system", "system"}, // R2
		{"checklist_ticked", "system", "system"}, // R3
		{"checklist_ticked", "system", "system"}, // R6
		{"acknowledged", "bob", "web"},
		{"checklist_ticked", "bob", "web"}, // R1
		{"severity_changed", "alice", "cli"},
		{"roles_changed", "alice", "cli"},
		{"note", "bob", "web"},
		{"status_changed", "bob", "web"},
		{"checklist_ticked", "alice", "cli"},
		{"resolved", "bob", "web"},
		{"rca_created", "system", "system"}, // P1: the RCA draft
		{"reopened", "alice", "cli"},
	}
	if len(events) != len(want) {
		t.Fatalf("timeline %v, want %d events", kinds(events), len(want))
	}
	for i, w := range want {
		e := events[i]
		if e.Kind != w.kind || e.Actor != w.actor || string(e.Source) != w.source {
			t.Errorf("event %d = %s by %s via %s, want %s by %s via %s", i, e.Kind, e.Actor, e.Source, w.kind, w.actor, w.source)
		}
		if i > 0 && e.At.Before(events[i-1].At) {
			t.Errorf("event %d at %s is before the one before it", i, e.At)
		}
	}
	if !events[len(events)-1].At.Equal(start.Add(8 * time.Minute)) {
		t.Errorf("last event at %s, want the clock's time", events[len(events)-1].At)
	}
}

// TestR6_TimelineCannotBeRewritten: the API offers no way to change or
// delete a timeline event, even to an admin.
func TestR6_TimelineCannotBeRewritten(t *testing.T) {
	h := newHarness(t)
	inc := h.declare(h.Admin, "x", "SEV3")
	before := h.timeline(inc.ID)
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost} {
		req, _ := http.NewRequest(method, h.App.URL()+"/api/v1/incidents/"+inc.ID.String()+"/timeline", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+h.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s timeline → %d, want 405", method, resp.StatusCode)
		}
	}
	// The declaration and its three ticks, and the notifications it
	// planned: exactly what the timeline held before the refused rewrites.
	if got := h.timeline(inc.ID); !slices.Equal(kinds(got), kinds(before)) || len(withoutPaging(got)) != 4 {
		t.Fatalf("timeline after refused rewrites %v, want %v: the declaration and its three ticks", kinds(got), kinds(before))
	}
}

// withoutPaging leaves out the events that paging adds to a change:
// notifications queued, sent, failed, retried, expired or stopped,
// escalations and provider refs.
func withoutPaging(events []arqir.TimelineEvent) []arqir.TimelineEvent {
	var out []arqir.TimelineEvent
	for _, e := range events {
		if !strings.HasPrefix(e.Kind, "notification") && e.Kind != arqir.EventEscalated && e.Kind != arqir.EventRefsChanged {
			out = append(out, e)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
