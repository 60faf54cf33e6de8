package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// A --public-url that tools could not reach is a usage error (exit 2),
// before any database is opened.
func TestServeRefusesABadPublicURL(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "arqir.db")
	arqirCmd(t, "serve", "--db", db, "--addr", "127.0.0.1:0", "--public-url", "arqir.example.com").
		wantErr(t, 2, "--public-url", "https://arqir.example.com")
	if _, err := os.Stat(db); err == nil {
		t.Error("a database was created")
	}
}
