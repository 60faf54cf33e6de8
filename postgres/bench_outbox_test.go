package postgres_test

import (
	"testing"
	"time"

	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/storetest"
)

// BenchmarkOutbox measures claiming and recording notifications, one at a
// time and in batches; see storetest.OutboxBenchmark.
func BenchmarkOutbox(b *testing.B) {
	st, err := postgres.Open(b.Context(), freshSchema(b, storetest.PostgresURL(b)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.OutboxBenchmark(b, st)
}
