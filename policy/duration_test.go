package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/policy"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"5m", 5 * time.Minute},
		{"2h", 2 * time.Hour},
		{"90s", 90 * time.Second},
		{"1h30m", 90 * time.Minute},
		{"500ms", 500 * time.Millisecond},
		{"30d", 30 * 24 * time.Hour},
		{"1w", 7 * 24 * time.Hour},
		{"2w", 14 * 24 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{"1w1d", 8 * 24 * time.Hour},
		{"1.5d", 36 * time.Hour},
		{"0", 0},
		{"0s", 0},
		{"-5m", -5 * time.Minute},
		{"+5m", 5 * time.Minute},
	} {
		got, err := policy.ParseDuration(tc.in)
		if err != nil || got.Std() != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got.Std(), err, tc.want)
		}
	}
	for _, bad := range []string{"", "5", "m", "5 minutes", "five", "1x", "1h-5m", "d1", "1dd", "--5m"} {
		if d, err := policy.ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", bad, d.Std())
		}
	}
}

func TestDuration_StringIsShortestReadable(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{5 * time.Minute, "5m"},
		{2 * time.Hour, "2h"},
		{90 * time.Minute, "1h30m"},
		{90 * time.Second, "1m30s"},
		{1500 * time.Millisecond, "1.5s"},
		{24 * time.Hour, "1d"},
		{25 * time.Hour, "25h"},
		{30 * 24 * time.Hour, "30d"},
		{7 * 24 * time.Hour, "1w"},
		{14 * 24 * time.Hour, "2w"},
		{-5 * time.Minute, "-5m"},
	} {
		d := policy.Duration(tc.in)
		if got := d.String(); got != tc.want {
			t.Errorf("Duration(%v).String() = %q, want %q", tc.in, got, tc.want)
		}
		back, err := policy.ParseDuration(d.String())
		if err != nil || back != d {
			t.Errorf("ParseDuration(%q) = %v, %v; want it back as %v", d.String(), back.Std(), err, tc.in)
		}
	}
}

func TestDuration_Human(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{time.Minute, "1 minute"},
		{5 * time.Minute, "5 minutes"},
		{90 * time.Minute, "90 minutes"},
		{2 * time.Hour, "2 hours"},
		{24 * time.Hour, "24 hours"},
		{48 * time.Hour, "2 days"},
		{30 * 24 * time.Hour, "30 days"},
		{7 * 24 * time.Hour, "1 week"},
		{2 * time.Second, "2 seconds"},
		{0, "0 seconds"},
	} {
		if got := policy.Duration(tc.in).Human(); got != tc.want {
			t.Errorf("Duration(%v).Human() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDuration_TextRoundTrip(t *testing.T) {
	var d policy.Duration
	if err := d.UnmarshalText([]byte("1w")); err != nil || d.Std() != policy.Week {
		t.Fatalf("UnmarshalText(1w) = %v, %v", d.Std(), err)
	}
	if b, _ := d.MarshalText(); string(b) != "1w" {
		t.Errorf("MarshalText = %q, want 1w", b)
	}
	if err := d.UnmarshalText([]byte("soon")); err == nil {
		t.Error("UnmarshalText(soon) succeeded")
	}
}

func TestMonths(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  policy.Months
		human string
	}{
		{"1mo", 1, "monthly"},
		{"2mo", 2, "bi-monthly"},
		{"3mo", 3, "quarterly"},
		{"12mo", 12, "yearly"},
		{"5mo", 5, "every 5 months"},
	} {
		m, err := policy.ParseMonths(tc.in)
		if err != nil || m != tc.want || m.Human() != tc.human || m.String() != tc.in {
			t.Errorf("ParseMonths(%q) = %v (%q), %v; want %v (%q)", tc.in, m, m.Human(), err, tc.want, tc.human)
		}
	}
	for _, bad := range []string{"", "3", "3m", "quarterly", "-1mo", "1.5mo"} {
		if _, err := policy.ParseMonths(bad); err == nil {
			t.Errorf("ParseMonths(%q) succeeded", bad)
		}
	}
}

func TestClock(t *testing.T) {
	for _, tc := range []struct {
		in      string
		h, m    int
		minutes int
	}{
		{"00:00", 0, 0, 0}, {"09:00", 9, 0, 540}, {"17:30", 17, 30, 1050}, {"23:59", 23, 59, 1439},
	} {
		c, err := policy.ParseClock(tc.in)
		if err != nil || c.Hour != tc.h || c.Minute != tc.m || c.Minutes() != tc.minutes || c.String() != tc.in {
			t.Errorf("ParseClock(%q) = %+v, %v", tc.in, c, err)
		}
	}
	for _, bad := range []string{"", "9:00", "24:00", "12:60", "0900", "9am", "09:00:00"} {
		if _, err := policy.ParseClock(bad); err == nil || !strings.Contains(err.Error(), "HH:MM") {
			t.Errorf("ParseClock(%q) error = %v, want an HH:MM error", bad, err)
		}
	}
}

func TestComparison_Holds(t *testing.T) {
	for _, tc := range []struct {
		c    policy.Comparison
		v    float64
		want bool
	}{
		{policy.Above, 81, true}, {policy.Above, 80, false},
		{policy.AtLeast, 80, true}, {policy.AtLeast, 79, false},
		{policy.Below, 79, true}, {policy.Below, 80, false},
		{policy.AtMost, 80, true}, {policy.AtMost, 81, false},
		{policy.Comparison("="), 80, false},
	} {
		if got := tc.c.Holds(tc.v, 80); got != tc.want {
			t.Errorf("%v %s 80 = %v, want %v", tc.v, tc.c, got, tc.want)
		}
	}
}
