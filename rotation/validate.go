package rotation

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// maxRotationDays bounds a turn at ten years; longer is a typo, and the
// bound keeps day arithmetic far from overflow.
const maxRotationDays = 3660

// LoadZone loads an IANA time zone by name for Schedule.Zone. It returns
// EUNPROCESSABLE (field "zone") for an unknown name, an empty one, or
// "Local", whose meaning depends on the server.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "zone", "time zone %q is not an IANA zone: name one such as America/New_York", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "zone", "unknown time zone %q: name an IANA zone such as America/New_York or Europe/Berlin", name)
	}
	return loc, nil
}

// Validate reports the first problem that would make the schedule's answers
// wrong or meaningless, as an *arqir.Error with code EUNPROCESSABLE and Field
// set to the path of the offending input, e.g. "layers[1].restriction.to".
// Participants that no longer exist are the caller's to detect; see Without.
func (s Schedule) Validate() error {
	switch {
	case s.Zone == nil:
		return invalid("zone", "schedule %q has no time zone: set an IANA zone such as America/New_York", s.Name)
	case s.Zone == time.Local || s.Zone.String() == "Local":
		return invalid("zone", "schedule %q uses the server's local time zone, which changes with the machine: name an IANA zone such as America/New_York", s.Name)
	case len(s.Layers) == 0:
		return invalid("layers", "schedule %q has no layers: add a layer with at least one participant", s.Name)
	}
	names := map[string]bool{}
	for i := range s.Layers {
		l := &s.Layers[i]
		if err := l.validate(fmt.Sprintf("layers[%d]", i)); err != nil {
			return err
		}
		if names[l.Name] {
			return invalid(fmt.Sprintf("layers[%d].name", i), "layer name %q is used twice: give each layer its own name", l.Name)
		}
		names[l.Name] = true
	}
	ids := map[string]bool{}
	for i, o := range s.Overrides {
		f := fmt.Sprintf("overrides[%d]", i)
		switch {
		case o.ID == "":
			return invalid(f+".id", "override %d has no id", i)
		case ids[o.ID]:
			return invalid(f+".id", "override id %q is used twice", o.ID)
		case o.User == "":
			return invalid(f+".user", "override %q names no user to put on call", o.ID)
		case o.Start.IsZero():
			return invalid(f+".start", "override %q has no start", o.ID)
		case !o.End.After(o.Start):
			return invalid(f+".end", "override %q ends at %s, not after its start %s: give an end after the start",
				o.ID, stamp(o.End), stamp(o.Start))
		case o.Replaces == o.User:
			return invalid(f+".replaces", "override %q has %s replace themselves: name the person being covered, or leave replaces empty", o.ID, o.User)
		case o.Layer != "" && !names[o.Layer]:
			return invalid(f+".layer", "override %q names layer %q, which the schedule does not have", o.ID, o.Layer)
		}
		ids[o.ID] = true
	}
	return s.checkOverlaps()
}

// checkOverlaps rejects two overrides for the same layer and the same
// replaced person (or both for whoever is on) whose ranges overlap: nothing
// says which one should win.
func (s Schedule) checkOverlaps() error {
	idx := make([]int, len(s.Overrides))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) (string, string) { return s.Overrides[i].Layer, s.Overrides[i].Replaces }
	slices.SortFunc(idx, func(a, b int) int {
		la, ra := key(a)
		lb, rb := key(b)
		return cmp.Or(cmp.Compare(la, lb), cmp.Compare(ra, rb), s.Overrides[a].Start.Compare(s.Overrides[b].Start), cmp.Compare(a, b))
	})
	for j := 1; j < len(idx); j++ {
		// Sorted by start within a key, an overlap always shows between
		// neighbours once the longest-running earlier one is carried along.
		prev, cur := s.Overrides[idx[j-1]], s.Overrides[idx[j]]
		lp, rp := key(idx[j-1])
		lc, rc := key(idx[j])
		if lp != lc || rp != rc {
			continue
		}
		if cur.Start.Before(prev.End) {
			target := "whoever is on call"
			if rc != "" {
				target = rc
			}
			return invalid(fmt.Sprintf("overrides[%d]", idx[j]), "override %q (%s to %s) overlaps override %q (%s to %s) for %s: shorten one or remove it",
				cur.ID, stamp(cur.Start), stamp(cur.End), prev.ID, stamp(prev.Start), stamp(prev.End), target)
		}
		if prev.End.After(cur.End) {
			idx[j] = idx[j-1] // carry the one that runs longer
		}
	}
	return nil
}

