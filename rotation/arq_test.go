package rotation_test

import (
	"testing"
	"time"

	"github.com/arqir/arqir/rotation"
)

// The ARQ procedures: a primary on call 7 days a week (O1), a secondary as
// backup during US business hours (O2), one weekly rotation handing off
// Monday 09:00 US/Eastern across daylight saving (O3).

// TestO1_PrimaryCoversEveryMinuteAcrossDST walks 2026–2027 every 15 minutes:
// someone is always on call, it is who a date-by-date walk from the anchor
// says, and the shifts tile the span without gap or overlap, so every minute
// in between is covered too.
func TestO1_PrimaryCoversEveryMinuteAcrossDST(t *testing.T) {
	s := primary()
	naive := walkTurns(ny, 2026, time.January, 5, 7, 9, 0, []string{"a", "b", "c"}, spanFrom, spanTo)
	shifts := shiftsOver(t, s, spanFrom, spanTo)
	checkTimeline(t, shifts)
	if !shifts[0].Start.After(spanFrom.Add(-8*24*time.Hour)) || shifts[0].Start.After(spanFrom) || shifts[len(shifts)-1].End.Before(spanTo) {
		t.Fatalf("shifts span %s–%s; want to cover %s–%s with real shift bounds", shifts[0].Start, shifts[len(shifts)-1].End, spanFrom, spanTo)
	}
	for _, sh := range shifts {
		if sh.IsGap() {
			t.Fatalf("gap in the primary: %s–%s", sh.Start, sh.End)
		}
	}
	for _, x := range every(spanFrom, spanTo, 15*time.Minute) {
		sh, ok := rotation.OnCall(s, x)
		who, start, end := naive.at(x)
		if !ok || sh.User != who || !sh.Start.Equal(start) || !sh.End.Equal(end) {
			t.Fatalf("OnCall(%s) = %q %s–%s (on call %v); want %q %s–%s", x, sh.User, sh.Start, sh.End, ok, who, start, end)
		}
		if from := shiftAt(t, shifts, x); from.User != sh.User || !from.Start.Equal(sh.Start) || !from.End.Equal(sh.End) {
			t.Fatalf("at %s Shifts says %q %s–%s, OnCall says %q %s–%s", x, from.User, from.Start, from.End, sh.User, sh.Start, sh.End)
		}
	}
	// Every shift is exactly one turn and every boundary is Monday 09:00 in
	// New York, whatever the UTC offset.
	for _, sh := range shifts {
		for _, b := range []time.Time{sh.Start, sh.End} {
			if l := b.In(ny); l.Weekday() != time.Monday || l.Hour() != 9 || l.Minute() != 0 || l.Second() != 0 {
				t.Fatalf("shift boundary %s is %s in New York; want Monday 09:00", b, l.Format("Mon 15:04:05 MST"))
			}
		}
	}
	// Handoffs happen exactly at the Mondays 09:00, every week.
	hs := handoffsOver(t, s, spanFrom, spanTo)
	mondays := 0
	for d := spanFrom; d.Before(spanTo); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Monday {
			mondays++
		}
	}
	if len(hs) != mondays {
		t.Fatalf("%d handoffs in 2026–2027; want one per Monday, %d", len(hs), mondays)
	}
	for _, h := range hs {
		if l := h.At.In(ny); l.Weekday() != time.Monday || l.Hour() != 9 || l.Minute() != 0 {
			t.Fatalf("handoff at %s (%s New York); want Monday 09:00", h.At, l.Format("Mon 15:04 MST"))
		}
		if h.Outgoing.User == h.Incoming.User || !h.Outgoing.End.Equal(h.At) || !h.Incoming.Start.Equal(h.At) {
			t.Fatalf("handoff %+v: want different people meeting at At", h)
		}
	}
}

