package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/policy"
)

// Delivery contract 4: a deadline is swept when it is due, not at the next
// full scheduler tick. With a tick of an hour, a SEV1 whose response target
// is one second is still breached within moments of its due time.
func TestSchedulerWakesAtTheNextDeadline(t *testing.T) {
	src := string(policy.Default().Source())
	src = strings.Replace(src, "response_target: 5m", "response_target: 1s", 1)
	file := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "arqir.db"), PolicyFile: file,
		SweepInterval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Out: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	inc, err := a.Store.Declare(ctx, arqir.Declaration{Title: "Checkout down", Severity: "SEV1"}, arqir.Actor{Name: "ada", Source: arqir.SourceCLI})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := a.Store.Incident(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Deadlines[0].BreachedAt != nil {
			if got.Deadlines[0].BreachedAt.Before(got.Deadlines[0].DueAt) {
				t.Fatalf("breached at %s, before its due time %s", got.Deadlines[0].BreachedAt, got.Deadlines[0].DueAt)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the 1-second response deadline was not swept within 20 s with an hourly tick")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
