package rotation

import (
	"testing"
	"time"
)

// TestDate_DayNumbersMatchTimePackage checks the day-number arithmetic the
// rotation math rests on against the time package, day by day from 1600 to
// 2400 (leap centuries included), weekdays too.
func TestDate_DayNumbersMatchTimePackage(t *testing.T) {
	for d := time.Date(1600, time.January, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2400; d = d.AddDate(0, 0, 1) {
		date := DateOf(d)
		want := d.Unix() / 86400 // exact at UTC midnight; Unix seconds, as 800 years overflow a Duration
		if got := date.days(); got != want {
			t.Fatalf("%s.days() = %d; want %d", date, got, want)
		}
		if back := dateOfDays(want); back != date {
			t.Fatalf("dateOfDays(%d) = %s; want %s", want, back, date)
		}
		if date.Weekday() != d.Weekday() || !date.valid() {
			t.Fatalf("%s: weekday %s valid %v; want %s, true", date, date.Weekday(), date.valid(), d.Weekday())
		}
	}
}
