package kpi

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// sinceUnits are the units a window length may use: Go's from the hour
// down, plus the day and the week, which is how people state KPI windows.
var sinceUnits = map[string]time.Duration{
	"w": 7 * 24 * time.Hour,
	"d": 24 * time.Hour,
	"h": time.Hour,
	"m": time.Minute,
	"s": time.Second,
}

// ParseSince reads the length of a window ending now, written like a Go
// duration with days and weeks: "30d", "12w", "24h", "1w3d", "1.5d". A day
// is 24 hours and a week 7 days (UTC, no calendar arithmetic). It must be
// positive; the error says what to write instead.
func ParseSince(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("the window length is empty: write it like 30d, 12w or 24h")
	}
	rest, total := in, 0.0
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] == '.' || rest[i] >= '0' && rest[i] <= '9') {
			i++
		}
		j := i
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		unit, known := sinceUnits[rest[i:j]]
		if i == 0 || err != nil || !known {
			return 0, fmt.Errorf("%q is not a window length: write a number and a unit (w, d, h, m, s), e.g. 30d, 12w, 24h or 1w3d", in)
		}
		total += n * float64(unit)
		rest = rest[j:]
	}
	if total > math.MaxInt64 {
		return 0, fmt.Errorf("%q is too long a window: state it in days, e.g. 365d", in)
	}
	d := time.Duration(total)
	if d <= 0 {
		return 0, fmt.Errorf("%q is an empty window: give a length above zero, e.g. 30d", in)
	}
	return d, nil
}
