// Package sqlstoretest fills a store's database in bulk for benchmarks, with
// SQL both dialects accept. Only tests import it: production code declares
// incidents one by one through the store.
package sqlstoretest

import (
	"context"
	"fmt"
	"time"

	"github.com/arqir/arqir/internal/sqlstore"
)

// Seed inserts n incidents into an empty store, declared one second apart
// from start, in one transaction of three statements, then refreshes the
// planner's statistics. The incidents cycle through the four statuses
// (incident i has status i%4 in life-cycle order) and, in blocks of four,
// through SEV1–SEV4, so every status×severity pair holds n/16 of them; each
// has one service "svc-<id%20>" and a response deadline 5 min after
// declaration, met unless the incident is INVESTIGATING.
func Seed(ctx context.Context, s *sqlstore.Store, n int, start time.Time) error {
	db := s.DB()
	var existing int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents`).Scan(&existing); err != nil {
		return fmt.Errorf("seed: %w", err)
	} else if existing != 0 {
		return fmt.Errorf("seed: the store already holds %d incidents; seed an empty one", existing)
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
		`INSERT INTO deadlines (incident_id, seq, kind, due_at, met_at, breached_at)
		SELECT id, 0, 'response', declared_at + 300000000,
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
	// Only the seeded tables: a bare ANALYZE on PostgreSQL would analyze
	// every schema of the database and wait behind other sessions' locks.
	for _, table := range []string{"incidents", "incident_services", "deadlines"} {
		if _, err := db.ExecContext(ctx, `ANALYZE `+table); err != nil {
			return fmt.Errorf("seed: analyze %s: %w", table, err)
		}
	}
	return nil
}