// TestO2_SecondaryOnlyUSBusinessHours: the secondary has someone exactly on
// weekdays 09:00–17:00 New York time, the person of the week, and hands off
// only on Mondays 09:00 (the Friday-evening gap is not a handoff).
func TestO2_SecondaryOnlyUSBusinessHours(t *testing.T) {
	s := secondary()
	naive := walkTurns(ny, 2026, time.January, 5, 7, 9, 0, []string{"b", "c", "a"}, spanFrom, spanTo)

	// Hand-written: secondary turns are b, c, a from the anchor, so the week
	// of 2026-03-02 (week 8) is a's, of 2026-03-09 (first Monday of EDT) b's
	// and of 2026-11-02 (week 43, first Monday of EST) c's.
	for _, c := range []struct {
		at   time.Time
		want string // "" = nobody
	}{
		{local(ny, 2026, time.March, 6, 16, 59), "a"},
		{local(ny, 2026, time.March, 6, 17, 0), ""},  // Friday 17:00
		{local(ny, 2026, time.March, 7, 12, 0), ""},  // Saturday
		{local(ny, 2026, time.March, 8, 3, 30), ""},  // Sunday, just after the clocks jumped
		{local(ny, 2026, time.March, 9, 8, 59), ""},  // Monday 08:59
		{local(ny, 2026, time.March, 9, 9, 0), "b"},  // Monday 09:00
		{local(ny, 2026, time.March, 10, 8, 59), ""}, // Tuesday before hours
		{local(ny, 2026, time.March, 10, 12, 0), "b"},
		{local(ny, 2026, time.November, 2, 8, 59), ""}, // first Monday of EST
		{local(ny, 2026, time.November, 2, 9, 0), "c"},
		{local(ny, 2026, time.November, 6, 17, 0), ""},
	} {
		sh, ok := rotation.OnCall(s, c.at)
		if sh.User != c.want || ok != (c.want != "") {
			t.Errorf("OnCall(%s) = %q (%v); want %q", c.at.Format(time.RFC3339), sh.User, ok, c.want)
		}
	}
	gap, _ := rotation.OnCall(s, local(ny, 2026, time.March, 7, 12, 0))
	if !gap.IsGap() || !gap.Start.Equal(local(ny, 2026, time.March, 6, 17, 0)) || !gap.End.Equal(local(ny, 2026, time.March, 9, 9, 0)) {
		t.Errorf("weekend gap = %+v; want nobody from Friday 17:00 to Monday 09:00", gap)
	}

	shifts := shiftsOver(t, s, spanFrom, spanTo)
	checkTimeline(t, shifts)
	for _, x := range every(spanFrom, spanTo, 15*time.Minute) {
		sh, ok := rotation.OnCall(s, x)
		want := ""
		if inBusinessHours(x) {
			want, _, _ = naive.at(x)
		}
		if sh.User != want || ok != (want != "") {
			t.Fatalf("OnCall(%s = %s New York) = %q; want %q", x, x.In(ny).Format("Mon 15:04"), sh.User, want)
		}
		if from := shiftAt(t, shifts, x); from.User != sh.User || !from.Start.Equal(sh.Start) || !from.End.Equal(sh.End) {
			t.Fatalf("at %s Shifts says %q %s–%s, OnCall says %q %s–%s", x, from.User, from.Start, from.End, sh.User, sh.Start, sh.End)
		}
	}
	for _, h := range handoffsOver(t, s, spanFrom, spanTo) {
		if l := h.At.In(ny); l.Weekday() != time.Monday || l.Hour() != 9 || l.Minute() != 0 {
			t.Fatalf("secondary hands off at %s New York; want Mondays 09:00 only", l.Format("Mon 15:04 MST"))
		}
		if l := h.Outgoing.End.In(ny); l.Weekday() != time.Friday || l.Hour() != 17 {
			t.Fatalf("outgoing secondary shift ends %s New York; want Friday 17:00", l.Format("Mon 15:04"))
		}
	}
}

