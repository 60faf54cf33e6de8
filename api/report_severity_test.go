package api

import (
	"testing"

	"github.com/arqir/arqir"
)

// A report without severity opens at SEV3; a policy without SEV3 gives its
// routing default, else its least severe severity.
func TestD5_ReportSeverityDefault(t *testing.T) {
	sevs := func(names ...string) []arqir.SeverityRule {
		var out []arqir.SeverityRule
		for _, n := range names {
			out = append(out, arqir.SeverityRule{Name: n})
		}
		return out
	}
	for _, c := range []struct {
		rules arqir.Rules
		want  string
	}{
		{arqir.Rules{Severities: sevs("SEV1", "SEV2", "SEV3", "SEV4")}, "SEV3"},
		{arqir.Rules{Severities: sevs("P1", "P2", "P3"), Routing: arqir.RoutingRules{DefaultSeverity: "P2"}}, "P2"},
		{arqir.Rules{Severities: sevs("high", "low")}, "low"},
	} {
		if got := reportSeverity(c.rules); got != c.want {
			t.Errorf("%v: %s, want %s", c.rules.SeverityNames(), got, c.want)
		}
	}
}
