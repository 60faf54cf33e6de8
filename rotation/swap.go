package rotation

import (
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// Swap returns the two overrides that swap shifts a and b: b's user covers
// a's time in place of a's user, and a's user covers b's. Both are
// schedule-wide and replace only the named person, so they take exactly the
// time the rotation gives each of them. IDs are derived from the shifts;
// callers that keep their own ids replace them. It returns EUNPROCESSABLE
// for a gap, two shifts of the same user, or overlapping shifts.
func Swap(a, b Shift) ([]Override, error) {
	switch {
	case a.IsGap() || b.IsGap():
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "a gap has nobody to swap: pick two shifts with people on call")
	case a.User == b.User:
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "both shifts belong to %s: pick shifts of two different people", a.User)
	case a.Start.Before(b.End) && b.Start.Before(a.End):
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "the shifts of %s and %s overlap, so they cannot cover each other: pick shifts at different times", a.User, b.User)
	}
	return []Override{
		{ID: swapID(a, b.User), Start: a.Start, End: a.End, User: b.User, Replaces: a.User},
		{ID: swapID(b, a.User), Start: b.Start, End: b.End, User: a.User, Replaces: b.User},
	}, nil
}

// swapID names the override in which by covers shift sh.
func swapID(sh Shift, by string) string {
	return fmt.Sprintf("swap:%s:%s:%s", by, sh.User, sh.Start.UTC().Format(time.RFC3339))
}
