package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	neturl "net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
)

// When the database refuses a batch's writes, the batch is applied again
// request by request, each under its own savepoint: the request that fails
// rolls back alone, with its own error, and every other request commits.
func TestIngest_SavepointIsolatesAFailingRequest(t *testing.T) {
	onBoth(t, testSavepoints)
}

func testSavepoints(t *testing.T, st *sqlstore.Store) {
	ctx := t.Context()
	in := alertIntegration(t, st)
	const n = 20
	var (
		mu                  sync.Mutex
		first               = true
		failedBatch, single int
		held                = make(chan struct{})
	)
	defer sqlstore.SetWriteFault(func(tx *sql.Tx, keys [][]string) error {
		mu.Lock()
		wait := first
		first = false
		mu.Unlock()
		if wait { // hold the first batch until every other request queues behind it
			close(held)
			for deadline := time.Now().Add(10 * time.Second); st.QueuedIngests() < n-1 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
		}
		if !slices.ContainsFunc(keys, func(k []string) bool { return slices.Contains(k, "poison") }) {
			return nil
		}
		mu.Lock()
		if len(keys) > 1 {
			failedBatch++
		} else {
			single++
		}
		mu.Unlock()
		// A real refusal: a statement the database rejects, which also
		// aborts a PostgreSQL transaction until the savepoint's rollback.
		_, err := tx.ExecContext(ctx, "INSERT INTO alerts (dedup_key) VALUES ('poison')")
		return err
	})()

	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		if i == 1 {
			<-held // the first request is in the first batch, alone; the others will share the next
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprint("k", i)
			if i == n/2 {
				key = "poison"
			}
			_, errs[i] = st.Ingest(ctx, in.ID, "req-"+key, []arqir.AlertEvent{{DedupKey: key, Status: arqir.AlertFiring, Labels: map[string]string{"alertname": "E"}}})
		}()
	}
	wg.Wait()
	if failedBatch == 0 || single != 1 {
		t.Fatalf("the poisoned request failed %d batches and %d times alone; want at least one batch, then once alone", failedBatch, single)
	}
	for i, err := range errs {
		if i == n/2 {
			if err == nil || arqir.ErrorCode(err) != arqir.EINTERNAL {
				t.Errorf("the poisoned request: got %v, want its own internal error", err)
			}
		} else if err != nil {
			t.Errorf("request %d failed with the poisoned one: %v", i, err)
		}
	}
	page, err := st.Alerts(ctx, arqir.AlertFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Alerts) != n-1 {
		t.Fatalf("%d alerts stored, want %d", len(page.Alerts), n-1)
	}
	for _, a := range page.Alerts {
		if a.DedupKey == "poison" {
			t.Fatal("the failed request's alert was stored")
		}
	}
	// Its request key was not stored either: a retry applies.
	restore := sqlstore.SetWriteFault(func(*sql.Tx, [][]string) error { return nil })
	defer restore()
	res, err := st.Ingest(ctx, in.ID, "req-poison", []arqir.AlertEvent{{DedupKey: "poison", Status: arqir.AlertFiring}})
	if err != nil || res.Replayed {
		t.Fatalf("the retry: %+v, %v; want it applied", res, err)
	}
}

// schema creates an empty PostgreSQL schema for the test and returns base
// with its search_path set to it.
func schema(t *testing.T, base string) string {
	b := make([]byte, 6)
	rand.Read(b)
	name := "arqir_t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE")
			db.Close()
		}
	})
	u, err := neturl.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
