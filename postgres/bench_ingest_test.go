package postgres_test

import (
	"testing"
	"time"

	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/storetest"
)

// BenchmarkIngest measures durable ingest (synchronous_commit as the server
// has it) with group commit; see storetest.IngestBenchmark for the cases.
func BenchmarkIngest(b *testing.B) {
	st, err := postgres.Open(b.Context(), freshSchema(b, storetest.PostgresURL(b)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.IngestBenchmark(b, st)
}
