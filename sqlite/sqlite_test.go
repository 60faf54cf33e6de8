package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.OpenStore {
		path := filepath.Join(t.TempDir(), "arqir.db")
		return func(t *testing.T, now func() time.Time) arqir.Store {
			st, err := sqlite.Open(t.Context(), path, now)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
	})
}

func TestOpenMissingDirectory(t *testing.T) {
	_, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "missing", "arqir.db"), time.Now)
	if err == nil {
		t.Fatal("opening a database in a missing directory succeeded")
	}
}

func TestOpenTwiceKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a b?#%.db") // characters a URI would misread
	st, err := sqlite.Open(t.Context(), path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ApplyPolicy(t.Context(), "1", "sha256:x", []byte("x"), "test"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = sqlite.Open(t.Context(), path, time.Now)
	if err != nil {
		t.Fatalf("reopening (migrations already applied): %v", err)
	}
	defer st.Close()
	if _, err := st.ActivePolicy(t.Context()); err != nil {
		t.Fatalf("the policy did not survive reopening: %v", err)
	}
	if err := st.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// The pragmas of the delivery contract hold on every connection of the pool.
func TestPragmas(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	db.SetMaxIdleConns(3)
	for i := range 3 { // several connections at once: each must have them
		conn, err := db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "5000", "foreign_keys": "1"} {
			var got string
			if err := conn.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, pragma, got, want)
			}
		}
	}
}

// Readiness needs the migrations: a store on an unmigrated database is not ready.
func TestPingWantsMigrations(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	st := sqlstore.New(db, sqlite.Dialect(), time.Now)
	defer st.Close()
	err = st.Ping(t.Context())
	if err == nil || !strings.Contains(err.Error(), "arqir migrate") {
		t.Fatalf("Ping on an unmigrated database = %v, want an error saying to migrate", err)
	}
	if err := sqlstore.Migrate(t.Context(), db, sqlite.Dialect()); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(t.Context()); err != nil {
		t.Fatalf("Ping after migrating: %v", err)
	}
}
