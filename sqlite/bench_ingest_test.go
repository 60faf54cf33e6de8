package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// BenchmarkIngest measures durable ingest (WAL, synchronous=FULL) with
// group commit; see storetest.IngestBenchmark for the cases.
func BenchmarkIngest(b *testing.B) {
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.IngestBenchmark(b, st)
}
