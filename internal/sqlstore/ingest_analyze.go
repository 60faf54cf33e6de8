package sqlstore

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Statistics for a storm. PostgreSQL plans ingest's lookup of a batch's
// alerts (integration_id = ? AND dedup_key IN (…256 keys)) by the alerts
// table's statistics. A new database has none until autovacuum's first
// analyze, up to a minute after the table fills (autovacuum_naptime), and
// without them the planner takes "integration_id = ?" for selective and the
// key list for the whole table: it read every alert of the integration
// through alerts_integration for each batch (17–28 ms per lookup at 100 000
// alerts, growing with the table), while with statistics the unique
// (dedup_key, integration_id) index answers in under a millisecond. So the
// committer analyzes alerts itself while a storm grows the table from
// small: after its first 1 000 new alerts, then each time the new alerts it
// wrote have doubled. That is a dozen ANALYZEs up to 10 million alerts,
// each reading a sample (at most 30 000 rows by default) between two
// batches; past that, autovacuum keeps up on its own (it re-analyzes after
// 10% of the table changed). A failure (a role that may not analyze) is
// logged once, and ingest goes on without.

// analyzeTarget is what the committer analyzes: only the columns the
// lookup by key is planned on. The table's size is analyzed with them, and
// the other columns' statistics are autovacuum's to keep. A full ANALYZE of
// 200 000 alerts took 115–130 ms, these two columns 35 ms, and every batch
// waits for it: ANALYZE's lock conflicts with the table lock each ingest
// batch takes first.
const analyzeTarget = "alerts (dedup_key, integration_id)"

const (
	firstAnalyze   = 1000             // new alerts before the first ANALYZE
	analyzeTimeout = 30 * time.Second // bounds one ANALYZE
)

// analysis is what the committer counts towards its next ANALYZE.
type analysis struct {
	inserted int64 // new alerts this committer wrote
	next     int64 // analyze once inserted reaches it
	off      bool  // the dialect needs none, or it failed
}

// analyzeIfGrown counts a committed batch's new alerts and analyzes the
// alerts table when they reach the next threshold.
func (s *Store) analyzeIfGrown(a *analysis, inserted int) {
	if a.off || s.d.Analyze == "" || inserted == 0 {
		return
	}
	if a.next == 0 {
		a.next = firstAnalyze
	}
	a.inserted += int64(inserted)
	if a.inserted < a.next {
		return
	}
	a.next = 2 * a.inserted
	ctx, cancel := context.WithTimeout(context.Background(), analyzeTimeout)
	defer cancel()
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(s.d.Analyze, analyzeTarget)); err != nil {
		a.off = true
		slog.Default().Warn("could not analyze the alerts table; alert ingest may slow down until autovacuum does: grant the role the right to ANALYZE its tables",
			slog.String("database", s.d.Name), slog.Any("err", err))
	}
}
