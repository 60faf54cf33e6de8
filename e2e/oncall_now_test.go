package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/client"
)

// TestO1_OnCallNowAnswersForTheDefaultARQSchedules is the issue's "done
// when": `arqir oncall now` answers for the default primary and secondary
// schedules — first saying how to assign them (exit 0, not an error), then
// who is on call, primary and secondary.
func TestO1_OnCallNowAnswersForTheDefaultARQSchedules(t *testing.T) {
	h := newHarness(t) // Monday 30 November 2026, 03:00 in New York
	out, code := h.arqir("oncall", "now")
	if code != 0 {
		t.Fatalf("oncall now with nobody assigned → exit %d:\n%s", code, out)
	}
	for _, want := range []string{"Primary On-Call (primary)", "Secondary On-Call (secondary)", "no one is assigned", "arqir oncall participants --schedule primary HANDLE…"} {
		if !strings.Contains(out, want) {
			t.Errorf("oncall now lacks %q:\n%s", want, out)
		}
	}
	people(t, h.Admin, "ada", "bob")
	for _, args := range [][]string{
		{"oncall", "participants", "--schedule", "primary", "ada", "bob"},
		{"oncall", "participants", "--schedule", "secondary", "bob", "ada"},
	} {
		if out, code := h.arqir(args...); code != 0 {
			t.Fatalf("%v → exit %d:\n%s", args, code, out)
		}
	}
	// 03:00 on a Monday: the weekly turns changed last Monday at 09:00; the
	// secondary covers business hours only.
	out, code = h.arqir("oncall", "now")
	if code != 0 {
		t.Fatalf("oncall now → exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"On call:  Person ada (ada), by rotation",
		"Shift:    Mon 23 Nov 2026 09:00 EST – Mon 30 Nov 2026 09:00 EST",
		"Next:     Person bob (bob) from Mon 30 Nov 2026 09:00 EST",
		"Gap:      Fri 27 Nov 2026 17:00 EST – Mon 30 Nov 2026 09:00 EST",
		"outside the hours of secondary",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("oncall now lacks %q:\n%s", want, out)
		}
	}
	// At 09:00 both change hands, to the minute.
	h.Clock.Advance(6 * time.Hour)
	now, err := h.Admin.OnCall(context.Background(), "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if p, s := now.Schedules[0].Shift, now.Schedules[1].Shift; p.User != "bob" || s.User != "ada" || !p.Start.Equal(start.Add(6*time.Hour)) || !s.Start.Equal(p.Start) {
		t.Fatalf("at 09:00: primary %+v, secondary %+v", p, s)
	}
}

// TestX1_ContactsResolveTheOnCallLeadThroughTheRotation: the on-call lead
// of the contacts directory is whoever is primary on call, and changes at
// the handoff; the other roles are assigned users or [not set].
func TestX1_ContactsResolveTheOnCallLeadThroughTheRotation(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	people(t, h.Admin, "ada", "bob", "vic")
	if _, err := h.Admin.SetParticipants(ctx, "primary", client.ParticipantsRequest{Users: []string{"ada", "bob"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.AssignContact(ctx, "cto", "vic"); err != nil {
		t.Fatal(err)
	}
	lead := func() string {
		d, err := h.Admin.Contacts(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return d.People[0].User + "/" + d.People[2].User + "/" + d.People[1].Source
	}
	if got := lead(); got != "ada/vic/not_set" {
		t.Fatalf("before the handoff: %s", got)
	}
	h.Clock.Advance(6 * time.Hour) // Monday 09:00 New York
	if got := lead(); got != "bob/vic/not_set" {
		t.Fatalf("after the handoff: %s", got)
	}
	out, code := h.arqir("contacts")
	if code != 0 || !strings.Contains(out, "On-Call Lead               Person bob (bob)") || !strings.Contains(out, "[not set]") {
		t.Fatalf("arqir contacts → %d:\n%s", code, out)
	}
}
