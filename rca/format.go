package rca

import (
	"strings"
	"time"
)

// Layouts of times in the documents; every time is shown in UTC, so all
// readers see the same clock.
const (
	minuteLayout = "2006-01-02 15:04 UTC"
	secondLayout = "2006-01-02 15:04:05"
	dayLayout    = "2006-01-02"
)

// at writes an instant to the minute, in UTC.
func at(t time.Time) string { return t.UTC().Format(minuteLayout) }

// human writes a duration for people: to the second under an hour (a
// time to know of 3m30s is not 4m), to the minute above ("1h23m", "26h");
// a negative one reads 0s.
func human(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	unit := time.Minute
	if d < time.Hour {
		unit = time.Second
	}
	s := d.Round(unit).String() // "3m30s", "53m0s", "1h23m0s", "1h0m0s"
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
