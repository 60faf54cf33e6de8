package storetest_test

import (
	"io/fs"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// Both dialects must evolve together: a migration added to one is added to
// the other under the same name.
func TestMigrationsMatchAcrossDialects(t *testing.T) {
	names := func(fsys fs.FS) []string {
		t.Helper()
		entries, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	lite, pg := names(sqlite.Migrations()), names(postgres.Migrations())
	if len(lite) == 0 {
		t.Fatal("no SQLite migrations embedded")
	}
	if !slices.Equal(lite, pg) {
		t.Fatalf("migration files differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
}

func TestClock(t *testing.T) {
	c := storetest.NewClock(storetest.Start)
	if !c.Now().Equal(storetest.Start) {
		t.Fatalf("Now = %v, want %v", c.Now(), storetest.Start)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Advance(time.Second) }()
	}
	wg.Wait()
	if got := c.Now().Sub(storetest.Start); got != 10*time.Second {
		t.Fatalf("advanced %v, want 10s", got)
	}
	c.Set(storetest.Start)
	if !c.Now().Equal(storetest.Start) {
		t.Fatal("Set did not set")
	}
}

func TestRulesFollowTheProcedures(t *testing.T) {
	r := storetest.Rules(7)
	if r.Revision != 7 || len(r.Severities) != 4 || len(r.Checklist) != 7 {
		t.Fatalf("rules = %+v", r)
	}
	if len(r.ChecklistFor("SEV3")) != 6 || len(r.ChecklistFor("SEV1")) != 7 {
		t.Fatal("R5 applies to SEV1 and SEV2 only")
	}
}
