package storetest

import (
	"os"
	"testing"
)

// Environment variables that choose what the tests run against.
const (
	// PostgresEnv holds the postgres:// URL of a server tests may create
	// schemas in.
	PostgresEnv = "ARQIR_TEST_POSTGRES"
	// RequireAllEnv set to 1 turns every "skipped for lack of X" into a
	// failure (CI sets it).
	RequireAllEnv = "ARQIR_TEST_REQUIRE_ALL"
)

// PostgresURL returns the PostgreSQL URL from ARQIR_TEST_POSTGRES. Without
// it the test is skipped, or fails when ARQIR_TEST_REQUIRE_ALL=1.
func PostgresURL(t testing.TB) string {
	t.Helper()
	if url := os.Getenv(PostgresEnv); url != "" {
		return url
	}
	msg := PostgresEnv + " not set: skipping the PostgreSQL tests (set it to a postgres:// URL)"
	if os.Getenv(RequireAllEnv) == "1" {
		t.Fatal(msg + "; " + RequireAllEnv + "=1 requires it")
	}
	t.Skip(msg)
	return ""
}
