package sqlstore_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// A storm on a new database: ingest analyzes the alerts table on
// PostgreSQL once it has written its first thousand new alerts, so that the
// lookup of a batch's alerts by key uses the unique (dedup_key,
// integration_id) index as the table grows further. Without statistics
// PostgreSQL read every alert of the integration through
// alerts_integration for each batch. SQLite plans the lookup well by its
// heuristics and is left unanalyzed.
func TestIngest_AlertLookupUsesTheKeyIndexAsAStormGrows(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "arqir.db"), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testAlertLookupPlan(t, st, "EXPLAIN QUERY PLAN ", "sqlite_autoindex_alerts_1")
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := postgres.Open(t.Context(), schema(t, storetest.PostgresURL(t)), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testAlertLookupPlan(t, st, "EXPLAIN ", "alerts_dedup_key_integration_id_key")
	})
}

func testAlertLookupPlan(t *testing.T, st *sqlstore.Store, explain, index string) {
	ctx := t.Context()
	in := alertIntegration(t, st)
	for r := range 2 { // 1 200 new alerts: past the first ANALYZE
		events := make([]arqir.AlertEvent, 600)
		for i := range events {
			events[i] = arqir.AlertEvent{DedupKey: fmt.Sprint("storm-", r, "-", i), Status: arqir.AlertFiring, Labels: map[string]string{"alertname": "Storm"}}
		}
		if _, err := st.Ingest(ctx, in.ID, "", events); err != nil {
			t.Fatal(err)
		}
	}
	// The next batch commits after the ANALYZE that followed the last one.
	if _, err := st.Ingest(ctx, in.ID, "", []arqir.AlertEvent{{DedupKey: "after", Status: arqir.AlertFiring}}); err != nil {
		t.Fatal(err)
	}
	var analyzed bool
	var err error
	if strings.HasPrefix(explain, "EXPLAIN QUERY PLAN") {
		err = st.DB().QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&analyzed)
		if err == nil && analyzed {
			t.Fatal("ingest analyzed the SQLite database")
		}
	} else {
		err = st.DB().QueryRowContext(ctx, `SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relid = 'alerts'::regclass`).Scan(&analyzed)
		if err == nil && !analyzed {
			t.Fatal("ingest did not analyze the alerts table after 1 200 new alerts")
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	// The storm goes on: the table grows well past the statistics.
	const alerts = 50000
	_, err = st.DB().ExecContext(ctx, fmt.Sprintf(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %d)
		INSERT INTO alerts (integration_id, dedup_key, source, status, summary, labels, annotations, links, service, severity, group_key, started_at, received_at, last_seen_at, count)
		SELECT %d, 'k' || n, 'alertmanager', 'firing', 's', '{}', '{}', '[]', 'api', 'SEV3', 'g', 0, 0, 0, 1 FROM g`, alerts, in.ID))
	if err != nil {
		t.Fatal(err)
	}
	args := []any{in.ID}
	for i := range 256 {
		args = append(args, fmt.Sprint("new-", i))
	}
	rows, err := st.DB().QueryContext(ctx, explain+st.AlertLookupQuery(256), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(plan, "\n")
	if !strings.Contains(got, index) || strings.Contains(got, "alerts_integration") {
		t.Fatalf("the lookup of 256 keys among %d alerts is planned without %s:\n%s", alerts+1201, index, got)
	}
}
