package policy

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// StringList is one string or a list of strings in YAML; "clause: S1" and
// "clause: [P1, P2]" both read, since most blocks name a single clause.
type StringList []string

func (l *StringList) decodeNode(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*l = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(StringList, 0, len(n.Content))
		for _, c := range n.Content {
			c = resolveAlias(c)
			if c.Kind != yaml.ScalarNode || isNull(c) {
				return fmt.Errorf("must be one text or a list of texts, got %s at line %d", describe(c), c.Line)
			}
			out = append(out, c.Value)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("must be one text or a list of texts, got %s", describe(n))
}

// Comparison is how a measured value is compared with a threshold or target.
type Comparison string

// The comparisons a policy may use.
const (
	Above   Comparison = ">"  // value > target, e.g. CPU > 80%
	AtLeast Comparison = ">=" // value >= target
	Below   Comparison = "<"  // value < target, e.g. MTTR < 30 minutes
	AtMost  Comparison = "<=" // value <= target
)

const comparisonsQ = `">", ">=", "<" or "<="`

// Holds reports whether value compares with target as c says, e.g. 85 > 80.
func (c Comparison) Holds(value, target float64) bool {
	switch c {
	case Above:
		return value > target
	case AtLeast:
		return value >= target
	case Below:
		return value < target
	case AtMost:
		return value <= target
	}
	return false
}

func (c *Comparison) decodeNode(n *yaml.Node) error {
	s, err := scalarText(n, `a comparison like ">"`)
	if err != nil {
		return err
	}
	switch v := Comparison(s); v {
	case Above, AtLeast, Below, AtMost:
		*c = v
		return nil
	}
	// A bare > or < in YAML starts a folded block and leaves an empty value.
	return fmt.Errorf("must be one of %s in quotes (a bare > starts a YAML block), got %q", comparisonsQ, s)
}

// Clock is a wall-clock time of day, written "09:00" (24-hour HH:MM).
type Clock struct {
	Hour   int // 0–23
	Minute int // 0–59
}

var clockRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)

// ParseClock reads a 24-hour "HH:MM" time such as "09:00" or "17:30".
func ParseClock(s string) (Clock, error) {
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return Clock{}, fmt.Errorf("must be a 24-hour time HH:MM like 09:00 or 17:30, got %q", s)
	}
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	return Clock{Hour: h, Minute: min}, nil
}

// String returns the "HH:MM" form.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// Minutes returns the minutes since midnight.
func (c Clock) Minutes() int { return c.Hour*60 + c.Minute }

// On returns the clock time on the given date in loc; rotation math goes
// through here so DST is left to the time package.
func (c Clock) On(year int, month time.Month, day int, loc *time.Location) time.Time {
	return time.Date(year, month, day, c.Hour, c.Minute, 0, 0, loc)
}

func (c *Clock) decodeNode(n *yaml.Node) error {
	s, err := scalarText(n, `a time like "09:00"`)
	if err != nil {
		return err
	}
	v, err := ParseClock(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Months is a calendar cadence in whole months, written "3mo" (quarterly).
// Reviews and drills are calendar events, so they advance with AddDate, not by
// a fixed number of hours as a Duration would.
type Months int

var monthsRE = regexp.MustCompile(`^([0-9]{1,3})mo$`)

// ParseMonths reads "1mo", "2mo", "3mo", "12mo".
func ParseMonths(s string) (Months, error) {
	m := monthsRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("must be whole months like 3mo (quarterly) or 2mo (every two months), got %q", s)
	}
	n, _ := strconv.Atoi(m[1])
	return Months(n), nil
}

// String returns the "3mo" form.
func (m Months) String() string { return strconv.Itoa(int(m)) + "mo" }

// Human returns the cadence in words: "monthly", "bi-monthly" (every two
// months), "quarterly", "yearly", or "every 5 months".
func (m Months) Human() string {
	switch m {
	case 1:
		return "monthly"
	case 2:
		return "bi-monthly"
	case 3:
		return "quarterly"
	case 6:
		return "twice a year"
	case 12:
		return "yearly"
	}
	return fmt.Sprintf("every %d months", int(m))
}

// Next returns t advanced by the cadence.
func (m Months) Next(t time.Time) time.Time { return t.AddDate(0, int(m), 0) }

func (m *Months) decodeNode(n *yaml.Node) error {
	s, err := scalarText(n, "whole months like 3mo")
	if err != nil {
		return err
	}
	v, err := ParseMonths(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Target is a KPI goal: a duration for time KPIs ("target: 30m") or a
// percentage for rates ("target: 80%").
type Target struct {
	Duration  Duration // set for time KPIs
	Percent   float64  // set for rate KPIs, 0–100
	IsPercent bool     // which of the two is set
}

// Value returns the target in the unit KPIs are measured in: seconds for
// durations, percent for rates, so Comparison.Holds can compare it.
func (t Target) Value() float64 {
	if t.IsPercent {
		return t.Percent
	}
	return t.Duration.Std().Seconds()
}

// String returns "30m" or "80%".
func (t Target) String() string {
	if t.IsPercent {
		return formatNumber(t.Percent) + "%"
	}
	return t.Duration.String()
}

func (t *Target) decodeNode(n *yaml.Node) error {
	s, err := scalarText(n, "a duration like 30m or a percentage like 80%")
	if err != nil {
		return err
	}
	num, isPct := strings.CutSuffix(s, "%")
	if isPct || n.Tag == "!!int" || n.Tag == "!!float" {
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("must be a percentage like 80%% or a duration like 30m, got %q", s)
		}
		*t = Target{Percent: f, IsPercent: true}
		return nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return fmt.Errorf("must be a duration like 30m or a percentage like 80%%, got %q", s)
	}
	*t = Target{Duration: d}
	return nil
}

// formatNumber writes 80 as "80" and 2.5 as "2.5".
func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
