package rotation_test

import (
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// The week of 2026-03-02 is c's on the primary (week 8 from the anchor), the
// week of 2026-03-09 a's.

// TestOverride_ChangesTheAnswerExactlyWithinItsRange: z covers from
// Wednesday 15:00Z to Thursday 15:00Z; one nanosecond either side the
// rotation answers.
func TestOverride_ChangesTheAnswerExactlyWithinItsRange(t *testing.T) {
	s := primary()
	start, end := at(t, "2026-03-04T15:00Z"), at(t, "2026-03-05T15:00Z")
	s.Overrides = []rotation.Override{{ID: "ov1", Start: start, End: end, User: "z"}}
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{start.Add(-time.Nanosecond), "c"},
		{start, "z"},
		{end.Add(-time.Nanosecond), "z"},
		{end, "c"},
	} {
		if sh, _ := rotation.OnCall(s, c.at); sh.User != c.want {
			t.Errorf("OnCall(%s) = %q; want %q", c.at.Format(time.RFC3339Nano), sh.User, c.want)
		}
	}
	shifts, err := rotation.Shifts(s, at(t, "2026-03-02T14:00Z"), at(t, "2026-03-09T13:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	checkTimeline(t, shifts)
	want := []struct {
		user       string
		start, end string
		override   bool
	}{
		{"c", "2026-03-02T14:00Z", "2026-03-04T15:00Z", false},
		{"z", "2026-03-04T15:00Z", "2026-03-05T15:00Z", true},
		{"c", "2026-03-05T15:00Z", "2026-03-09T13:00Z", false},
	}
	if len(shifts) != len(want) {
		t.Fatalf("got %d shifts %+v; want %d", len(shifts), shifts, len(want))
	}
	for i, w := range want {
		sh := shifts[i]
		if sh.User != w.user || !sh.Start.Equal(at(t, w.start)) || !sh.End.Equal(at(t, w.end)) || sh.HasOverride() != w.override {
			t.Errorf("shift %d = %q %s–%s override=%v; want %q %s–%s override=%v", i, sh.User, sh.Start, sh.End, sh.HasOverride(), w.user, w.start, w.end, w.override)
		}
	}
	if p := shifts[1].Parts[0]; p.Override != "ov1" || p.Replaces != "c" || p.Layer != "" {
		t.Errorf("override part = %+v; want ov1 replacing c, schedule-wide", p)
	}
	hs, err := rotation.Handoffs(s, at(t, "2026-03-02T14:00Z"), at(t, "2026-03-09T13:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 3 || !hs[1].At.Equal(at(t, "2026-03-04T15:00Z")) || hs[1].Outgoing.User != "c" || hs[1].Incoming.User != "z" {
		t.Errorf("Handoffs = %+v; want c→z at the override's start and z→c at its end", hs)
	}
}

// TestOverride_ReplacesOnlyThatPerson: "z covers for c" over a range spanning
// the end of c's week takes c's time only; a's week goes on as scheduled.
func TestOverride_ReplacesOnlyThatPerson(t *testing.T) {
	s := primary()
	s.Overrides = []rotation.Override{{ID: "cover-c", Start: at(t, "2026-03-06T00:00Z"), End: at(t, "2026-03-11T00:00Z"), User: "z", Replaces: "c"}}
	for _, c := range []struct {
		at, want string
	}{
		{"2026-03-05T23:59Z", "c"},
		{"2026-03-06T00:00Z", "z"},
		{"2026-03-09T12:59Z", "z"},
		{"2026-03-09T13:00Z", "a"}, // a's week starts: not replaced
		{"2026-03-10T12:00Z", "a"},
	} {
		if sh, _ := rotation.OnCall(s, at(t, c.at)); sh.User != c.want {
			t.Errorf("OnCall(%s) = %q; want %q", c.at, sh.User, c.want)
		}
	}
	// On the restricted secondary, a cover for b takes b's business hours
	// only: the weekend stays a gap.
	sec := secondary() // the week of 2026-03-09 is b's there
	sec.Overrides = []rotation.Override{{ID: "cover-b", Start: local(ny, 2026, time.March, 9, 0, 0), End: local(ny, 2026, time.March, 16, 0, 0), User: "z", Replaces: "b"}}
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{local(ny, 2026, time.March, 9, 8, 0), ""},
		{local(ny, 2026, time.March, 9, 9, 0), "z"},
		{local(ny, 2026, time.March, 13, 16, 59), "z"},
		{local(ny, 2026, time.March, 14, 12, 0), ""},
	} {
		if sh, _ := rotation.OnCall(sec, c.at); sh.User != c.want {
			t.Errorf("secondary OnCall(%s) = %q; want %q", c.at, sh.User, c.want)
		}
	}
	// A whole-range override fills the weekend gap.
	sec.Overrides = []rotation.Override{{ID: "weekend", Start: local(ny, 2026, time.March, 14, 0, 0), End: local(ny, 2026, time.March, 15, 0, 0), User: "w"}}
	sh, ok := rotation.OnCall(sec, local(ny, 2026, time.March, 14, 12, 0))
	if !ok || sh.User != "w" || sh.Parts[0].Replaces != "" {
		t.Errorf("weekend override: %+v; want w covering nobody", sh)
	}
}

// TestOverride_OnOneLayerStaysUnderHigherLayers: an override aimed at the
// bottom layer replaces its rotation, but the business-hours layer above
// still wins in its windows.
func TestOverride_OnOneLayerStaysUnderHigherLayers(t *testing.T) {
	s := primary()
	top := secondary().Layers[0]
	top.Name, top.Participants = "day", []string{"x", "y"}
	s.Layers = append(s.Layers, top)
	s.Overrides = []rotation.Override{{ID: "low", Layer: "primary", Start: local(ny, 2026, time.March, 10, 0, 0), End: local(ny, 2026, time.March, 11, 0, 0), User: "z"}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{local(ny, 2026, time.March, 10, 8, 0), "z"},
		{local(ny, 2026, time.March, 10, 12, 0), "y"}, // the day layer is above
		{local(ny, 2026, time.March, 10, 18, 0), "z"},
		{local(ny, 2026, time.March, 11, 2, 0), "a"},
	} {
		sh, _ := rotation.OnCall(s, c.at)
		if sh.User != c.want {
			t.Errorf("OnCall(%s) = %q; want %q", c.at, sh.User, c.want)
		}
		if sh.User == "z" && (sh.Parts[0].Layer != "primary" || sh.Parts[0].Override != "low") {
			t.Errorf("layer override part = %+v; want layer primary, override low", sh.Parts[0])
		}
	}
}

// TestSwap_TradesTwoTurns: c and a swap weeks; each covers the other's week
// exactly, and the handoffs follow.
func TestSwap_TradesTwoTurns(t *testing.T) {
	s := primary()
	cWeek, _ := rotation.OnCall(s, at(t, "2026-03-04T00:00Z"))
	aWeek, _ := rotation.OnCall(s, at(t, "2026-03-11T00:00Z"))
	ovs, err := rotation.Swap(cWeek, aWeek)
	if err != nil {
		t.Fatal(err)
	}
	s.Overrides = ovs
	if err := s.Validate(); err != nil {
		t.Fatalf("swap overrides do not validate: %v", err)
	}
	for _, c := range []struct{ at, want string }{
		{"2026-03-02T13:59Z", "b"},
		{"2026-03-02T14:00Z", "a"},
		{"2026-03-09T13:00Z", "c"},
		{"2026-03-16T13:00Z", "b"},
	} {
		if sh, _ := rotation.OnCall(s, at(t, c.at)); sh.User != c.want {
			t.Errorf("after swap OnCall(%s) = %q; want %q", c.at, sh.User, c.want)
		}
	}
	for _, c := range []struct {
		name string
		a, b rotation.Shift
	}{
		{"gap", cWeek, rotation.Shift{Start: aWeek.Start, End: aWeek.End}},
		{"same user", cWeek, rotation.Shift{User: "c", Start: aWeek.Start, End: aWeek.End}},
		{"overlap", cWeek, rotation.Shift{User: "a", Start: cWeek.Start.Add(time.Hour), End: aWeek.End}},
	} {
		if _, err := rotation.Swap(c.a, c.b); arqir.ErrorCode(err) != arqir.EUNPROCESSABLE {
			t.Errorf("Swap with %s: err = %v; want EUNPROCESSABLE", c.name, err)
		}
	}
}

// TestWithout_DeletedUserLeavesFlaggedGap: once b is deleted the schedule
// still answers; b's weeks are gaps naming b, others' weeks do not move, b's
// own overrides are dropped and a cover for b still covers.
func TestWithout_DeletedUserLeavesFlaggedGap(t *testing.T) {
	s := primary()
	s.Overrides = []rotation.Override{
		{ID: "by-b", Start: at(t, "2026-03-03T00:00Z"), End: at(t, "2026-03-04T00:00Z"), User: "b"},
		{ID: "for-b", Start: at(t, "2026-03-17T00:00Z"), End: at(t, "2026-03-18T00:00Z"), User: "z", Replaces: "b"},
	}
	without, dropped := s.Without("b")
	if len(dropped) != 1 || dropped[0].ID != "by-b" {
		t.Errorf("dropped = %+v; want b's own override", dropped)
	}
	if len(s.Vacant) != 0 || len(s.Overrides) != 2 {
		t.Errorf("Without changed the original schedule: %+v", s)
	}
	if err := without.Validate(); err != nil {
		t.Fatalf("schedule without b does not validate: %v", err)
	}
	gap, ok := rotation.OnCall(without, at(t, "2026-03-20T00:00Z")) // b's week of 2026-03-16
	if ok || gap.User != "" || gap.Parts[0].Vacant != "b" {
		t.Errorf("b's week = %+v (on call %v); want a gap flagged vacant b", gap, ok)
	}
	if sh, _ := rotation.OnCall(without, at(t, "2026-03-17T12:00Z")); sh.User != "z" || sh.Parts[0].Replaces != "b" {
		t.Errorf("cover for b = %+v; want z replacing b", sh)
	}
	if sh, _ := rotation.OnCall(without, at(t, "2026-03-03T12:00Z")); sh.User != "c" {
		t.Errorf("c's week with b's override dropped = %q; want c", sh.User)
	}
	if sh, _ := rotation.OnCall(without, at(t, "2026-03-24T12:00Z")); sh.User != "c" {
		t.Errorf("the week after b's = %q; want c (turns do not move)", sh.User)
	}
	shifts, err := rotation.Shifts(without, spanFrom, spanFrom.AddDate(0, 3, 0))
	if err != nil {
		t.Fatal(err)
	}
	checkTimeline(t, shifts)
	// A lower layer shows through a vacant turn of a higher one.
	layered := primary()
	layered.Layers = append([]rotation.Layer{{Name: "backup", Participants: []string{"m"}, Rotation: rotation.Weekly(1), Handoff: monday9}}, layered.Layers...)
	layered, _ = layered.Without("b")
	if sh, ok := rotation.OnCall(layered, at(t, "2026-03-20T00:00Z")); !ok || sh.User != "m" {
		t.Errorf("vacant top turn over a backup layer = %q; want m", sh.User)
	}
}

// TestOverride_WholeRangeWinsOverCover: where "z covers for c" and "w takes
// over whoever is on" overlap, w is on call; each alone applies as usual.
func TestOverride_WholeRangeWinsOverCover(t *testing.T) {
	s := primary()
	s.Overrides = []rotation.Override{
		{ID: "cover-c", Start: at(t, "2026-03-03T00:00Z"), End: at(t, "2026-03-05T00:00Z"), User: "z", Replaces: "c"},
		{ID: "all", Start: at(t, "2026-03-04T00:00Z"), End: at(t, "2026-03-06T00:00Z"), User: "w"},
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ at, want string }{
		{"2026-03-03T12:00Z", "z"},
		{"2026-03-04T12:00Z", "w"},
		{"2026-03-05T12:00Z", "w"},
		{"2026-03-06T12:00Z", "c"},
	} {
		if sh, _ := rotation.OnCall(s, at(t, c.at)); sh.User != c.want {
			t.Errorf("OnCall(%s) = %q; want %q", c.at, sh.User, c.want)
		}
	}
}
