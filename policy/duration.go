package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Day and Week are the units Duration adds to time.ParseDuration.
const (
	Day  = 24 * time.Hour // the "d" unit
	Week = 7 * Day        // the "w" unit
)

// Duration is a span of time in the policy. It reads Go durations ("90s",
// "5m", "1h30m") plus days ("30d") and weeks ("1w"), because procedures speak
// in days and weeks and time.ParseDuration stops at hours.
type Duration time.Duration

// ParseDuration parses a Go duration extended with d (24h) and w (7d) units,
// e.g. "5m", "2h", "30d", "1w", "1d12h". Negative values parse, so that the
// validator can say which value was wrong instead of failing to read it.
func ParseDuration(s string) (Duration, error) {
	orig := s
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "0" {
		return 0, nil
	}
	// Split off d and w terms; hand the rest to time.ParseDuration, which
	// knows the standard units and their overflow rules.
	var total time.Duration
	var std strings.Builder
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		j := i
		for j < len(s) && !(s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		num, unit := s[:i], s[i:j]
		if num == "" || unit == "" {
			return 0, fmt.Errorf("invalid duration %q", orig)
		}
		switch unit {
		case "d", "w":
			n, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q", orig)
			}
			u := Day
			if unit == "w" {
				u = Week
			}
			if n*float64(u) > float64(1<<62) {
				return 0, fmt.Errorf("duration %q is too long", orig)
			}
			total += time.Duration(n * float64(u))
		default:
			std.WriteString(s[:j])
		}
		s = s[j:]
	}
	if std.Len() > 0 {
		d, err := time.ParseDuration(std.String())
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", orig)
		}
		total += d
	}
	if neg {
		total = -total
	}
	return Duration(total), nil
}

// Std returns the duration as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String returns the shortest readable form that ParseDuration reads back:
// "5m", "1h30m", "1d", "30d", "1w".
func (d Duration) String() string {
	if d < 0 {
		return "-" + (-d).String()
	}
	t := time.Duration(d)
	switch {
	case t == 0:
		return "0s"
	case t%Week == 0:
		return strconv.FormatInt(int64(t/Week), 10) + "w"
	case t%Day == 0:
		return strconv.FormatInt(int64(t/Day), 10) + "d"
	}
	s := t.String() // e.g. "2h0m0s": drop the zero tails Go insists on
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Human returns the duration as the procedures write it: "5 minutes",
// "2 hours", "24 hours", "30 days", "1 week".
func (d Duration) Human() string {
	if d < 0 {
		return "-" + (-d).Human()
	}
	t := time.Duration(d)
	switch {
	case t == 0:
		return "0 seconds"
	case t%Week == 0:
		return plural(int64(t/Week), "week")
	case t%Day == 0 && t >= 2*Day: // "24 hours" reads better than "1 day" for a deadline
		return plural(int64(t/Day), "day")
	case t%time.Hour == 0:
		return plural(int64(t/time.Hour), "hour")
	case t%time.Minute == 0:
		return plural(int64(t/time.Minute), "minute")
	case t%time.Second == 0:
		return plural(int64(t/time.Second), "second")
	}
	return d.String()
}

// MarshalText writes the String form, so JSON and YAML output read back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what ParseDuration reads.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func (d *Duration) decodeNode(n *yaml.Node) error {
	s, err := scalarText(n, "a duration like 5m or 2h")
	if err != nil {
		return err
	}
	v, err := ParseDuration(s)
	if err != nil {
		return fmt.Errorf("must be a duration like 5m, 2h, 30d or 1w, got %q (units: s, m, h, d, w)", s)
	}
	*d = v
	return nil
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}
