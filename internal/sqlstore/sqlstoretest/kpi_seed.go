package sqlstoretest

import (
	"context"
	"fmt"
	"time"

	"github.com/arqir/arqir/internal/sqlstore"
)

// KPISpan is how far back from its end SeedKPI spreads the incidents: two
// years, so that a 365-day window holds about half of them.
const KPISpan = 730 * 24 * time.Hour

// SeedKPI inserts n incidents into an empty store for the KPI benchmark,
// declared evenly over the KPISpan before end (1 000 000 incidents: one
// every 63 s, about 41 000 in 30 days, 500 000 in 365), with the mix a
// scorecard reads, by incident number i:
//
//   - severity SEV1 for i%10 = 0, SEV2 for 1–2, SEV3 for 3–5, SEV4 else;
//   - detected automatically for i%5 < 3, a false positive among those
//     for i%17 = 0; a drill for i%100 = 99;
//   - impact 1–7 min before the declaration, detection 0–2 min before;
//     resolved 10–129 min after the declaration unless i%20 = 0;
//   - service "svc-<i%20>", none for i%50 = 0;
//   - a response deadline (met for i%10 < 8, breached for 8, cancelled
//     for 9), an initial notice (met for i%4 < 3, else breached), a status
//     update for SEV1–2 (met for even i, else breached) and, once
//     resolved, an RCA deadline (met unless i%3 = 0).
//
// It runs in one transaction of seven statements, the last marking every
// day's KPI sums stale, then refreshes the planner's statistics.
func SeedKPI(ctx context.Context, s *sqlstore.Store, n int, end time.Time) error {
	db := s.DB()
	var existing int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents`).Scan(&existing); err != nil {
		return fmt.Errorf("seed: %w", err)
	} else if existing != 0 {
		return fmt.Errorf("seed: the store already holds %d incidents; seed an empty one", existing)
	}
	step := int64(KPISpan/time.Microsecond) / int64(n)
	start := end.Add(-KPISpan).UnixMicro()
	at := fmt.Sprintf("(%d + i * %d)", start, step) // declared_at of incident i, in microseconds
	resolved := "CASE WHEN i % 20 <> 0 THEN " + at + " + (10 + i % 120) * 60000000 END"
	statements := []string{
		// No placeholders: the SQL is the same text on both dialects; a
		// fresh store numbers its incidents from 1, so id = i.
		`WITH RECURSIVE seq(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM seq WHERE i < ` + fmt.Sprint(n) + `)
		INSERT INTO incidents (title, summary, severity, status, detection_kind, detection_source,
			impact_started_at, detected_at, declared_at, acknowledged_at, acknowledged_by, resolved_at,
			commander, responders, root_cause, customer_impact, false_positive, drill, policy_revision,
			checklist, version, updated_at)
		SELECT 'Seeded incident ' || i, '',
			CASE WHEN i % 10 = 0 THEN 'SEV1' WHEN i % 10 < 3 THEN 'SEV2' WHEN i % 10 < 6 THEN 'SEV3' ELSE 'SEV4' END,
			CASE WHEN i % 20 <> 0 THEN 'RESOLVED' ELSE 'INVESTIGATING' END,
			CASE WHEN i % 5 < 3 THEN 'automated' ELSE 'manual' END,
			CASE WHEN i % 5 < 3 THEN 'alertmanager:prom' ELSE 'internal_observation' END,
			` + at + ` - (1 + i % 7) * 60000000, ` + at + ` - (i % 3) * 60000000, ` + at + `,
			` + at + ` + 60000000, 'seed', ` + resolved + `,
			'', '[]', CASE WHEN i % 20 <> 0 THEN 'seeded' ELSE '' END, CASE WHEN i % 20 <> 0 THEN 'none' ELSE '' END,
			i % 5 < 3 AND i % 17 = 0, i % 100 = 99, NULL, '[]', 1, ` + at + `
		FROM seq`,
		`INSERT INTO incident_services (incident_id, service, position)
		SELECT id, 'svc-' || (id % 20), 0 FROM incidents WHERE id % 50 <> 0`,
		`INSERT INTO deadlines (incident_id, seq, kind, due_at, met_at, breached_at, cancelled_at)
		SELECT id, 0, 'response', declared_at + 300000000,
			CASE WHEN id % 10 < 8 THEN declared_at + 60000000 END,
			CASE WHEN id % 10 = 8 THEN declared_at + 300000000 END,
			CASE WHEN id % 10 = 9 THEN declared_at + 120000000 END
		FROM incidents`,
		`INSERT INTO deadlines (incident_id, seq, kind, due_at, met_at, breached_at, cancelled_at)
		SELECT id, 1, 'initial_notice', declared_at + 300000000,
			CASE WHEN id % 4 < 3 THEN declared_at + 30000000 END,
			CASE WHEN id % 4 = 3 THEN declared_at + 300000000 END, NULL
		FROM incidents`,
		`INSERT INTO deadlines (incident_id, seq, kind, due_at, met_at, breached_at, cancelled_at)
		SELECT id, 2, 'status_update', declared_at + 900000000,
			CASE WHEN id % 2 = 0 THEN declared_at + 600000000 END,
			CASE WHEN id % 2 = 1 THEN declared_at + 900000000 END, NULL
		FROM incidents WHERE severity IN ('SEV1', 'SEV2')`,
		`INSERT INTO deadlines (incident_id, seq, kind, due_at, met_at, breached_at, cancelled_at)
		SELECT id, 3, 'rca', resolved_at + 86400000000,
			CASE WHEN id % 3 <> 0 THEN resolved_at + 3600000000 END,
			CASE WHEN id % 3 = 0 THEN resolved_at + 86400000000 END, NULL
		FROM incidents WHERE resolved_at IS NOT NULL`,
		// Inserted behind the store's back: every day's KPI sums are
		// computed when a scorecard first needs them.
		`INSERT INTO kpi_stale (day)
		SELECT DISTINCT declared_at - ((declared_at % 86400000000) + 86400000000) % 86400000000 FROM incidents WHERE NOT drill`,
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
