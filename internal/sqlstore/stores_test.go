package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// openSQLite opens a store on a new SQLite file, closed with the test.
func openSQLite(t *testing.T) *sqlstore.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openPostgres opens a store in a new PostgreSQL schema (skipped without
// ARQIR_TEST_POSTGRES), closed with the test.
func openPostgres(t *testing.T) *sqlstore.Store {
	t.Helper()
	st, err := postgres.Open(t.Context(), schema(t, storetest.PostgresURL(t)), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// onBoth runs f as the subtests "sqlite" and "postgres", each on a new store.
func onBoth(t *testing.T, f func(t *testing.T, st *sqlstore.Store)) {
	t.Run("sqlite", func(t *testing.T) { f(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, openPostgres(t)) })
}

// alertIntegration applies a policy with the alert rules to st and
// returns a new Alertmanager integration for the service api.
func alertIntegration(t *testing.T, st *sqlstore.Store) *arqir.Integration {
	t.Helper()
	ctx := t.Context()
	rec, _, err := st.ApplyPolicy(ctx, "t", "sha256:t", []byte("t"), "t")
	if err != nil {
		t.Fatal(err)
	}
	st.SetRules(storetest.AlertRules(rec.Revision))
	_, in, err := st.CreateIntegration(ctx, arqir.NewIntegration{Name: "prom", Kind: arqir.KindAlertmanager, Service: "api"})
	if err != nil {
		t.Fatal(err)
	}
	return in
}
