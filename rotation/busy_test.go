package rotation_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/arqir/arqir/rotation"
)

// busySchedule builds a seeded schedule with three layers — a daily one, a
// weekly one, and a restricted one on top — and n overrides of every kind
// laid one after another through 2026. Restriction bounds stay between
// 06:00 and 23:00 so the naive model below can read them off the wall clock.
func busySchedule(r *rand.Rand, name string, n int) rotation.Schedule {
	zones := []*time.Location{ny, mustZone("Europe/Berlin"), mustZone("America/Los_Angeles"), mustZone("Australia/Sydney")}
	people := func(k int) []string {
		var out []string
		for range k {
			out = append(out, fmt.Sprintf("u%d", r.IntN(20)))
		}
		return out
	}
	clock := func() rotation.Clock { return rotation.Clock{Hour: r.IntN(24), Minute: 15 * r.IntN(4)} }
	weekday := time.Weekday(r.IntN(7))
	from := 6 + r.IntN(12)
	to := from + 1 + r.IntN(23-from)
	if r.IntN(3) == 0 {
		to = 6 + r.IntN(from-5) // overnight
	}
	var days []time.Weekday
	for d := range 7 {
		if r.IntN(2) == 0 || d == 1 {
			days = append(days, time.Weekday(d))
		}
	}
	s := rotation.Schedule{
		Name: name,
		Zone: zones[r.IntN(len(zones))],
		Layers: []rotation.Layer{
			{Name: "daily", Participants: people(2 + r.IntN(4)), Rotation: rotation.Daily(1 + r.IntN(3)), Handoff: rotation.HandoffTime{At: clock()},
				Anchor: rotation.Date{Year: 2025, Month: time.December, Day: 1 + r.IntN(28)}},
			{Name: "weekly", Participants: people(3 + r.IntN(3)), Rotation: rotation.Weekly(1 + r.IntN(2)), Handoff: rotation.HandoffTime{Weekday: weekday, At: clock()}},
			{Name: "hours", Participants: people(2 + r.IntN(3)), Rotation: rotation.Weekly(1), Handoff: rotation.HandoffTime{Weekday: time.Monday, At: rotation.Clock{Hour: from}},
				Restriction: &rotation.Restriction{Weekdays: days, From: rotation.Clock{Hour: from}, To: rotation.Clock{Hour: to}}},
		},
	}
	t := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		t = t.Add(time.Duration(r.IntN(36*60)) * time.Minute)
		end := t.Add(time.Duration(60+r.IntN(47*60)) * time.Minute)
		o := rotation.Override{ID: fmt.Sprintf("o%d", i), Start: t, End: end, User: fmt.Sprintf("v%d", r.IntN(5))}
		switch r.IntN(4) {
		case 1:
			l := s.Layers[r.IntN(3)]
			o.Replaces = l.Participants[r.IntN(len(l.Participants))]
		case 2:
			o.Layer = s.Layers[r.IntN(3)].Name
		case 3:
			l := s.Layers[r.IntN(3)]
			o.Layer, o.Replaces = l.Name, l.Participants[r.IntN(len(l.Participants))]
		}
		s.Overrides = append(s.Overrides, o)
		t = end
	}
	return s
}

// naiveSchedule answers "who is on call" by reading the package doc
// literally: each layer's turn from a date walk, its restriction from the
// wall clock, overrides by scanning, top layer first.
type naiveSchedule struct {
	s     rotation.Schedule
	turns []naiveTurns
}

func newNaive(s rotation.Schedule, from, to time.Time) naiveSchedule {
	n := naiveSchedule{s: s}
	for _, l := range s.Layers {
		a := l.Anchor
		if a.IsZero() { // the documented default: first handoff weekday on or after 1970-01-01
			d := time.Date(1970, time.January, 1, 12, 0, 0, 0, time.UTC)
			for l.Rotation.Unit == rotation.Weeks && d.Weekday() != l.Handoff.Weekday {
				d = d.AddDate(0, 0, 1)
			}
			a = rotation.DateOf(d)
		}
		// Walking from 1970 is slow; start from the anchor's congruent date
		// closest before the range, found by stepping whole turns.
		period := l.Rotation.Length * int(l.Rotation.Unit)
		date := time.Date(a.Year, a.Month, a.Day, 12, 0, 0, 0, time.UTC)
		shift := 0
		for date.Before(from.AddDate(0, 0, -2*period-2)) {
			date = date.AddDate(0, 0, period*50)
			shift += 50
		}
		ps := slices.Clone(l.Participants)
		k := shift % len(ps)
		ps = append(ps[k:], ps[:k]...)
		n.turns = append(n.turns, walkTurns(s.Zone, date.Year(), date.Month(), date.Day(), period, l.Handoff.At.Hour, l.Handoff.At.Minute, ps, from, to))
	}
	return n
}

