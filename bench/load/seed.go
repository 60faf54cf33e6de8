package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// seedStore fills an empty store with n incidents in bulk, with the same
// SQL as internal/sqlstore/sqlstoretest.Seed for the store benchmarks, so
// the HTTP numbers compare with the store numbers.
//
// It is a copy rather than a call: TestLayout (layout_test.go) reserves
// internal/sqlstore and everything under it for sqlite and postgres, and a
// command importing it would break that rule. The store is reached through
// the DB method *sqlstore.Store has on both dialects. TestListSpawn seeds
// through this copy on every `go test ./...`, so a schema change that
// breaks it fails there.
//
// The incidents are declared one second apart from start, cycle through
// the four statuses (incident i has status i%4) and, in blocks of four,
// through SEV1–SEV4, so each status×severity pair holds n/16; each has the
// one service "svc-<id%20>" and a response deadline 5 min after declaration,
// met unless it is INVESTIGATING. With start = now, no deadline falls due
// during a run of a few minutes: the scheduler does not breach thousands of
// them in the middle of the measurement.
func seedStore(ctx context.Context, st arqir.Store, n int, start time.Time) error {
	raw, ok := st.(interface{ DB() *sql.DB })
	if !ok {
		return fmt.Errorf("seed: the store %T gives no access to its database", st)
	}
	db := raw.DB()
	var existing int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents`).Scan(&existing); err != nil {
		return fmt.Errorf("seed: %w", err)
	} else if existing != 0 {
		return fmt.Errorf("seed: the store already holds %d incidents; seed an empty one", existing)
	}
	// The deadlines table is gaining a position column (seq, the deadline's
	// index in the incident's list); seed both shapes.
	dlCols, dlSeq, err := deadlineColumns(ctx, db)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	at := fmt.Sprintf("(%d + i * 1000000)", start.UnixMicro()) // declared_at of incident i, in microseconds
	statements := []string{
		// No placeholders: the SQL is the same text on both dialects.
		`WITH RECURSIVE seq(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM seq WHERE i < ` + fmt.Sprint(n) + `)
		INSERT INTO incidents (title, summary, severity, status, detection_kind, detection_source,
			impact_started_at, detected_at, declared_at, acknowledged_at, acknowledged_by, resolved_at,
			commander, responders, root_cause, customer_impact, false_positive, drill, policy_revision,
			checklist, version, updated_at)
		SELECT 'Seeded incident ' || i, '',
			CASE (i / 4) % 4 WHEN 0 THEN 'SEV1' WHEN 1 THEN 'SEV2' WHEN 2 THEN 'SEV3' ELSE 'SEV4' END,
			CASE i % 4 WHEN 0 THEN 'INVESTIGATING' WHEN 1 THEN 'IDENTIFIED' WHEN 2 THEN 'MONITORING' ELSE 'RESOLVED' END,
			'manual', 'internal_observation', ` + at + `, ` + at + `, ` + at + `,
			CASE WHEN i % 4 <> 0 THEN ` + at + ` + 60000000 END,
			CASE WHEN i % 4 <> 0 THEN 'seed' ELSE '' END,
			CASE WHEN i % 4 = 3 THEN ` + at + ` + 3600000000 END,
			'', '[]',
			CASE WHEN i % 4 = 3 THEN 'seeded' ELSE '' END, CASE WHEN i % 4 = 3 THEN 'none' ELSE '' END,
			FALSE, FALSE, NULL, '[]', 1, ` + at + `
		FROM seq`,
		`INSERT INTO incident_services (incident_id, service, position)
		SELECT id, 'svc-' || (id % 20), 0 FROM incidents`,
		`INSERT INTO deadlines (incident_id, ` + dlCols + `kind, due_at, met_at, breached_at)
		SELECT id, ` + dlSeq + `'response', declared_at + 300000000,
			CASE WHEN status <> 'INVESTIGATING' THEN declared_at + 60000000 END, NULL
		FROM incidents`,
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer tx.Rollback()
	for _, stmt := range statements {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	// Only the seeded tables: a bare ANALYZE on PostgreSQL analyzes every
	// table of the database, other schemas included, and waits behind
	// their locks (tens of seconds on a server others test on).
	for _, table := range []string{"incidents", "incident_services", "deadlines"} {
		if _, err := db.ExecContext(ctx, `ANALYZE `+table); err != nil {
			return fmt.Errorf("seed: analyze %s: %w", table, err)
		}
	}
	return nil
}

// deadlineColumns returns the extra column list and values for the seq
// column of deadlines if the schema has one ("seq, " and "0, "), else "".
func deadlineColumns(ctx context.Context, db *sql.DB) (cols, vals string, err error) {
	rows, err := db.QueryContext(ctx, `SELECT * FROM deadlines WHERE 1 = 0`)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return "", "", err
	}
	if slices.Contains(names, "seq") {
		return "seq, ", "0, ", nil
	}
	return "", "", nil
}
