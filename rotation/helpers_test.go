package rotation_test

import (
	"errors"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// The ARQ schedules of the default policy: a weekly rotation handing off
// Monday 09:00 America/New_York; the secondary only Mon–Fri 09:00–17:00.
var (
	ny      = mustZone("America/New_York")
	monday9 = rotation.HandoffTime{Weekday: time.Monday, At: rotation.Clock{Hour: 9}}
	// anchor is the first Monday of 2026: a starts the primary there.
	anchor       = rotation.Date{Year: 2026, Month: time.January, Day: 5}
	businessDays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func primary() rotation.Schedule {
	return rotation.Schedule{
		Name: "primary",
		Zone: ny,
		Layers: []rotation.Layer{{
			Name:         "primary",
			Participants: []string{"a", "b", "c"},
			Rotation:     rotation.Weekly(1),
			Handoff:      monday9,
			Anchor:       anchor,
		}},
	}
}

func secondary() rotation.Schedule {
	return rotation.Schedule{
		Name: "secondary",
		Zone: ny,
		Layers: []rotation.Layer{{
			Name:         "secondary",
			Participants: []string{"b", "c", "a"},
			Rotation:     rotation.Weekly(1),
			Handoff:      monday9,
			Anchor:       anchor,
			Restriction: &rotation.Restriction{
				Weekdays: businessDays,
				From:     rotation.Clock{Hour: 9},
				To:       rotation.Clock{Hour: 17},
			},
		}},
	}
}

// at parses a UTC instant written "2006-01-02T15:04Z".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02T15:04Z07:00", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// local builds an instant from a wall-clock reading in loc; only for
// readings that exist exactly once.
func local(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// every returns the instants from `from` up to `to`, step apart.
func every(from, to time.Time, step time.Duration) []time.Time {
	var out []time.Time
	for t := from; t.Before(to); t = t.Add(step) {
		out = append(out, t)
	}
	return out
}

// span is the two-year span the brute-force tests walk: 2026 and 2027, with
// both years' US daylight-saving changes.
var (
	spanFrom = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	spanTo   = time.Date(2028, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// shiftsOver pages through [from, to) a year at a time, as a caller of
// Shifts must, and joins the pages into one timeline.
func shiftsOver(t *testing.T, s rotation.Schedule, from, to time.Time) []rotation.Shift {
	t.Helper()
	var out []rotation.Shift
	for p := from; p.Before(to); p = p.AddDate(1, 0, 0) {
		end := p.AddDate(1, 0, 0)
		if end.After(to) {
			end = to
		}
		page, err := rotation.Shifts(s, p, end)
		if err != nil {
			t.Fatalf("Shifts(%s, %s): %v", p, end, err)
		}
		// A shift straddling the page boundary comes back in both pages,
		// whole each time.
		if len(out) > 0 && len(page) > 0 && out[len(out)-1].Start.Equal(page[0].Start) {
			if !out[len(out)-1].End.Equal(page[0].End) {
				t.Fatalf("shift at page boundary differs: %v vs %v", out[len(out)-1], page[0])
			}
			page = page[1:]
		}
		out = append(out, page...)
	}
	return out
}

// checkTimeline asserts the shifts tile time without gap or overlap and that
// neighbours differ in user (merged), with parts tiling each shift.
func checkTimeline(t *testing.T, shifts []rotation.Shift) {
	t.Helper()
	for i, sh := range shifts {
		if !sh.End.After(sh.Start) {
			t.Fatalf("shift %d is empty or inverted: %+v", i, sh)
		}
		if len(sh.Parts) == 0 || !sh.Parts[0].Start.Equal(sh.Start) || !sh.Parts[len(sh.Parts)-1].End.Equal(sh.End) {
			t.Fatalf("shift %d parts do not span it: %+v", i, sh)
		}
		for j := 1; j < len(sh.Parts); j++ {
			if !sh.Parts[j].Start.Equal(sh.Parts[j-1].End) {
				t.Fatalf("shift %d parts %d and %d do not meet: %+v", i, j-1, j, sh.Parts)
			}
		}
		if i == 0 {
			continue
		}
		prev := shifts[i-1]
		if !prev.End.Equal(sh.Start) {
			t.Fatalf("shifts %d and %d do not meet (gap or overlap): %v–%v then %v–%v", i-1, i, prev.Start, prev.End, sh.Start, sh.End)
		}
		if prev.User == sh.User {
			t.Fatalf("shifts %d and %d both belong to %q: should have merged", i-1, i, sh.User)
		}
	}
}

// shiftAt returns the shift of a timeline containing instant x.
func shiftAt(t *testing.T, shifts []rotation.Shift, x time.Time) rotation.Shift {
	t.Helper()
	for _, sh := range shifts {
		if !x.Before(sh.Start) && x.Before(sh.End) {
			return sh
		}
	}
	t.Fatalf("no shift contains %s", x)
	return rotation.Shift{}
}

// wantError asserts err is an *arqir.Error with the code and field.
func wantError(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *arqir.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v; want *arqir.Error %s on %s", err, code, field)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("error = %s on %q (%s); want %s on %q", e.Code, e.Field, e.Message, code, field)
	}
	if e.Message == "" {
		t.Fatalf("error %s on %s has no message", code, field)
	}
}
