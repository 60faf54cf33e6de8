package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// BenchmarkOutbox measures claiming and recording notifications, one at a
// time and in batches; see storetest.OutboxBenchmark.
func BenchmarkOutbox(b *testing.B) {
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.OutboxBenchmark(b, st)
}
