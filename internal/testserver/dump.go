package testserver

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

// Dump is the whole database as the store reads it, as indented JSON: every
// incident with its timeline, every token and every policy revision. A test
// takes one before a request that must be refused and checks with Unchanged
// that the request changed nothing.
//
// It leaves out when tokens were last used: authenticating records that
// (at most once a minute per token), refused request or not, by design.
func (s *Server) Dump(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	type incidentState struct {
		Incident *arqir.Incident       `json:"incident"`
		Timeline []arqir.TimelineEvent `json:"timeline"`
	}
	var state struct {
		Incidents    []incidentState       `json:"incidents"`
		Tokens       []*arqir.Token        `json:"tokens"`
		Policies     []*arqir.PolicyRecord `json:"policies"`
		ActivePolicy string                `json:"active_policy_source"`
	}
	f := arqir.IncidentFilter{Limit: 500}
	for {
		page, err := s.Store.Incidents(ctx, f)
		if err != nil {
			t.Fatalf("dump: %v", err)
		}
		for _, inc := range page.Incidents {
			tl, err := s.Store.Timeline(ctx, inc.ID)
			if err != nil {
				t.Fatalf("dump: %v", err)
			}
			state.Incidents = append(state.Incidents, incidentState{inc, tl})
		}
		if page.Next == "" {
			break
		}
		f.Cursor = page.Next
	}
	var err error
	if state.Tokens, err = s.Store.Tokens(ctx); err != nil {
		t.Fatalf("dump: %v", err)
	}
	for _, tok := range state.Tokens {
		tok.LastUsedAt = nil
	}
	if state.Policies, err = s.Store.PolicyHistory(ctx); err != nil {
		t.Fatalf("dump: %v", err)
	}
	active, err := s.Store.ActivePolicy(ctx)
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	state.ActivePolicy = string(active.Source)
	b, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return string(b)
}

// Unchanged fails the test if the database differs from the dump taken
// before, showing where the dumps part.
func (s *Server) Unchanged(t testing.TB, before string) {
	t.Helper()
	after := s.Dump(t)
	if after == before {
		return
	}
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	i := 0
	for i < len(b) && i < len(a) && b[i] == a[i] {
		i++
	}
	from := max(i-3, 0)
	t.Errorf("the database changed, from line %d of the dump:\nbefore:\n%s\nafter:\n%s",
		i+1, strings.Join(b[from:min(i+3, len(b))], "\n"), strings.Join(a[from:min(i+3, len(a))], "\n"))
}
