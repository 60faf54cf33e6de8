package testserver

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

// Dump is the whole database as the store reads it, as indented JSON: every
// incident with its timeline, every token, every policy revision, every
// integration and every alert, every remembered ingest request key, every
// notification of the outbox, and every row of the on-call tables. A test takes one before a request that
// must be refused and checks with Unchanged that the request changed
// nothing.
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
		// OnCall is every row of the on-call tables, by table.
		OnCall map[string][]map[string]any `json:"oncall"`
		// IngestRequests are the remembered ingest request keys.
		IngestRequests []ingestRequest `json:"ingest_requests"`
		// Notifications is every row of the outbox, queued or done: a
		// refused change must not queue, claim or cancel any.
		Notifications []map[string]any `json:"notifications"`
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
	if db, ok := store.(interface{ DB() *sql.DB }); ok {
		state.OnCall = dumpTables(t, db.DB(), onCallTables)
		state.IngestRequests = dumpIngestRequests(t, db.DB())
		state.Notifications = dumpTables(t, db.DB(), pagingTables)["notifications"]
	}
	b, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return string(b)
}

// onCallTables are the tables of the on-call service (migration 00003)
// with the order that lists their rows the same way every time. They are
// read as rows because no read of the service lists them whole: a
// schedule shows the overrides that have not ended, notes and post-shift
// ticks belong to shifts, messages to their recipient.
var onCallTables = []struct{ name, order string }{
	{"users", "handle"},
	{"teams", "name"},
	{"team_members", "team, position"},
	{"contact_assignments", "role"},
	{"schedules", "name"},
	{"schedule_layers", "schedule, layer"},
	{"schedule_participants", "schedule, layer, position"},
	{"schedule_overrides", "id"},
	{"calendar_feeds", "id"},
	{"handoff_reports", "id"},
	{"handoff_notes", "id"},
	{"post_shift_ticks", "schedule, shift_start, task"},
	{"inapp_messages", "id"},
}

// pagingTables are the tables of paging (migration 00004) read as rows,
// because Notifications lists one page at most, with no cursor. No column is
// volatile: tests dispatch explicitly, so nothing claims or finishes a
// notification between two dumps.
// server_secrets is left out: it is written once at start, and a dump a
// failing test prints must not show a secret.
var pagingTables = []struct{ name, order string }{
	{"notifications", "id"},
}

// dumpTables reads every row of the tables, column by column.
func dumpTables(t testing.TB, db *sql.DB, tables []struct{ name, order string }) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for _, table := range tables {
		rows, err := db.QueryContext(context.Background(), "SELECT * FROM "+table.name+" ORDER BY "+table.order)
		if err != nil {
			t.Fatalf("dump %s: %v", table.name, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatalf("dump %s: %v", table.name, err)
		}
		list := []map[string]any{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", table.name, err)
			}
			row := map[string]any{}
			for i, c := range cols {
				if b, ok := vals[i].([]byte); ok {
					vals[i] = string(b) // TEXT may come back as bytes
				}
				row[c] = vals[i]
			}
			list = append(list, row)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", table.name, err)
		}
		rows.Close()
		out[table.name] = list
	}
	return out
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
