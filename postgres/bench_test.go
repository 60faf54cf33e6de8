package postgres_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/internal/sqlstore/sqlstoretest"
	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/storetest"
)

// seeded is the 100 000-incident schema, built once per process: seeding
// costs far more than a benchmark run. TestMain drops it.
var seeded struct {
	once   sync.Once
	base   string
	schema string
	st     *sqlstore.Store
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.st != nil {
		seeded.st.Close()
	}
	if seeded.schema != "" {
		dropSchema(context.Background(), seeded.base, seeded.schema)
	}
	os.Exit(code)
}

func seededStore(b *testing.B) *sqlstore.Store {
	base := storetest.PostgresURL(b)
	seeded.once.Do(func() {
		ctx := context.Background()
		seeded.base = base
		var u string
		if u, seeded.schema, seeded.err = createSchema(ctx, base); seeded.err != nil {
			return
		}
		if seeded.st, seeded.err = postgres.Open(ctx, u, time.Now); seeded.err == nil {
			seeded.err = sqlstoretest.Seed(ctx, seeded.st, 100_000, storetest.Start)
		}
	})
	if seeded.err != nil {
		b.Fatal(seeded.err)
	}
	return seeded.st
}

func BenchmarkIncidentsList100k(b *testing.B) {
	storetest.ListBenchmark(b, seededStore(b))
}

func BenchmarkDeclareAckResolve(b *testing.B) {
	st, err := postgres.Open(b.Context(), freshSchema(b, storetest.PostgresURL(b)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.LifecycleBenchmark(b, st)
}

func BenchmarkSweep100Due(b *testing.B) {
	st, err := postgres.Open(b.Context(), freshSchema(b, storetest.PostgresURL(b)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.SweepBenchmark(b, st, 100)
}

// BenchmarkSweep1000Due is a burst: 1 000 deadlines due in one tick.
func BenchmarkSweep1000Due(b *testing.B) {
	st, err := postgres.Open(b.Context(), freshSchema(b, storetest.PostgresURL(b)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.SweepBenchmark(b, st, 1000)
}
