package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// --evaluate-url and --evaluate-interval that the built-in evaluator could
// not use are usage errors (exit 2) saying what to give, before any
// database is opened.
func TestServeRefusesBadEvaluatorFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--evaluate-url", "prometheus:9090"}, "--evaluate-url"},
		{[]string{"--evaluate-url", "http://127.0.0.1:9090", "--evaluate-interval", "100ms"}, "give a duration from 1s to 1h"},
	} {
		db := filepath.Join(t.TempDir(), "arqir.db")
		args := append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tc.args...)
		arqirCmd(t, args...).wantErr(t, 2, tc.msg)
		if _, err := os.Stat(db); err == nil {
			t.Errorf("%v: a database was created", tc.args)
		}
	}
}
