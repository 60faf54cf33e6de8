package postgres_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/storetest"
)

// A burst that uses every pooled connection leaves them open, so the next
// burst reuses them instead of forking, authenticating and warming up new
// PostgreSQL backends (at 200 new incidents/s that churn took 3/4 of the
// machine's CPU).
func TestPoolKeepsABurstsConnections(t *testing.T) {
	st, err := postgres.Open(t.Context(), freshSchema(t, storetest.PostgresURL(t)), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	burst := func() {
		conns := make([]*sql.Conn, 0, db.Stats().MaxOpenConnections)
		for range cap(conns) {
			c, err := db.Conn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
	}
	burst()
	opened := db.Stats().OpenConnections
	burst()
	if s := db.Stats(); s.MaxIdleClosed > 0 || s.OpenConnections != opened {
		t.Fatalf("the pool closed %d connections for its idle limit and holds %d, had %d after the first burst", s.MaxIdleClosed, s.OpenConnections, opened)
	}
}
