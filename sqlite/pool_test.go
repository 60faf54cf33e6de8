package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/arqir/arqir/sqlite"
)

// A burst of 48 requests at once leaves its connections in the pool, so
// that the next burst reuses them instead of reopening the file, running
// the pragmas and preparing statements again.
func TestPoolKeepsABurstsConnections(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	burst := func() {
		conns := make([]*sql.Conn, 48)
		for i := range conns {
			if conns[i], err = db.Conn(t.Context()); err != nil {
				t.Fatal(err)
			}
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