func (n naiveSchedule) at(t time.Time) string {
	winner, turn := "", ""
	for i := len(n.s.Layers) - 1; i >= 0; i-- {
		l := n.s.Layers[i]
		who, _, _ := n.turns[i].at(t)
		if l.Restriction != nil && !naiveInWindow(l.Restriction, n.s.Zone, t) {
			who = ""
		}
		if u := naiveOverride(n.s.Overrides, l.Name, who, who, t); u != "" {
			winner, turn = u, who
			break
		}
	}
	return naiveOverride(n.s.Overrides, "", turn, winner, t)
}

// naiveOverride: a whole-range override at this level wins, then one
// replacing the rotation's person, else the level's own answer.
func naiveOverride(ovs []rotation.Override, level, turn, current string, t time.Time) string {
	named := ""
	for _, o := range ovs {
		if o.Layer != level || t.Before(o.Start) || !t.Before(o.End) {
			continue
		}
		if o.Replaces == "" {
			return o.User
		}
		if o.Replaces == turn && turn != "" {
			named = o.User
		}
	}
	if named != "" {
		return named
	}
	return current
}

func naiveInWindow(r *rotation.Restriction, loc *time.Location, t time.Time) bool {
	l := t.In(loc)
	mins := l.Hour()*60 + l.Minute()
	from, to := r.From.Hour*60+r.From.Minute, r.To.Hour*60+r.To.Minute
	on := func(d time.Weekday) bool { return slices.Contains(r.Weekdays, d) }
	if to > from {
		return on(l.Weekday()) && mins >= from && mins < to
	}
	return (on(l.Weekday()) && mins >= from) || (on((l.Weekday()+6)%7) && mins < to)
}

// TestLayers_BusySchedulesAgreeWithNaiveModel: three-layer schedules with
// 100 overrides each, checked every 15 minutes and at every override
// boundary through 2026: OnCall matches the naive model, OnCall's shift is
// exactly the one Shifts lists, and NextShifts agrees with Shifts.
func TestLayers_BusySchedulesAgreeWithNaiveModel(t *testing.T) {
	from, to := spanFrom, spanFrom.AddDate(1, 0, 0)
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			s := busySchedule(rand.New(rand.NewPCG(seed, 7)), "busy", 100)
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			naive := newNaive(s, from, to)
			shifts, err := rotation.Shifts(s, from, to)
			if err != nil {
				t.Fatal(err)
			}
			checkTimeline(t, shifts)
			samples := every(from, to, 15*time.Minute)
			for _, o := range s.Overrides {
				samples = append(samples, o.Start, o.Start.Add(-time.Nanosecond), o.End, o.End.Add(-time.Nanosecond))
			}
			for _, x := range samples {
				sh, ok := rotation.OnCall(s, x)
				if want := naive.at(x); sh.User != want || ok != (want != "") {
					t.Fatalf("OnCall(%s) = %q; naive model says %q", x, sh.User, want)
				}
				if listed := shiftAt(t, shifts, x); !sameShift(listed, sh) {
					t.Fatalf("at %s OnCall = %+v; Shifts lists %+v", x, sh, listed)
				}
			}
			for _, user := range []string{"u1", "u7", "v3"} {
				after := from.AddDate(0, 3, 0)
				next := rotation.NextShifts(s, user, after, 3)
				var want []rotation.Shift
				for _, sh := range shifts {
					if sh.User == user && sh.End.After(after) && len(want) < 3 {
						want = append(want, sh)
					}
				}
				if !slices.EqualFunc(next, want, sameShift) {
					t.Fatalf("NextShifts(%s) = %+v; Shifts says %+v", user, next, want)
				}
			}
		})
	}
}

func sameShift(a, b rotation.Shift) bool {
	return a.User == b.User && a.Schedule == b.Schedule && a.Start.Equal(b.Start) && a.End.Equal(b.End) &&
		slices.EqualFunc(a.Parts, b.Parts, func(p, q rotation.Part) bool {
			return p.Start.Equal(q.Start) && p.End.Equal(q.End) && p.Layer == q.Layer && p.Override == q.Override && p.Replaces == q.Replaces && p.Vacant == q.Vacant
		})
}
