package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

func TestRedactURLHidesPasswords(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:s3cret@db:5432/arqir":         "postgres://u:xxxxx@db:5432/arqir",
		"postgres://u@db/arqir?password=s3cret&x=1": "postgres://u@db/arqir?password=xxxxx&x=1",
		"arqir.db":                              "arqir.db",
		"postgresql://db/arqir?sslmode=disable": "postgresql://db/arqir?sslmode=disable",
	} {
		if got := redactURL(in); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOpenExistingStoreRefusesAMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo.db")
	_, err := OpenExistingStore(context.Background(), path, time.Now)
	if arqir.ErrorCode(err) != arqir.EINVALID || !strings.Contains(arqir.ErrorMessage(err), "--db") {
		t.Fatalf("missing database: %v", err)
	}
}
