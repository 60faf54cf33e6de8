package testserver

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

// Dump is the whole database as the store reads it, as indented JSON: every
// incident with its timeline, every token, every policy revision, every
// integration and every alert. A test takes one before a request that must
// be refused and checks with Unchanged that the request changed nothing.
//
// It leaves out when tokens were last used: authenticating records that
// (at most once a minute per token), refused request or not, by design.
func (s *Server) Dump(t testing.TB) string {
	t.Helper()
	return DumpStore(t, s.Store)
}

// DumpStore is Dump of any store, for tests that run the app themselves
// (e2e).
func DumpStore(t testing.TB, store arqir.Store) string {
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
		Integrations []*arqir.Integration  `json:"integrations"`
		Alerts       []*arqir.Alert        `json:"alerts"`
	}
	f := arqir.IncidentFilter{Limit: 500}
	for {
		page, err := store.Incidents(ctx, f)
		if err != nil {
			t.Fatalf("dump: %v", err)
		}
		for _, inc := range page.Incidents {
			tl, err := store.Timeline(ctx, inc.ID)
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
	if state.Tokens, err = store.Tokens(ctx); err != nil {
		t.Fatalf("dump: %v", err)
	}
	for _, tok := range state.Tokens {
		tok.LastUsedAt = nil
	}
	if state.Policies, err = store.PolicyHistory(ctx); err != nil {
		t.Fatalf("dump: %v", err)
	}
	active, err := store.ActivePolicy(ctx)
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	state.ActivePolicy = string(active.Source)
	if state.Integrations, err = store.Integrations(ctx); err != nil {
		t.Fatalf("dump: %v", err)
	}
	af := arqir.AlertFilter{Limit: 500}
	for {
		page, err := store.Alerts(ctx, af)
		if err != nil {
			t.Fatalf("dump: %v", err)
		}
		state.Alerts = append(state.Alerts, page.Alerts...)
		if page.Next == "" {
			break
		}
		af.Cursor = page.Next
	}
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
	UnchangedStore(t, s.Store, before)
}

// UnchangedStore is Unchanged of any store.
func UnchangedStore(t testing.TB, store arqir.Store, before string) {
	t.Helper()
	after := DumpStore(t, store)
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