// validate checks one layer; f is its field path.
func (l *Layer) validate(f string) error {
	switch {
	case l.Name == "":
		return invalid(f+".name", "a layer has no name: name it so overrides and shifts can refer to it")
	case len(l.Participants) == 0:
		return invalid(f+".participants", "layer %q has no participants: add at least one user", l.Name)
	case l.Rotation.Unit != Days && l.Rotation.Unit != Weeks:
		return invalid(f+".rotation.unit", "layer %q has a rotation unit that is neither days nor weeks", l.Name)
	case l.Rotation.Length <= 0:
		return invalid(f+".rotation.length", "layer %q has a rotation length of %d: a turn lasts at least one day or week", l.Name, l.Rotation.Length)
	case l.Rotation.days() > maxRotationDays:
		return invalid(f+".rotation.length", "layer %q has a turn of %d days: keep it at most ten years", l.Name, l.Rotation.days())
	case !l.Handoff.At.valid():
		return invalid(f+".handoff.at", "layer %q hands off at %s, which is not a time of day: use 00:00 to 23:59", l.Name, l.Handoff.At)
	case l.Rotation.Unit == Weeks && (l.Handoff.Weekday < time.Sunday || l.Handoff.Weekday > time.Saturday):
		return invalid(f+".handoff.weekday", "layer %q hands off on weekday %d, which is not a day of the week", l.Name, int(l.Handoff.Weekday))
	case !l.Anchor.IsZero() && !l.Anchor.valid():
		return invalid(f+".anchor", "layer %q is anchored on %s, which is not a date", l.Name, l.Anchor)
	case l.Rotation.Unit == Weeks && !l.Anchor.IsZero() && l.Anchor.Weekday() != l.Handoff.Weekday:
		return invalid(f+".anchor", "layer %q is anchored on %s, a %s, but hands off on %ss: anchor it on a %s",
			l.Name, l.Anchor, l.Anchor.Weekday(), l.Handoff.Weekday, l.Handoff.Weekday)
	}
	for j, p := range l.Participants {
		if p == "" {
			return invalid(fmt.Sprintf("%s.participants[%d]", f, j), "participant %d of layer %q has an empty user id", j, l.Name)
		}
	}
	if l.Restriction != nil {
		return l.Restriction.validate(f+".restriction", l.Name)
	}
	return nil
}

// validate checks a restriction; a window that covers nothing would silently
// leave the layer empty forever.
func (r *Restriction) validate(f, layer string) error {
	if len(r.Weekdays) == 0 {
		return invalid(f+".weekdays", "the restriction of layer %q lists no weekdays, so it covers nothing: list the days it covers, or drop the restriction", layer)
	}
	for j, w := range r.Weekdays {
		if w < time.Sunday || w > time.Saturday {
			return invalid(fmt.Sprintf("%s.weekdays[%d]", f, j), "the restriction of layer %q lists weekday %d, which is not a day of the week", layer, int(w))
		}
	}
	switch {
	case !r.From.valid():
		return invalid(f+".from", "the restriction of layer %q starts at %s, which is not a time of day: use 00:00 to 23:59", layer, r.From)
	case !r.To.valid() && r.To != EndOfDay:
		return invalid(f+".to", "the restriction of layer %q ends at %s, which is not a time of day: use 00:01 to 24:00", layer, r.To)
	case r.From == r.To:
		return invalid(f+".to", "the restriction of layer %q runs from %s to %s, which covers nothing: for whole days use from 00:00 to 24:00, or drop the restriction", layer, r.From, r.To)
	}
	return nil
}

func invalid(field, format string, args ...any) error {
	return arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, format, args...)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
