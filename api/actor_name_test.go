package api

import (
	"strings"
	"testing"
)

// A name a provider supplies is shown on every timeline: one line, bounded.
func TestActorNameIsCleanedAndBounded(t *testing.T) {
	cases := map[string]string{
		"Tenex Engineer":         "pagerduty:Tenex Engineer",
		"  Ada\n\tLovelace\x00 ": "pagerduty:Ada Lovelace",
		"":                       "pagerduty",
		"\n":                     "pagerduty",
		strings.Repeat("é", 100): "pagerduty:" + strings.Repeat("é", maxActorName),
	}
	for in, want := range cases {
		if got := actorName("pagerduty", in); got != want {
			t.Errorf("actorName(%q) = %q, want %q", in, got, want)
		}
	}
}
