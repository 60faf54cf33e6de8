package kpi

import (
	"fmt"
	"math"
	"strconv"
)

// FormatValue writes a value of the unit as people read it: a time as
// FormatDuration, a rate as FormatPercent.
func FormatValue(unit string, v float64) string {
	switch unit {
	case UnitSeconds:
		return FormatDuration(v)
	case UnitPercent:
		return FormatPercent(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// FormatPercent writes a rate with one decimal: "85.0%".
func FormatPercent(v float64) string { return fmt.Sprintf("%.1f%%", v) }

// FormatDuration writes seconds in the two largest units that matter:
// "45s", "22m30s", "1h5m", "3d4h". Under an hour it is exact to the
// second; under a day to the minute; beyond to the hour, because a mean
// time between failures of "31d2h" is read to the hour, not the second.
func FormatDuration(seconds float64) string {
	if seconds < 0 {
		return "-" + FormatDuration(-seconds)
	}
	if seconds > 0 && seconds < 0.5 {
		return "<1s"
	}
	s := int64(math.Round(seconds))
	if s < 3600 {
		return units(s/60, "m", s%60, "s")
	}
	if m := (s + 30) / 60; m < 24*60 {
		return units(m/60, "h", m%60, "m")
	}
	h := (s + 1800) / 3600
	return units(h/24, "d", h%24, "h")
}

// units writes "1h5m", leaving out a zero part (but writing "0s" for nothing).
func units(big int64, bigUnit string, small int64, smallUnit string) string {
	switch {
	case big == 0:
		return strconv.FormatInt(small, 10) + smallUnit
	case small == 0:
		return strconv.FormatInt(big, 10) + bigUnit
	}
	return strconv.FormatInt(big, 10) + bigUnit + strconv.FormatInt(small, 10) + smallUnit
}

// FormatTarget writes a target as the policy states it: "< 30m", "> 80%".
func FormatTarget(unit, comparison string, target float64) string {
	v := FormatValue(unit, target)
	if unit == UnitPercent {
		v = strconv.FormatFloat(target, 'f', -1, 64) + "%"
	}
	if comparison == "" {
		return v
	}
	return comparison + " " + v
}
