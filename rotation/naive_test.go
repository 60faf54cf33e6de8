package rotation_test

import (
	"sort"
	"time"
)

// This file is the independent model the brute-force tests compare against:
// it finds wall-clock instants by scanning minute by minute and walks local
// dates one at a time from the anchor, with none of the package's
// day-number arithmetic or offset reasoning.

// naiveWall returns the first minute at which loc's clock reads the given
// date and time or later, found by scanning.
func naiveWall(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	want := time.Date(y, m, d, hh, mm, 0, 0, time.UTC).Format("2006-01-02 15:04")
	// 15 hours before UTC midnight reads as the previous day in every zone.
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Add(-15 * time.Hour)
	for u.In(loc).Format("2006-01-02 15:04") < want {
		u = u.Add(time.Minute)
	}
	return u
}

// naiveTurns is a rotation laid out by walking dates: turns[i] starts at
// starts[i] and belongs to who[i].
type naiveTurns struct {
	starts []time.Time
	who    []string
}

// walkTurns walks local dates from the anchor date (y, m, d) forward and
// backward until the turns cover [from, to); every `every` days a new turn
// starts at hh:mm. Participants advance one by one going forward and back
// one by one going backward.
func walkTurns(loc *time.Location, y int, m time.Month, d int, every int, hh, mm int, participants []string, from, to time.Time) naiveTurns {
	var starts []time.Time
	var who []string
	// forward from the anchor
	date := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	p := 0
	for i := 0; ; i++ {
		if i%every == 0 {
			s := naiveWall(loc, date.Year(), date.Month(), date.Day(), hh, mm)
			starts, who = append(starts, s), append(who, participants[p])
			p = (p + 1) % len(participants)
			if s.After(to) {
				break
			}
		}
		date = date.AddDate(0, 0, 1)
	}
	// backward from the day before the anchor
	date = time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	p = 0
	for i := 1; ; i++ {
		date = date.AddDate(0, 0, -1)
		if i%every == 0 {
			p = (p + len(participants) - 1) % len(participants)
			s := naiveWall(loc, date.Year(), date.Month(), date.Day(), hh, mm)
			starts, who = append([]time.Time{s}, starts...), append([]string{participants[p]}, who...)
			if s.Before(from) {
				break
			}
		}
	}
	return naiveTurns{starts: starts, who: who}
}

// at returns who is on at t and the turn's bounds.
func (n naiveTurns) at(t time.Time) (string, time.Time, time.Time) {
	i := sort.Search(len(n.starts), func(i int) bool { return n.starts[i].After(t) }) - 1
	if i < 0 || i+1 >= len(n.starts) {
		panic("naive turns do not cover " + t.String())
	}
	return n.who[i], n.starts[i], n.starts[i+1]
}

// inBusinessHours is the secondary's restriction read literally: a weekday,
// between 09:00 and 17:00 on the New York clock.
func inBusinessHours(t time.Time) bool {
	l := t.In(ny)
	wd := l.Weekday()
	mins := l.Hour()*60 + l.Minute()
	return wd >= time.Monday && wd <= time.Friday && mins >= 9*60 && mins < 17*60
}
