package sqlstore_test

import (
	"context"
	"database/sql"
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

// TestClaim_ReadsEachSetFromItsIndexWithoutSorting: under a backlog the
// claim's queries (lapsed claims, due pages, other due notifications) each
// walk a partial index in order and stop at the limit. A plan that sorts
// the due backlog makes every claim cost the whole backlog (an attempt that
// ordered by priority fell from 400 to 74 notifications/s).
func TestClaim_ReadsEachSetFromItsIndexWithoutSorting(t *testing.T) {
	indexes := []string{"notifications_sending", "notifications_queued_pages", "notifications_queued"}
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "arqir.db"), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		seedBacklog(t, st)
		for i, q := range st.ClaimQueries() {
			plan := explain(t, st.DB(), "EXPLAIN QUERY PLAN "+q, 3, int64(9000000000000000), 64)
			if !strings.Contains(plan, "USING INDEX "+indexes[i]+" ") || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("claim query %d:\n%s\nplan:\n%s\nwant a range scan of %s and no sort", i, q, plan, indexes[i])
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := postgres.Open(t.Context(), schema(t, storetest.PostgresURL(t)), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		seedBacklog(t, st)
		// pgx prepares the statement once per connection, and after five
		// runs PostgreSQL may keep a generic plan, blind to now and limit:
		// that plan must not sort either.
		conn, err := st.DB().Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(t.Context(), "SET plan_cache_mode = force_generic_plan"); err != nil {
			t.Fatal(err)
		}
		for i, q := range st.ClaimQueries() {
			for _, generic := range []bool{false, true} {
				var plan string
				if generic {
					name := fmt.Sprintf("claim_%d", i)
					if _, err := conn.ExecContext(t.Context(), "PREPARE "+name+" AS "+q); err != nil {
						t.Fatal(err)
					}
					plan = explain(t, conn, "EXPLAIN EXECUTE "+name+"(9000000000000000, 64)", 0)
				} else {
					plan = explain(t, st.DB(), "EXPLAIN "+q, 0, int64(9000000000000000), 64)
				}
				if !strings.Contains(plan, "Index Scan using "+indexes[i]+" ") || strings.Contains(plan, "Sort") {
					t.Errorf("claim query %d (generic plan %v):\n%s\nplan:\n%s\nwant an index scan of %s and no sort", i, generic, q, plan, indexes[i])
				}
			}
		}
	})
}

// seedBacklog queues 20 000 due notifications of one incident, one in ten
// a page, claims 100 of them (sending rows), and analyzes the tables, as
// a database under an alert storm would have them.
func seedBacklog(t *testing.T, st *sqlstore.Store) {
	ctx := t.Context()
	rec, _, err := st.ApplyPolicy(ctx, "t", "sha256:t", []byte("t"), "t")
	if err != nil {
		t.Fatal(err)
	}
	st.SetRules(storetest.Rules(rec.Revision))
	inc, err := st.Declare(ctx, arqir.Declaration{Title: "Storm", Severity: "SEV1"}, arqir.Actor{Name: "t", Source: arqir.SourceAPI})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.DB().ExecContext(ctx, fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
		INSERT INTO notifications (incident_id, key, purpose, step, target, channel, address, recipient, message, state,
			attempts, ambiguous, not_before, expires_at, reason, provider_ref, created_at, updated_at)
		SELECT %d, 'k' || i, CASE WHEN i %% 10 = 0 THEN 'page' ELSE 'initial_notice' END, 1, 't', 'email', 'a@example.com', 'A',
			'{}', 'queued', 0, 0, 1000 + i, 9000000000000000, '', '', 1, 1 FROM n`, inc.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimNotifications(ctx, time.UnixMicro(1000+20000), time.Minute, 100); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
}

// explain returns the plan of q (its arguments: a due time after the whole
// backlog and a limit), column col of each row (SQLite's detail;
// PostgreSQL's one column is 0), one row a line.
func explain(t *testing.T, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, q string, col int, args ...any) string {
	rows, err := db.QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprint(*vals[col].(*any)))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
