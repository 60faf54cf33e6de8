package sqlstore_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
)

// TestIngest_RequestKeyLookupUsesThePrimaryKey: the request keys table
// grows with every request, so its statistics lag behind a storm. The
// lookup's text names only the primary key, so that planned with its
// values (TestIngest_RequestKeyLookupIsNeverAPreparedStatement) it goes
// through that key, not the expiry index nor a scan of the table, when
// the table has grown 70-fold since it was analyzed.
func TestIngest_RequestKeyLookupUsesThePrimaryKey(t *testing.T) {
	st := openPostgres(t)
	ctx := t.Context()
	in := alertIntegration(t, st)
	seed := func(from, to int) {
		_, err := st.DB().ExecContext(ctx, fmt.Sprintf(`INSERT INTO ingest_requests (integration_id, request_key, result, received_at, expires_at)
			SELECT %d, 'req-' || n, '{}', 0, 9000000000000000 + n FROM generate_series(%d, %d) n`, in.ID, from, to))
		if err != nil {
			t.Fatal(err)
		}
	}
	seed(1, 700)
	if _, err := st.DB().ExecContext(ctx, "ANALYZE ingest_requests"); err != nil {
		t.Fatal(err)
	}
	seed(701, 50000)
	const keys = 32
	args := []any{in.ID}
	for i := range keys {
		args = append(args, fmt.Sprint("new-", i))
	}
	rows, err := st.DB().QueryContext(ctx, "EXPLAIN "+st.RequestKeyLookupQuery(keys), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(plan, "\n")
	if !strings.Contains(got, "ingest_requests_pkey") || strings.Contains(got, "ingest_requests_expires") || strings.Contains(got, "Seq Scan") {
		t.Fatalf("the request key lookup:\n%s\nwant the primary key ingest_requests_pkey only", got)
	}
}

// TestIngest_RequestKeyLookupIsNeverAPreparedStatement: the lookup of a
// batch's request keys is planned with its values every time, as an
// unnamed statement, never prepared and kept on the committer's
// connection: a kept statement gets a generic plan after five runs, made
// from the statistics of the moment (a table of a few hundred keys), and
// kept while the table grows with every request. Seen from the committer's
// own connection (pg_prepared_statements is per session), during its
// sixth batch.
func TestIngest_RequestKeyLookupIsNeverAPreparedStatement(t *testing.T) {
	st := openPostgres(t)
	ctx := t.Context()
	in := alertIntegration(t, st)
	var prepared []string
	var inspect bool
	defer sqlstore.SetWriteFault(func(tx *sql.Tx, _ [][]string) error {
		if !inspect {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%FROM ingest_requests WHERE%' AND statement NOT LIKE '%pg_prepared_statements%'`)
		if prepared, err = scanStrings(rows, err); err != nil {
			t.Error(err)
		}
		return nil
	})()
	for i := range 6 {
		inspect = i == 5
		if _, err := st.Ingest(ctx, in.ID, fmt.Sprint("request-", i), []arqir.AlertEvent{{DedupKey: fmt.Sprint("a", i), Status: arqir.AlertFiring, Labels: map[string]string{"alertname": "A"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if len(prepared) > 0 {
		t.Fatalf("the request key lookup is a prepared statement on the committer's connection: %q; want it planned with its values each time", prepared)
	}
}

func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
