package rotation

import (
	"time"

	"github.com/arqir/arqir"
)

// MaxRange is the longest range Shifts and Handoffs answer in one call;
// callers page through longer spans so one request cannot ask for centuries.
const MaxRange = 366 * 24 * time.Hour

// Horizon is how far beyond the asked instant or range a shift's real start
// and end are searched; a shift running longer (one person on call for over
// a year) is reported clipped there.
const Horizon = MaxRange

// Handoff is an instant at which the person on call changes, for the
// handoff report (O5). Gaps in between do not count as a person: the
// secondary's Friday 17:00 to Monday 09:00 gap is one handoff on Monday
// from last week's person to this week's.
type Handoff struct {
	// At is when Incoming starts.
	At time.Time
	// Outgoing is the last shift with someone on call before At; it ended
	// before At if a gap came between, and its User is "" if nobody was on
	// call within Horizon.
	Outgoing Shift
	// Incoming is the shift starting at At.
	Incoming Shift
}

// OnCall returns the shift in effect at t and whether someone is on call; in
// a gap the shift has an empty User and says how long the gap lasts. It
// expects a schedule that passed Validate; an invalid one still answers,
// treating broken layers as empty.
func OnCall(s Schedule, t time.Time) (Shift, bool) {
	var sh Shift
	s.prepare().timeline(t, t.Add(time.Nanosecond), func(x Shift) bool { sh = x; return false })
	return sh, !sh.IsGap()
}

// Shifts returns the shifts covering [from, to) in time order, gaps included
// as shifts with an empty User, so consecutive shifts always meet and belong
// to different users. The first may start before from and the last end
// after to. It returns EINVALID for an empty range or one over MaxRange, and
// Validate's errors for an invalid schedule.
func Shifts(s Schedule, from, to time.Time) ([]Shift, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var out []Shift
	s.prepare().timeline(from, to, func(sh Shift) bool {
		out = append(out, sh)
		return true
	})
	return out, nil
}

// NextShifts returns up to n shifts of user that end after `after`, in time
// order, the one in progress first; it looks Horizon ahead. It expects a
// schedule that passed Validate.
func NextShifts(s Schedule, user string, after time.Time, n int) []Shift {
	if n <= 0 || user == "" {
		return nil
	}
	var out []Shift
	s.prepare().timeline(after, after.Add(Horizon), func(sh Shift) bool {
		if sh.User == user {
			out = append(out, sh)
		}
		return len(out) < n
	})
	return out
}

// Handoffs returns the handoffs with At in [from, to), in time order. It
// returns EINVALID for an empty range or one over MaxRange, and Validate's
// errors for an invalid schedule.
func Handoffs(s Schedule, from, to time.Time) ([]Handoff, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var out []Handoff
	var last Shift // the latest shift with someone on call
	known := false
	v := s.prepare()
	v.timeline(from, to, func(sh Shift) bool {
		if sh.IsGap() {
			return true
		}
		if !sh.Start.Before(from) && sh.Start.Before(to) {
			if !known {
				last, _ = v.personBefore(sh.Start)
			}
			if last.User != sh.User {
				out = append(out, Handoff{At: sh.Start, Outgoing: last, Incoming: sh})
			}
		}
		last, known = sh, true
		return true
	})
	return out, nil
}

// checkRange bounds the ranges callers may ask for at once.
func checkRange(from, to time.Time) error {
	if !to.After(from) {
		return arqir.FieldErrorf(arqir.EINVALID, "to", "the range ends at %s, not after its start %s: give an end after the start",
			to.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339))
	}
	if to.Sub(from) > MaxRange {
		return arqir.FieldErrorf(arqir.EINVALID, "to", "the range %s to %s is longer than 366 days: ask for at most 366 days at a time and page through longer spans",
			from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	return nil
}
