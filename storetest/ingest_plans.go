package storetest

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
)

// The alert listing filters by integration, status or incident, newest
// first with a keyset cursor on the ID (AlertService.Alerts): each filter
// has an index that leads with it and ends with the ID, so that a page of
// a rare integration's or status's alerts reads a few rows rather than the
// table. Checked with each database's EXPLAIN on a table where the filter
// is selective, after ANALYZE, as PostgreSQL plans by statistics.
func testAlertListPlans(e *env) {
	db, ok := e.st.(interface{ DB() *sql.DB })
	if !ok {
		e.t.Skip("the store does not expose its database")
	}
	in := e.prom()
	rare, _ := e.newIntegration(arqir.KindGeneric, "rare", "")
	bulk := make([]arqir.AlertEvent, 1000)
	resolved := make([]arqir.AlertEvent, 990)
	for i := range bulk {
		bulk[i] = firing(fmt.Sprint("bulk-", i), "alertname", "Bulk")
		if i < len(resolved) {
			resolved[i] = resolvedEvent(bulk[i].DedupKey)
		}
	}
	e.ingest(in, "", bulk...)
	e.ingest(in, "", resolved...)
	res := e.ingest(rare, "", firing("rare-1", "alertname", "Rare"), firing("rare-2", "alertname", "Rare"))
	inc := e.incidentOf(res.Alerts[0])
	if _, err := db.DB().ExecContext(e.ctx, "ANALYZE alerts"); err != nil {
		e.t.Fatal(err)
	}
	for _, tc := range []struct{ where, index string }{
		{fmt.Sprintf("integration_id = %d", rare.ID), "alerts_integration"},
		{fmt.Sprintf("integration_id = %d AND id < %d", rare.ID, res.Alerts[1].ID), "alerts_integration"},
		{"status = 'firing'", "alerts_status"},
		{fmt.Sprintf("status = 'firing' AND id < %d", res.Alerts[1].ID), "alerts_status"},
		{fmt.Sprintf("incident_id = %d", inc), "alerts_incident"},
	} {
		query := "SELECT * FROM alerts WHERE " + tc.where + " ORDER BY id DESC LIMIT 51"
		if plan := explain(e, db.DB(), query); !strings.Contains(plan, tc.index) {
			e.t.Errorf("%s\nis planned without %s:\n%s", query, tc.index, plan)
		}
	}
}

// explain returns the plan of query: SQLite's EXPLAIN QUERY PLAN, else
// PostgreSQL's EXPLAIN, one line per row.
func explain(e *env, db *sql.DB, query string) string {
	e.t.Helper()
	rows, err := db.QueryContext(e.ctx, "EXPLAIN QUERY PLAN "+query)
	if err != nil {
		if rows, err = db.QueryContext(e.ctx, "EXPLAIN "+query); err != nil {
			e.t.Fatalf("explain %s: %v", query, err)
		}
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		e.t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			e.t.Fatal(err)
		}
		lines = append(lines, strings.TrimSpace(fmt.Sprint(vals...)))
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
