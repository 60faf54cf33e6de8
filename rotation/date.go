package rotation

import (
	"fmt"
	"time"
)

// Clock is a wall-clock time of day in a schedule's zone, e.g. 09:00.
type Clock struct {
	Hour   int // 0–23 (24 only as Restriction.To, meaning the end of the day)
	Minute int // 0–59
}

// EndOfDay is the Clock 24:00, accepted only as Restriction.To, so that a
// window can cover the whole of its day.
var EndOfDay = Clock{Hour: 24}

// String returns the "HH:MM" form.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// minutes returns the minutes since local midnight.
func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// valid reports whether c is a time of day 00:00–23:59.
func (c Clock) valid() bool {
	return c.Hour >= 0 && c.Hour <= 23 && c.Minute >= 0 && c.Minute <= 59
}

// Date is a calendar date in a schedule's zone (no time, no zone of its own).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in t's own location; convert t with
// In(zone) first to get the date in a schedule's zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String returns the ISO 8601 form, e.g. 2026-01-05.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero Date, which Layer.Anchor reads as
// "use the default anchor".
func (d Date) IsZero() bool { return d == Date{} }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.days()) }

// valid reports whether d names a real date (not February 30).
func (d Date) valid() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && dateOfDays(d.days()) == d
}

// days returns the number of days from 1970-01-01 to d in the proleptic
// Gregorian calendar; rotation math is arithmetic on these day numbers.
// The algorithm is Howard Hinnant's days_from_civil.
func (d Date) days() int64 {
	y, m := int64(d.Year), int64(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOfDays is the inverse of Date.days (Hinnant's civil_from_days).
func dateOfDays(z int64) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{Year: int(y), Month: time.Month(m), Day: int(d)}
}

// weekdayOf returns the weekday of day number n; 1970-01-01 was a Thursday.
func weekdayOf(n int64) time.Weekday { return time.Weekday(floorMod(n+4, 7)) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
