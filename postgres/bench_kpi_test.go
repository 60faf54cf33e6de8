package postgres_test

import (
	"testing"
	"time"

	"github.com/arqir/arqir/internal/sqlstore/sqlstoretest"
	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/storetest"
)

// BenchmarkKPIAggregates1M computes the KPI scorecard over 1 000 000
// incidents spread over two years (issue 6: under a second per window).
// Seeding takes a while; it happens once per run of this benchmark.
func BenchmarkKPIAggregates1M(b *testing.B) {
	st, err := postgres.Open(b.Context(), freshSchema(b, storetest.PostgresURL(b)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	end := storetest.Start
	if err := sqlstoretest.SeedKPI(b.Context(), st, 1_000_000, end); err != nil {
		b.Fatal(err)
	}
	// What autovacuum does soon after a bulk load on a live database: the
	// visibility map lets the window be read from the index alone.
	for _, table := range []string{"incidents", "incident_services", "deadlines"} {
		if _, err := st.DB().ExecContext(b.Context(), "VACUUM ANALYZE "+table); err != nil {
			b.Fatal(err)
		}
	}
	// An incident of that day changed, as the store marks it.
	touch := func(day time.Time) error {
		_, err := st.DB().ExecContext(b.Context(), `INSERT INTO kpi_stale (day) VALUES ($1) ON CONFLICT (day) DO NOTHING`, day.UnixMicro())
		return err
	}
	storetest.KPIBenchmark(b, st, end, touch)
}
