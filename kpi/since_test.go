package kpi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir/kpi"
)

func TestParseSince(t *testing.T) {
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{
		"30d":   30 * day,
		"12w":   84 * day,
		"24h":   24 * time.Hour,
		"1w3d":  10 * day,
		"1.5d":  36 * time.Hour,
		"90m":   90 * time.Minute,
		"1h30m": 90 * time.Minute,
		"45s":   45 * time.Second,
		" 7d ":  7 * day,
		"365d":  365 * day,
	} {
		got, err := kpi.ParseSince(in)
		if err != nil || got != want {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"":           "empty",
		"30":         "is not a window length",
		"30D":        "is not a window length",
		"-30d":       "is not a window length",
		"d":          "is not a window length",
		"30days":     "is not a window length",
		"1.2.3d":     "is not a window length",
		"30d ago":    "is not a window length",
		"3mo":        "is not a window length",
		"0d":         "empty window",
		"0h0m":       "empty window",
		"999999999w": "too long",
	} {
		if d, err := kpi.ParseSince(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseSince(%q) = %v, %v; want an error with %q", in, d, err, msg)
		}
	}
}
