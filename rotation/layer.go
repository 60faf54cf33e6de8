package rotation

import "time"

// answer is what one level (a layer, or the whole schedule) says about an
// instant t, and the interval [from, to) around t over which it stays true.
type answer struct {
	user     string    // who is on call; "" for nobody
	turn     string    // whose rotation turn it is, even if vacant; Replaces matches this
	vacant   string    // the vacant participant whose turn left nobody on call
	layer    string    // the layer that put user on call; "" for a schedule-wide override
	override *Override // the override that put user on call, if any
	replaces string    // who the override displaced; "" if nobody was on
	from, to time.Time
}

// nobody is the answer of a level with no one on call at any time.
var nobody = answer{from: beginning, to: forever}

// at answers for layer l of schedule s at t. Turn k starts at the handoff
// time on day anchor+k·period, so the turn containing t is found from t's
// local day number and corrected by at most a step when t falls on a handoff
// day before the handoff time.
func (l *Layer) at(v *view, t time.Time) answer {
	n := int64(len(l.Participants))
	period := l.Rotation.days()
	if n == 0 || period <= 0 || !l.Handoff.At.valid() {
		return nobody // only an invalid layer; Validate reports it
	}
	at := l.Handoff.At.minutes()
	anchor := l.anchorDay()
	day := localDay(v.zone, t)
	k := floorDiv(day-anchor, period)
	start := v.walls.at(anchor+k*period, at)
	for t.Before(start) {
		k--
		start = v.walls.at(anchor+k*period, at)
	}
	end := v.walls.at(anchor+(k+1)*period, at)
	for !t.Before(end) {
		k++
		start, end = end, v.walls.at(anchor+(k+1)*period, at)
	}
	turn := l.Participants[floorMod(k, n)]
	a := answer{user: turn, turn: turn, layer: l.Name, from: start, to: end}
	if r := l.Restriction; r != nil {
		in, from, to := r.around(&v.walls, t, day)
		if !in {
			return answer{from: from, to: to}
		}
		a.from, a.to = tmax(a.from, from), tmin(a.to, to)
	}
	if v.vacant(turn) {
		a.user, a.vacant = "", turn
	}
	return a
}

// anchorDay returns the day number of the anchor date, defaulting to the
// first handoff date on or after 1970-01-01 (day 0, a Thursday).
func (l *Layer) anchorDay() int64 {
	switch {
	case !l.Anchor.IsZero():
		return l.Anchor.days()
	case l.Rotation.Unit == Weeks:
		return floorMod(int64(l.Handoff.Weekday)-4, 7)
	default:
		return 0
	}
}

// around reports whether t, on local day `day`, is inside one of r's windows
// and returns the interval around t over which that stays so: the window
// itself, or the stretch from the previous window's end to the next one's
// start. Windows are ordered and disjoint (each is shorter than the gap to
// the next day's start), so the last window starting at or before t is the
// only one that can contain it.
func (r *Restriction) around(w *walls, t time.Time, day int64) (in bool, from, to time.Time) {
	var mask uint8
	for _, wd := range r.Weekdays {
		if wd >= time.Sunday && wd <= time.Saturday {
			mask |= 1 << wd
		}
	}
	if mask == 0 {
		return false, beginning, forever
	}
	covered := func(d int64) bool { return mask&(1<<weekdayOf(d)) != 0 }
	from, to = beginning, forever
	// Scan back from the day after t's (a window can start on it only in a
	// zone whose clock jumps over midnight); a week and a day always reach a
	// covered day.
	found := false
	for d := day + 1; d >= day-8; d-- {
		if !covered(d) {
			continue
		}
		start := r.startOn(w, d)
		if t.Before(start) {
			to = start
			continue
		}
		end := r.endOn(w, d)
		if t.Before(end) {
			return true, start, end
		}
		from, found = end, true
		break
	}
	if !found {
		return false, from, to
	}
	if to.Equal(forever) {
		for d := day + 2; d <= day+9; d++ {
			if covered(d) {
				to = r.startOn(w, d)
				break
			}
		}
	}
	return false, from, to
}

// startOn returns the start of the window opening on day d.
func (r *Restriction) startOn(w *walls, d int64) time.Time {
	return w.at(d, r.From.minutes())
}

// endOn returns the end of the window opening on day d; a To at or before
// From ends the window the next day, and 24:00 is the next day's midnight.
func (r *Restriction) endOn(w *walls, d int64) time.Time {
	if r.To.minutes() <= r.From.minutes() {
		d++
	}
	return w.at(d, r.To.minutes())
}
