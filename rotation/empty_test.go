package rotation_test

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/arqir/arqir/rotation"
)

// A restricted schedule nobody can be on call in: the ARQ secondary either
// with no one assigned (the store's placeholder, a permanently vacant
// participant) or with every participant deleted. Its gaps run for years,
// so OnCall, Shifts and Handoffs walk a horizon's worth of restriction
// windows either way; these tests pin that walk against a minute-by-minute
// model, and BenchmarkOnCallEmptyRestricted keeps it linear.

// unassignedSecondary is the secondary as a store answers it before anyone
// is assigned: one participant who is vacant.
func unassignedSecondary() rotation.Schedule {
	s := secondary()
	s.Layers[0].Participants = []string{"(no one assigned)"}
	s.Vacant = []string{"(no one assigned)"}
	return s
}

// deletedSecondary is the secondary after every participant was deleted.
func deletedSecondary() rotation.Schedule {
	s := secondary()
	for _, u := range s.Layers[0].Participants {
		s, _ = s.Without(u)
	}
	return s
}

// minuteRun is the naive model's answer over [start, the next run's start):
// who is on call and the part that says why.
type minuteRun struct {
	start time.Time
	user  string
	part  rotation.Part
}

// naiveEmptyTimeline reads a one-layer schedule whose participants are all
// vacant minute by minute over [from, to): inside the restriction (read off
// the New York wall clock) the turn belongs to the participant a date walk
// from the anchor names, outside it to nobody; a whole-range override wins,
// then one replacing the turn's participant; otherwise it is a gap naming
// the vacant participant whose turn it is, if any.
func naiveEmptyTimeline(s rotation.Schedule, from, to time.Time) []minuteRun {
	l := s.Layers[0]
	turns := walkTurns(s.Zone, l.Anchor.Year, l.Anchor.Month, l.Anchor.Day, 7, l.Handoff.At.Hour, l.Handoff.At.Minute, l.Participants, from, to)
	var runs []minuteRun
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		turn := ""
		if inBusinessHours(t) {
			turn, _, _ = turns.at(t)
		}
		r := minuteRun{start: t, part: rotation.Part{Vacant: turn}}
		var whole, named *rotation.Override
		for i := range s.Overrides {
			o := &s.Overrides[i]
			switch {
			case t.Before(o.Start) || !t.Before(o.End):
			case o.Replaces == "" && whole == nil:
				whole = o
			case o.Replaces != "" && o.Replaces == turn && named == nil:
				named = o
			}
		}
		if o := cmpOr(whole, named); o != nil {
			r.user, r.part = o.User, rotation.Part{Override: o.ID, Replaces: o.Replaces}
		}
		if n := len(runs); n > 0 && runs[n-1].user == r.user && runs[n-1].part == r.part {
			continue
		}
		runs = append(runs, r)
	}
	return runs
}

func cmpOr(a, b *rotation.Override) *rotation.Override {
	if a != nil {
		return a
	}
	return b
}

// naiveShifts groups runs (covering up to `end`) into shifts clipped to
// [lo, hi): consecutive runs of the same user are one shift, each run a part.
func naiveShifts(name string, runs []minuteRun, end, lo, hi time.Time) []rotation.Shift {
	var out []rotation.Shift
	for i, r := range runs {
		rEnd := end
		if i+1 < len(runs) {
			rEnd = runs[i+1].start
		}
		start, stop := tmaxT(r.start, lo), tminT(rEnd, hi)
		if !start.Before(stop) {
			continue
		}
		p := r.part
		p.Start, p.End = start, stop
		if n := len(out); n > 0 && out[n-1].User == r.user && out[n-1].End.Equal(start) {
			out[n-1].End = stop
			out[n-1].Parts = append(out[n-1].Parts, p)
			continue
		}
		out = append(out, rotation.Shift{Schedule: name, User: r.user, Start: start, End: stop, Parts: []rotation.Part{p}})
	}
	return out
}

func tmaxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func tminT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// TestEmptyRestricted_AgreesWithNaiveModel: with nobody assigned and with
// everyone deleted, the secondary's year 2026 (both DST changes, a cover
// for a deleted participant, a whole-range override over fall-back) is
// exactly what the minute-by-minute model says — every shift and part of
// Shifts, OnCall's shift at instants through the year (gap bounds a full
// horizon away included), and the handoffs.
func TestEmptyRestricted_AgreesWithNaiveModel(t *testing.T) {
	from, to := spanFrom, spanFrom.AddDate(1, 0, 0)
	overrides := []rotation.Override{
		// b's week of 2026-03-09, the first Monday of EDT.
		{ID: "cover", Start: at(t, "2026-03-09T00:00Z"), End: at(t, "2026-03-14T00:00Z"), User: "z", Replaces: "b"},
		// Over the 2026-11-01 fall-back.
		{ID: "whole", Start: at(t, "2026-11-01T04:00Z"), End: at(t, "2026-11-03T00:00Z"), User: "w"},
	}
	for _, c := range []struct {
		name     string
		s        rotation.Schedule
		handoffs []string // "at outgoing→incoming"
	}{
		{"unassigned", unassignedSecondary(), []string{"2026-11-01T04:00Z →w"}},
		{"deleted", deletedSecondary(), []string{"2026-03-09T13:00Z →z", "2026-11-01T04:00Z z→w"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := c.s
			s.Overrides = overrides
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			// The model covers every instant OnCall and Shifts may look at.
			lo, end := from.Add(-rotation.Horizon), to.Add(rotation.Horizon+time.Minute)
			runs := naiveEmptyTimeline(s, lo, end)

			shifts, err := rotation.Shifts(s, from, to)
			if err != nil {
				t.Fatal(err)
			}
			checkTimeline(t, shifts)
			want := naiveShifts(s.Name, runs, end, lo, to.Add(rotation.Horizon))
			want = slices.DeleteFunc(want, func(sh rotation.Shift) bool { return !sh.End.After(from) || !sh.Start.Before(to) })
			if !slices.EqualFunc(shifts, want, sameShift) {
				t.Fatalf("Shifts = %d shifts %s; the naive model says %d shifts %s", len(shifts), describe(shifts), len(want), describe(want))
			}
			if n := len(shifts[0].Parts); n < 500 {
				t.Fatalf("the first gap has %d parts; want one per window and between windows over a year", n)
			}

			samples := every(from, to, 11*time.Hour)
			for _, o := range overrides {
				samples = append(samples, o.Start, o.Start.Add(-time.Nanosecond), o.End, o.End.Add(-time.Nanosecond))
			}
			for _, x := range []time.Time{local(ny, 2026, time.March, 9, 9, 0), local(ny, 2026, time.March, 9, 17, 0), local(ny, 2026, time.November, 2, 9, 0)} {
				samples = append(samples, x, x.Add(-time.Nanosecond))
			}
			for _, x := range samples {
				got, ok := rotation.OnCall(s, x)
				i := sort.Search(len(runs), func(i int) bool { return runs[i].start.After(x) }) - 1
				var wantSh rotation.Shift
				for _, sh := range naiveShifts(s.Name, runs, end, x.Add(-rotation.Horizon), x.Add(time.Nanosecond+rotation.Horizon)) {
					if !x.Before(sh.Start) && x.Before(sh.End) {
						wantSh = sh
					}
				}
				if ok != (runs[i].user != "") || !sameShift(got, wantSh) {
					t.Fatalf("OnCall(%s) = %s (on call %v); the naive model says %s", x, describe([]rotation.Shift{got}), ok, describe([]rotation.Shift{wantSh}))
				}
			}

			hs, err := rotation.Handoffs(s, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hs {
				got = append(got, fmt.Sprintf("%s %s→%s", h.At.UTC().Format("2006-01-02T15:04Z"), h.Outgoing.User, h.Incoming.User))
			}
			if !slices.Equal(got, c.handoffs) {
				t.Fatalf("Handoffs = %q; want %q", got, c.handoffs)
			}
		})
	}
}

// describe summarizes shifts for a failure message.
func describe(shifts []rotation.Shift) string {
	out := ""
	for _, sh := range shifts {
		out += fmt.Sprintf("[%q %s–%s, %d parts]", sh.User, sh.Start.Format(time.RFC3339Nano), sh.End.Format(time.RFC3339Nano), len(sh.Parts))
	}
	return out
}
