package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/policy"
)

// followSchedule is a schedule of two layers: the ARQ weekly rotation
// around the clock, and a daily one above it in business hours.
const followSchedule = `    - id: follow
      title: Follow the day
      description: Weekly, with a daily business-hours layer
      coverage: always
      layers:
        - name: weekly
          rotation: *weekly
        - name: business-hours
          rotation: {length: 1d, handoff: {time: "09:00", zone: America/New_York}}
          restriction: {weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday], from: "09:00", to: "17:00", zone: America/New_York}
`

// wantOut fails unless the command exits with code and prints every want.
func (h *harness) wantOut(code int, args []string, want ...string) string {
	h.t.Helper()
	out, got := h.arqir(args...)
	if got != code {
		h.t.Fatalf("%v → exit %d, want %d:\n%s", args, got, code, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			h.t.Fatalf("%v lacks %q:\n%s", args, w, out)
		}
	}
	return out
}

// TestO1_LayersOfRotationsFromThePolicyInTheCLI: a policy schedule of
// layers is assigned a layer at a time (--layer), and `oncall now` and
// `oncall schedules` say which layer someone is on call by; removing
// someone who still rotates in a layer needs --force.
func TestO1_LayersOfRotationsFromThePolicyInTheCLI(t *testing.T) {
	h := newHarness(t) // Monday 30 November 2026, 03:00 in New York
	ctx := context.Background()
	src := string(policy.DefaultYAML())
	const at = "  availability:\n    clause: O4\n"
	if !strings.Contains(src, at) {
		t.Fatalf("the default policy no longer contains %q", at)
	}
	if _, _, err := h.Admin.ApplyPolicy(ctx, []byte(strings.Replace(src, at, followSchedule+at, 1))); err != nil {
		t.Fatal(err)
	}
	people(t, h.Admin, "ada", "bob", "carol", "dan")
	h.wantOut(0, []string{"oncall", "participants", "--schedule", "follow", "ada", "bob"},
		"Layers:       weekly, business-hours (a later layer wins while it has someone on call)", "Layer weekly:", "Participants: Person ada (ada), Person bob (bob)",
		"Participants: none yet: arqir oncall participants --schedule follow --layer business-hours HANDLE…")
	h.wantOut(0, []string{"oncall", "participants", "--schedule", "follow", "--layer", "business-hours", "carol", "dan"},
		"Hours:        Mon,Tue,Wed,Thu,Fri 09:00–17:00 America/New_York", "On call now: Person ada (ada), as before the change.")
	h.wantOut(0, []string{"oncall", "now", "--schedule", "follow", "--at", "2026-12-01 12:00"}, "On call:  Person carol (carol), by layer business-hours")
	h.wantOut(0, []string{"oncall", "now", "--schedule", "follow"}, "On call:  Person ada (ada), by layer weekly")
	before := h.dump()
	h.wantOut(2, []string{"oncall", "participants", "--schedule", "follow", "--layer", "nights", "bob"}, `schedule follow has no layer "nights": its layers are weekly, business-hours`)
	h.wantOut(2, []string{"user", "remove", "dan"}, "dan rotates in follow (layer business-hours)", "--force")
	h.unchanged(before)
	h.wantOut(0, []string{"user", "remove", "dan", "--force"}, "Removed dan")
	h.wantOut(0, []string{"oncall", "now", "--schedule", "follow", "--at", "2026-12-01 12:00"}, "On call:  Person carol (carol), by layer business-hours")
	// dan's turns in business hours are vacant now: the weekly layer below
	// shows through.
	h.wantOut(0, []string{"oncall", "now", "--schedule", "follow", "--at", "2026-12-02 12:00"}, "On call:  Person bob (bob), by layer weekly")
}

// TestO3_RosterChangeHandsOverAtOnce: adding someone to the rotation in
// the middle of a week keeps who is on call; taking the engineer on call
// out hands over at once, and both engineers get the handoff report.
func TestO3_RosterChangeHandsOverAtOnce(t *testing.T) {
	h := newHarness(t) // Monday 30 November 2026, 03:00 in New York
	people(t, h.Admin, "ada", "bob", "carol")
	h.wantOut(0, []string{"oncall", "participants", "--schedule", "primary", "ada", "bob"}, "Anchor:       2026-11-23")
	h.Clock.Advance(2*24*time.Hour + 9*time.Hour) // Wednesday noon: bob's week
	h.wantOut(0, []string{"oncall", "participants", "--schedule", "primary", "ada", "bob", "carol"},
		"Anchor:       2026-11-23", "On call now: Person bob (bob), as before the change.")
	h.wantOut(0, []string{"oncall", "participants", "--schedule", "primary", "ada", "carol"},
		"On call now: Person carol (carol), instead of Person bob (bob): handed over at Wed 2 Dec 2026 12:00 EST; both got handoff report 2")
	h.wantOut(0, []string{"oncall", "handoff-report", "2"}, "Handoff at Wed 2 Dec 2026 12:00 EST: Person bob (bob) → Person carol (carol)")
	h.wantOut(0, []string{"oncall", "inbox", "--user", "carol"}, "[handoff_report]")
	// The Monday handoff of the week was reported before the change, as it
	// happened: ada to bob.
	h.wantOut(0, []string{"oncall", "handoff-report", "1"}, "Handoff at Mon 30 Nov 2026 09:00 EST: Person ada (ada) → Person bob (bob)")
}
