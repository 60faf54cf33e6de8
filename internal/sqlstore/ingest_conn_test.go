package sqlstore_test

import (
	"database/sql"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
)

// Ingest batches run on the committer's own connection, whatever else
// holds the pool's: a temporary table (which lives as long as its
// connection) that one batch made is there in the next, though the
// connection the first batch would have returned to the pool is taken.
func TestIngest_BatchesKeepTheirConnection(t *testing.T) {
	onBoth(t, testBatchConnection)
}

func testBatchConnection(t *testing.T, st *sqlstore.Store) {
	ctx := t.Context()
	in := alertIntegration(t, st)
	var marks []int
	defer sqlstore.SetWriteFault(func(tx *sql.Tx, _ [][]string) error {
		if _, err := tx.ExecContext(ctx, "CREATE TEMP TABLE IF NOT EXISTS batch_conn (n INTEGER)"); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM batch_conn").Scan(&n); err != nil {
			return err
		}
		marks = append(marks, n)
		_, err := tx.ExecContext(ctx, "INSERT INTO batch_conn (n) VALUES (1)")
		return err
	})()
	ingest := func(key string) {
		t.Helper()
		if _, err := st.Ingest(ctx, in.ID, "", []arqir.AlertEvent{{DedupKey: key, Status: arqir.AlertFiring}}); err != nil {
			t.Fatal(err)
		}
	}
	ingest("a")
	held, err := st.DB().Conn(ctx) // what the pool has idle
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := held.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	ingest("b")
	if len(marks) != 2 || marks[0] != 0 || marks[1] != 1 {
		t.Fatalf("batches saw %v earlier batches on their connection, want [0 1]", marks)
	}
}

// On SQLite the committer's connection keeps statement journals in memory
// (temp_store = MEMORY), and only it: a pooled connection spills them to
// a file as before.
func TestIngest_SQLiteCommitterKeepsStatementJournalsInMemory(t *testing.T) {
	st := openSQLite(t)
	ctx := t.Context()
	in := alertIntegration(t, st)
	var inBatch int
	defer sqlstore.SetWriteFault(func(tx *sql.Tx, _ [][]string) error {
		return tx.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&inBatch)
	})()
	if _, err := st.Ingest(ctx, in.ID, "", []arqir.AlertEvent{{DedupKey: "a", Status: arqir.AlertFiring}}); err != nil {
		t.Fatal(err)
	}
	var pooled int
	if err := st.DB().QueryRowContext(ctx, "PRAGMA temp_store").Scan(&pooled); err != nil {
		t.Fatal(err)
	}
	if inBatch != 2 || pooled != 0 {
		t.Fatalf("temp_store is %d in an ingest batch and %d on the pool, want 2 (memory) and 0 (default)", inBatch, pooled)
	}
}
