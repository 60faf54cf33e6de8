package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestIngest_RequestKeyLookupUsesThePrimaryKey: the request keys table
// grows with every request, so its statistics lag behind a storm. Planned
// with its values, as ingest runs it, the lookup of a batch's keys must go
// through the primary key, not the expiry index nor a scan of the table,
// when the table has grown 70-fold since it was analyzed.
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
