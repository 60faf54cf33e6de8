package rotation

import "time"

// view is a schedule prepared for answering one question (one call of
// OnCall, Shifts, ...): the zone resolved and the usable overrides' bounds
// as plain integers, because scanning a hundred overrides per piece with
// time.Time comparisons was most of OnCall's cost.
type view struct {
	*Schedule
	zone      *time.Location
	overrides []bounded
	walls     walls // wall-clock instants in zone, remembered across pieces
}

// bounded is an override's range as instants and its index in
// Schedule.Overrides (an index, not a pointer, so the slice holds no
// pointers for the garbage collector to scan).
type bounded struct {
	start, end instant
	i          int
}

// instant is a time.Time reduced to what ordering needs.
type instant struct {
	sec  int64
	nsec int32
}

func instantOf(t time.Time) instant { return instant{t.Unix(), int32(t.Nanosecond())} }

func (a instant) before(b instant) bool { return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec }

func (a instant) time() time.Time { return time.Unix(a.sec, int64(a.nsec)).UTC() }

// prepare returns the view of s for one question. Overrides that can never
// apply (no user, empty range, a vacant user) are left out here once.
func (s *Schedule) prepare() *view {
	v := &view{Schedule: s, zone: s.Zone}
	if v.zone == nil {
		v.zone = time.UTC // only an invalid schedule; Validate reports it
	}
	v.walls.zone = v.zone
	v.overrides = make([]bounded, 0, len(s.Overrides))
	for i := range s.Overrides {
		o := &s.Overrides[i]
		if o.User == "" || !o.Start.Before(o.End) || s.vacant(o.User) {
			continue
		}
		v.overrides = append(v.overrides, bounded{instantOf(o.Start), instantOf(o.End), i})
	}
	return v
}

// pieceAt answers for the whole schedule at t: the layers from the top down
// until one has someone, then the schedule-wide overrides. The returned
// interval is the intersection of every consulted level's interval, cut at
// the override boundaries nearest t, so the answer is constant over it.
func (v *view) pieceAt(t time.Time) answer {
	// One pass over the overrides, however many levels are consulted: the
	// nearest boundaries bound the piece, and only the overrides in effect
	// at t (rarely more than one or two) are looked at again.
	var buf [8]*Override
	active := buf[:0]
	ti := instantOf(t)
	from, to := instantOf(beginning), instantOf(forever)
	for i := range v.overrides {
		b := &v.overrides[i]
		switch {
		case ti.before(b.start):
			if b.start.before(to) {
				to = b.start
			}
		case !ti.before(b.end):
			if from.before(b.end) {
				from = b.end
			}
		default:
			if from.before(b.start) {
				from = b.start
			}
			if b.end.before(to) {
				to = b.end
			}
			active = append(active, &v.Overrides[b.i])
		}
	}
	base := answer{from: from.time(), to: to.time()}
	for i := len(v.Layers) - 1; i >= 0; i-- {
		l := &v.Layers[i]
		a := override(active, l.Name, l.at(v, t))
		base.from, base.to = tmax(base.from, a.from), tmin(base.to, a.to)
		if a.user != "" {
			a.from, a.to = base.from, base.to
			base = a
			break
		}
		if base.vacant == "" {
			base.vacant, base.turn = a.vacant, a.vacant
		}
	}
	return override(active, "", base)
}

// override applies the overrides in effect at the instant, among active,
// that are aimed at level (a layer name, or "" for the whole schedule) to
// that level's answer a. An override covering the whole range wins over one
// that replaces a named person; Validate keeps overrides of the same kind
// from overlapping, and if unvalidated ones do, the first listed wins.
func override(active []*Override, level string, a answer) answer {
	var whole, named *Override
	for _, o := range active {
		switch {
		case o.Layer != level:
		case o.Replaces == "" && whole == nil:
			whole = o
		case o.Replaces != "" && o.Replaces == a.turn && named == nil:
			named = o
		}
	}
	o := whole
	if o == nil {
		o = named
	}
	if o == nil {
		return a
	}
	replaces := a.user
	if o.Replaces != "" {
		replaces = o.Replaces
	}
	a.user, a.vacant, a.layer, a.override, a.replaces = o.User, "", level, o, replaces
	return a
}
