package rotation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/arqir/arqir/rotation"
)

// daily returns a schedule rotating a and b every day at hh:mm in loc.
func daily(loc *time.Location, hh, mm int) rotation.Schedule {
	return rotation.Schedule{
		Name: "daily",
		Zone: loc,
		Layers: []rotation.Layer{{
			Name:         "daily",
			Participants: []string{"a", "b"},
			Rotation:     rotation.Daily(1),
			Handoff:      rotation.HandoffTime{At: rotation.Clock{Hour: hh, Minute: mm}},
			Anchor:       rotation.Date{Year: 2026, Month: time.January, Day: 1},
		}},
	}
}

// TestDST_SkippedHandoffHappensWhenClocksJump: 02:30 does not exist in New
// York on 2026-03-08 (02:00 EST jumps to 03:00 EDT), so that day's handoff
// happens at the jump, 03:00 EDT = 07:00Z.
func TestDST_SkippedHandoffHappensWhenClocksJump(t *testing.T) {
	s := daily(ny, 2, 30)
	for _, c := range []struct{ at, start, end string }{
		{"2026-03-08T06:59Z", "2026-03-07T07:30Z", "2026-03-08T07:00Z"}, // 02:30 EST the day before
		{"2026-03-08T07:00Z", "2026-03-08T07:00Z", "2026-03-09T06:30Z"}, // from the jump to 02:30 EDT
	} {
		sh, _ := rotation.OnCall(s, at(t, c.at))
		if !sh.Start.Equal(at(t, c.start)) || !sh.End.Equal(at(t, c.end)) {
			t.Errorf("OnCall(%s) = %s–%s; want %s–%s", c.at, sh.Start.Format(time.RFC3339), sh.End.Format(time.RFC3339), c.start, c.end)
		}
	}
}

// TestDST_RepeatedHandoffHappensAtFirstOccurrence: 01:30 happens twice in New
// York on 2026-11-01; the handoff is the first, 01:30 EDT = 05:30Z, so that
// turn lasts 25 hours.
func TestDST_RepeatedHandoffHappensAtFirstOccurrence(t *testing.T) {
	s := daily(ny, 1, 30)
	sh, _ := rotation.OnCall(s, at(t, "2026-11-01T06:00Z")) // 01:00 EST, the second pass
	if want := at(t, "2026-11-01T05:30Z"); !sh.Start.Equal(want) {
		t.Errorf("turn starts %s; want the first 01:30, %s", sh.Start, want)
	}
	if want := at(t, "2026-11-02T06:30Z"); !sh.End.Equal(want) {
		t.Errorf("turn ends %s; want 01:30 EST next day, %s", sh.End, want)
	}
	if d := sh.End.Sub(sh.Start); d != 25*time.Hour {
		t.Errorf("turn lasts %s; want 25h", d)
	}
}

// TestDST_BruteForceDailyHandoffs compares daily rotations at awkward times
// in zones with different transition rules against a minute-by-minute scan,
// every 15 minutes over 2026–2027. Lord Howe shifts by half an hour; Berlin
// falls back at 03:00 so 02:30 repeats there; Santiago changes at midnight.
func TestDST_BruteForceDailyHandoffs(t *testing.T) {
	for _, c := range []struct {
		zone   string
		hh, mm int
	}{
		{"America/New_York", 2, 30},
		{"America/New_York", 1, 30},
		{"America/New_York", 0, 0},
		{"Europe/Berlin", 2, 30},
		{"Australia/Lord_Howe", 2, 15},
		{"America/Santiago", 0, 0},
		{"America/Santiago", 23, 30},
	} {
		t.Run(fmt.Sprintf("%s %02d:%02d", c.zone, c.hh, c.mm), func(t *testing.T) {
			t.Parallel()
			loc := mustZone(c.zone)
			s := daily(loc, c.hh, c.mm)
			naive := walkTurns(loc, 2026, time.January, 1, 1, c.hh, c.mm, []string{"a", "b"}, spanFrom, spanTo)
			for _, x := range every(spanFrom, spanTo, 15*time.Minute) {
				sh, _ := rotation.OnCall(s, x)
				who, start, end := naive.at(x)
				if sh.User != who || !sh.Start.Equal(start) || !sh.End.Equal(end) {
					t.Fatalf("OnCall(%s) = %q %s–%s; want %q %s–%s", x, sh.User, sh.Start.In(loc), sh.End.In(loc), who, start.In(loc), end.In(loc))
				}
			}
			checkTimeline(t, shiftsOver(t, s, spanFrom, spanTo))
		})
	}
}

// TestDST_RestrictionWindowsFollowLocalTime: an overnight restriction
// (22:00–06:00) keeps its wall-clock bounds across both changes, and a
// whole-day one (00:00–24:00) leaves no gap.
func TestDST_RestrictionWindowsFollowLocalTime(t *testing.T) {
	s := primary()
	s.Layers[0].Restriction = &rotation.Restriction{
		Weekdays: []time.Weekday{time.Saturday},
		From:     rotation.Clock{Hour: 22},
		To:       rotation.Clock{Hour: 6},
	}
	for _, c := range []struct {
		name       string
		at         time.Time
		start, end time.Time
	}{
		{"spring", local(ny, 2026, time.March, 8, 1, 0), local(ny, 2026, time.March, 7, 22, 0), local(ny, 2026, time.March, 8, 6, 0)},
		{"fall", local(ny, 2026, time.November, 1, 3, 0), local(ny, 2026, time.October, 31, 22, 0), local(ny, 2026, time.November, 1, 6, 0)},
	} {
		sh, ok := rotation.OnCall(s, c.at)
		if !ok || !sh.Start.Equal(c.start) || !sh.End.Equal(c.end) {
			t.Errorf("%s: OnCall = %q %s–%s; want %s–%s", c.name, sh.User, sh.Start.In(ny), sh.End.In(ny), c.start.In(ny), c.end.In(ny))
		}
	}
	s.Layers[0].Restriction = &rotation.Restriction{
		Weekdays: []time.Weekday{0, 1, 2, 3, 4, 5, 6},
		To:       rotation.EndOfDay,
	}
	shifts, err := rotation.Shifts(s, spanFrom, spanFrom.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	checkTimeline(t, shifts)
	for _, sh := range shifts {
		if sh.IsGap() {
			t.Fatalf("whole-day restriction leaves a gap %s–%s", sh.Start, sh.End)
		}
	}
}
