package sqlite_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/internal/sqlstore/sqlstoretest"
	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// seeded is the 100 000-incident database, built once per process: seeding
// costs far more than a benchmark run.
var seeded struct {
	once sync.Once
	dir  string
	st   *sqlstore.Store
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.st != nil {
		seeded.st.Close()
	}
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

func seededStore(b *testing.B) *sqlstore.Store {
	seeded.once.Do(func() {
		if seeded.dir, seeded.err = os.MkdirTemp("", "arqir-bench-"); seeded.err != nil {
			return
		}
		seeded.st, seeded.err = sqlite.Open(b.Context(), filepath.Join(seeded.dir, "arqir.db"), time.Now)
		if seeded.err == nil {
			seeded.err = sqlstoretest.Seed(b.Context(), seeded.st, 100_000, storetest.Start)
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
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.LifecycleBenchmark(b, st)
}

func BenchmarkSweep100Due(b *testing.B) {
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.SweepBenchmark(b, st, 100)
}

// BenchmarkSweep1000Due is a burst: 1 000 deadlines due in one tick.
func BenchmarkSweep1000Due(b *testing.B) {
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.SweepBenchmark(b, st, 1000)
}
