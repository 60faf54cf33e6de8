package rotation

import (
	"slices"
	"time"
)

// Shift is a stretch of time in which one user — or nobody, for a gap — is on
// call without interruption. Contiguous time of the same user is one shift
// even when it comes from several sources (their turn, then an override);
// Parts says which.
type Shift struct {
	// Schedule is the Schedule.Name the shift belongs to.
	Schedule string
	// User is on call; "" means nobody is (a gap).
	User string
	// Start and End bound the shift, [Start, End), in UTC.
	Start, End time.Time
	// Parts tile [Start, End) in time order, one per source.
	Parts []Part
}

// Part is the piece of a shift that comes from one source: a layer's
// rotation, an override, or (in a gap) nothing.
type Part struct {
	// Start and End bound the part, [Start, End), in UTC.
	Start, End time.Time
	// Layer names the layer that put the user on call; "" for a
	// schedule-wide override or a gap.
	Layer string
	// Override is the Override.ID that put the user on call; "" when the
	// rotation did.
	Override string
	// Replaces is, for an override part, who would otherwise have been on
	// call; "" if nobody was.
	Replaces string
	// Vacant is, for a gap part, the vacant participant (see Schedule.Vacant)
	// whose turn it was, so a store can say "gap: user X was deleted"; "" when
	// nobody was scheduled.
	Vacant string
}

// IsGap reports whether nobody is on call during the shift.
func (sh Shift) IsGap() bool { return sh.User == "" }

// HasOverride reports whether an override put the user on call for any part
// of the shift.
func (sh Shift) HasOverride() bool {
	for _, p := range sh.Parts {
		if p.Override != "" {
			return true
		}
	}
	return false
}

// part returns the Part for answer a.
func (a answer) part() Part {
	p := Part{Start: a.from, End: a.to, Layer: a.layer, Replaces: a.replaces, Vacant: a.vacant}
	if a.override != nil {
		p.Override = a.override.ID
	}
	if a.user == "" {
		p.Layer = ""
	}
	return p
}

// sameSource reports whether two adjacent parts come from the same source
// and so merge into one.
func sameSource(p, q Part) bool {
	return p.Layer == q.Layer && p.Override == q.Override && p.Replaces == q.Replaces && p.Vacant == q.Vacant
}

// shiftOf starts a shift with the single piece a.
func (v *view) shiftOf(a answer) Shift {
	return Shift{Schedule: v.Name, User: a.user, Start: a.from, End: a.to, Parts: []Part{a.part()}}
}

// appendPiece extends sh with the next piece a of the same user.
func (sh *Shift) appendPiece(a answer) {
	p := a.part()
	sh.End = p.End
	if last := &sh.Parts[len(sh.Parts)-1]; sameSource(*last, p) {
		last.End = p.End
		return
	}
	sh.Parts = append(sh.Parts, p)
}

// backward collects the pieces found while walking a shift's start back,
// latest first, so that each is added in constant time and the shift's
// parts are put together once at the end. Prepending to Parts piece by
// piece copied the whole slice every time: quadratic in the pieces, which
// for a gap through a year of restriction windows (a restricted schedule
// nobody can be on call in) was ~17 MB copied and ~12 ms per answer.
type backward struct {
	sh    *Shift
	parts []Part // earlier parts in reverse time order, before sh.Parts
}

// add extends the shift with the previous piece a of the same user.
func (b *backward) add(a answer) {
	p := a.part()
	b.sh.Start = p.Start
	first := &b.sh.Parts[0]
	if n := len(b.parts); n > 0 {
		first = &b.parts[n-1]
	}
	if sameSource(p, *first) {
		first.Start = p.Start
		return
	}
	b.parts = append(b.parts, p)
}

// done splices the collected parts in front of the shift's.
func (b *backward) done() {
	if len(b.parts) == 0 {
		return
	}
	slices.Reverse(b.parts)
	b.sh.Parts = append(b.parts, b.sh.Parts...)
	b.parts = nil
}

// clip limits sh to [from, to); used at the search horizon.
func (sh *Shift) clip(from, to time.Time) {
	if sh.Start.Before(from) {
		sh.Start, sh.Parts[0].Start = from, from
	}
	if sh.End.After(to) {
		sh.End, sh.Parts[len(sh.Parts)-1].End = to, to
	}
}

// extendBack moves sh's start back over earlier pieces of the same user, no
// further than limit.
func (v *view) extendBack(sh *Shift, limit time.Time) {
	b := backward{sh: sh}
	for sh.Start.After(limit) {
		a := v.pieceAt(sh.Start.Add(-time.Nanosecond))
		if a.user != sh.User || !a.from.Before(sh.Start) {
			break // the second test only guards against a zone so odd that no progress is made
		}
		b.add(a)
	}
	b.done()
	sh.clip(limit, forever)
}

// timeline calls yield with the shifts covering [from, to) in time order
// until yield returns false. The first and last shifts keep their real start
// and end up to Horizon beyond the range, so a shift reads the same whatever
// range it is asked through.
func (v *view) timeline(from, to time.Time, yield func(Shift) bool) {
	first, limit := from.Add(-Horizon).UTC(), to.Add(Horizon).UTC()
	a := v.pieceAt(from)
	cur := v.shiftOf(a)
	v.extendBack(&cur, first)
	for t := a.to; ; t = a.to {
		if !t.Before(limit) {
			cur.clip(first, limit)
			yield(cur)
			return
		}
		a = v.pieceAt(t)
		if !a.to.After(t) {
			a.to = limit // never loop on a piece that does not advance; cannot happen with tz data
		}
		if a.user == cur.User {
			cur.appendPiece(a)
			continue
		}
		if !yield(cur) || !t.Before(to) {
			return
		}
		cur = v.shiftOf(a)
	}
}

// personBefore returns the last shift with someone on call that ends at or
// before t, looking back at most Horizon.
func (v *view) personBefore(t time.Time) (Shift, bool) {
	limit := t.Add(-Horizon).UTC()
	for t.After(limit) {
		a := v.pieceAt(t.Add(-time.Nanosecond))
		if a.user != "" {
			sh := v.shiftOf(a)
			v.extendBack(&sh, limit)
			return sh, true
		}
		if !a.from.Before(t) {
			break // no progress: cannot happen with tz data
		}
		t = a.from
	}
	return Shift{Schedule: v.Name}, false
}
