package rotation

import "time"

const secondsPerDay = 86400

// Sentinels for "no boundary": a layer with nobody in it forever. They stay
// far inside time.Time's range so that adding or subtracting a nanosecond is
// safe.
var (
	beginning = time.Date(1, time.January, 2, 0, 0, 0, 0, time.UTC)
	forever   = time.Date(9999, time.December, 30, 0, 0, 0, 0, time.UTC)
)

// offsetAt returns zone's offset from UTC, in seconds, at unix second u.
func offsetAt(zone *time.Location, u int64) int64 {
	_, off := time.Unix(u, 0).In(zone).Zone()
	return int64(off)
}

// localDay returns the day number (days since 1970-01-01) of t's date in zone.
func localDay(zone *time.Location, t time.Time) int64 {
	_, off := t.In(zone).Zone()
	return floorDiv(t.Unix()+int64(off), secondsPerDay)
}

// wallInstant returns the first instant at which zone's wall clock reads
// minute-of-day min of local day `day`, or later (see the package doc): a
// skipped time resolves to the end of the skipped stretch, a repeated one to
// its first occurrence. min may be 1440 (24:00), the next day's midnight.
//
// The offsets a day either side bracket any transition near the wanted wall
// time; tz rules never change twice within two days, which this relies on.
func wallInstant(zone *time.Location, day int64, min int) time.Time {
	wall := day*secondsPerDay + int64(min)*60 // the wall time read as if it were UTC
	before := offsetAt(zone, wall-secondsPerDay)
	after := offsetAt(zone, wall+secondsPerDay)
	if before == after {
		return time.Unix(wall-before, 0).UTC()
	}
	// Either offset may give a real reading; when both do (fall-back) the
	// earlier instant is the first occurrence, so try it first.
	first, firstOff, second, secondOff := wall-before, before, wall-after, after
	if second < first {
		first, firstOff, second, secondOff = second, secondOff, first, firstOff
	}
	if offsetAt(zone, first) == firstOff {
		return time.Unix(first, 0).UTC()
	}
	if offsetAt(zone, second) == secondOff {
		return time.Unix(second, 0).UTC()
	}
	// Neither reading exists: the clock jumps over the wanted time, and the
	// first reading at or after it is the jump itself, where the later
	// offset's period starts.
	start, _ := time.Unix(second, 0).In(zone).ZoneBounds()
	return start.UTC()
}

// wallMemoBits sizes the memory of walls: 32 entries, several times what
// one piece asks for.
const (
	wallMemoBits = 5
	wallMemoSize = 1 << wallMemoBits
)

// walls is wallInstant for one zone with a memory of recent answers. One
// question walks time forward or back piece by piece, and neighbouring
// pieces ask for the same turn starts and restriction windows again (a
// window's start ends the gap before it and then starts its own piece), so
// remembering them saves most of the zone lookups of a long walk.
type walls struct {
	zone *time.Location
	memo [wallMemoSize]wallMemo
}

// wallMemo is one remembered answer: minute min of local day `day` is the
// unix second sec. set tells a used entry from the zero one.
type wallMemo struct {
	day int64
	min int32
	set bool
	sec int64
}

// at returns wallInstant(w.zone, day, min). The entry is picked by
// Fibonacci hashing of the (day, minute) key; a different key in it is
// simply replaced.
func (w *walls) at(day int64, min int) time.Time {
	key := uint64(day)*1441 + uint64(min) // one per (day, 00:00–24:00)
	m := &w.memo[key*0x9e3779b97f4a7c15>>(64-wallMemoBits)]
	if !m.set || m.day != day || m.min != int32(min) {
		*m = wallMemo{day: day, min: int32(min), set: true, sec: wallInstant(w.zone, day, min).Unix()}
	}
	return time.Unix(m.sec, 0).UTC()
}

func tmax(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func tmin(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
