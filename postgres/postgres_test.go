package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/storetest"
)

func TestConformance(t *testing.T) {
	base := storetest.PostgresURL(t)
	storetest.Run(t, func(t *testing.T) storetest.OpenStore {
		u := freshSchema(t, base)
		return func(t *testing.T, now func() time.Time) arqir.Store {
			st, err := postgres.Open(t.Context(), u, now)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
	})
}

func TestOpenTwiceKeepsData(t *testing.T) {
	u := freshSchema(t, storetest.PostgresURL(t))
	st, err := postgres.Open(t.Context(), u, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ApplyPolicy(t.Context(), "1", "sha256:x", []byte("x"), "test"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = postgres.Open(t.Context(), u, time.Now)
	if err != nil {
		t.Fatalf("reopening (migrations already applied): %v", err)
	}
	defer st.Close()
	if _, err := st.ActivePolicy(t.Context()); err != nil {
		t.Fatalf("the policy did not survive reopening: %v", err)
	}
}

func TestReplicasMigrateConcurrently(t *testing.T) {
	u := freshSchema(t, storetest.PostgresURL(t))
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			st, err := postgres.Open(t.Context(), u, time.Now)
			if err == nil {
				err = st.Ping(t.Context())
				st.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("a replica failed to start: %v", err)
		}
	}
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := postgres.Open(ctx, "postgres://arqir:s3cret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", time.Now)
	if err == nil {
		t.Fatal("opening an unreachable server succeeded")
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") {
		t.Fatalf("the error shows the password: %s", msg)
	}
}

// freshSchema creates an empty schema for one test, drops it when the test
// ends, and returns base with its search_path set to it.
func freshSchema(t testing.TB, base string) string {
	t.Helper()
	u, schema, err := createSchema(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t.Context is done by now.
		if err := dropSchema(context.Background(), base, schema); err != nil {
			t.Error(err)
		}
	})
	return u
}

// createSchema creates a schema with a random name and returns base with
// its search_path set to it (pgx sends unknown URL parameters as run-time
// settings).
func createSchema(ctx context.Context, base string) (url string, schema string, err error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema = "arqir_t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", "", fmt.Errorf("create schema %s: %w", schema, err)
	}
	u, err := neturl.Parse(base)
	if err != nil {
		return "", "", fmt.Errorf("parse %s: %w", storetest.PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

func dropSchema(ctx context.Context, base, schema string) error {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		return fmt.Errorf("drop schema %s: %w", schema, err)
	}
	return nil
}