// TestO3_HandoffMonday0900NewYorkAcrossDST pins the handoff instants by hand:
// 09:00 New York is 14:00Z in EST and 13:00Z in EDT, including the Mondays
// right after each 2026/2027 change.
func TestO3_HandoffMonday0900NewYorkAcrossDST(t *testing.T) {
	for _, c := range []struct {
		name          string
		at            string
		outgoing, inc string
	}{
		{"week before the anchor (EST)", "2025-12-29T14:00Z", "b", "c"},
		{"anchor (EST)", "2026-01-05T14:00Z", "c", "a"},
		{"last EST Monday of winter 2026", "2026-03-02T14:00Z", "b", "c"},
		{"Monday after 2026-03-08 spring forward (EDT)", "2026-03-09T13:00Z", "c", "a"},
		{"last EDT Monday of 2026", "2026-10-26T13:00Z", "c", "a"},
		{"Monday after 2026-11-01 fall back (EST)", "2026-11-02T14:00Z", "a", "b"},
		{"last EST Monday of winter 2027", "2027-03-08T14:00Z", "a", "b"},
		{"Monday after 2027-03-14 spring forward (EDT)", "2027-03-15T13:00Z", "b", "c"},
		{"last EDT Monday of 2027", "2027-11-01T13:00Z", "b", "c"},
		{"Monday after 2027-11-07 fall back (EST)", "2027-11-08T14:00Z", "c", "a"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := primary()
			h := at(t, c.at)
			before, _ := rotation.OnCall(s, h.Add(-time.Nanosecond))
			after, _ := rotation.OnCall(s, h)
			if before.User != c.outgoing || !before.End.Equal(h) {
				t.Errorf("just before %s: %q until %s; want %q until then", c.at, before.User, before.End, c.outgoing)
			}
			if after.User != c.inc || !after.Start.Equal(h) {
				t.Errorf("at %s: %q from %s; want %q from then", c.at, after.User, after.Start, c.inc)
			}
			hs, err := rotation.Handoffs(s, h.Add(-time.Hour), h.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) != 1 || !hs[0].At.Equal(h) || hs[0].Outgoing.User != c.outgoing || hs[0].Incoming.User != c.inc {
				t.Errorf("Handoffs around %s = %+v; want one, %s to %s", c.at, hs, c.outgoing, c.inc)
			}
		})
	}
	// The turns spanning a change are an hour short or long: calendar weeks, not 168 hours.
	spring, _ := rotation.OnCall(primary(), at(t, "2026-03-08T12:00Z"))
	fall, _ := rotation.OnCall(primary(), at(t, "2026-11-01T12:00Z"))
	if d := spring.End.Sub(spring.Start); d != 167*time.Hour {
		t.Errorf("the turn across spring forward lasts %s; want 167h", d)
	}
	if d := fall.End.Sub(fall.Start); d != 169*time.Hour {
		t.Errorf("the turn across fall back lasts %s; want 169h", d)
	}
}

// handoffsOver pages Handoffs a year at a time.
func handoffsOver(t *testing.T, s rotation.Schedule, from, to time.Time) []rotation.Handoff {
	t.Helper()
	var out []rotation.Handoff
	for p := from; p.Before(to); p = p.AddDate(1, 0, 0) {
		end := p.AddDate(1, 0, 0)
		if end.After(to) {
			end = to
		}
		hs, err := rotation.Handoffs(s, p, end)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, hs...)
	}
	return out
}

// TestO3_AnyWeekPastOrFuture: the anchor fixes who is on call in every week,
// decades before or after it, computed here from calendar-day differences.
func TestO3_AnyWeekPastOrFuture(t *testing.T) {
	s := primary()
	ps := []string{"a", "b", "c"}
	for _, monday := range []time.Time{
		time.Date(1999, time.March, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, time.November, 3, 0, 0, 0, 0, time.UTC),
		time.Date(2061, time.March, 14, 0, 0, 0, 0, time.UTC),
		time.Date(2099, time.November, 2, 0, 0, 0, 0, time.UTC),
	} {
		if monday.Weekday() != time.Monday {
			t.Fatalf("%s is not a Monday", monday)
		}
		weeks := int(monday.Sub(time.Date(2026, time.January, 5, 0, 0, 0, 0, time.UTC)).Hours()) / 24 / 7
		want := ps[((weeks%3)+3)%3]
		prev := ps[((weeks%3)+2)%3]
		handoff := local(ny, monday.Year(), monday.Month(), monday.Day(), 9, 0)
		sh, _ := rotation.OnCall(s, handoff)
		before, _ := rotation.OnCall(s, handoff.Add(-time.Minute))
		if sh.User != want || !sh.Start.Equal(handoff) || before.User != prev {
			t.Errorf("week of %s: %q from %s (before: %q); want %q from %s (before: %q)",
				monday.Format("2006-01-02"), sh.User, sh.Start, before.User, want, handoff, prev)
		}
	}
}
