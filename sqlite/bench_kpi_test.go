package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/arqir/arqir/internal/sqlstore/sqlstoretest"
	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// BenchmarkKPIAggregates1M computes the KPI scorecard over 1 000 000
// incidents spread over two years (issue 6: under a second per window).
// Seeding takes a while; it happens once per run of this benchmark.
func BenchmarkKPIAggregates1M(b *testing.B) {
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	end := storetest.Start
	if err := sqlstoretest.SeedKPI(b.Context(), st, 1_000_000, end); err != nil {
		b.Fatal(err)
	}
	// An incident of that day changed, as the store marks it.
	touch := func(day time.Time) error {
		_, err := st.DB().ExecContext(b.Context(), `INSERT INTO kpi_stale (day) VALUES ($1) ON CONFLICT (day) DO NOTHING`, day.UnixMicro())
		return err
	}
	storetest.KPIBenchmark(b, st, end, touch)
}
