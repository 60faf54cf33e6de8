package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
)

// TestIngest_RevocationWaitsForTheBatchesThatReadTheIntegration: on
// PostgreSQL a batch reads its integrations FOR SHARE, so a revocation
// cannot commit between that read and the batch's commit. Without the
// lock the revocation returned first and the batch still stored the
// request the revocation should have stopped.
func TestIngest_RevocationWaitsForTheBatchesThatReadTheIntegration(t *testing.T) {
	st := openPostgres(t)
	ctx := t.Context()
	in := alertIntegration(t, st)
	var revokeErr error
	restore := sqlstore.SetWriteFault(func(*sql.Tx, [][]string) error {
		// The batch has read its integration; try to revoke meanwhile.
		rctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		revokeErr = st.RevokeIntegration(rctx, in.ID)
		return nil
	})
	_, err := st.Ingest(ctx, in.ID, "", []arqir.AlertEvent{{DedupKey: "during", Status: arqir.AlertFiring, Labels: map[string]string{"alertname": "A"}}})
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if revokeErr == nil {
		t.Fatal("a revocation committed while a batch that read the integration was still running: want it to wait for the batch")
	}
	if !errors.Is(revokeErr, context.DeadlineExceeded) {
		t.Fatalf("the revocation during the batch failed with %v; want it to time out waiting for the batch", revokeErr)
	}
	if err := st.RevokeIntegration(ctx, in.ID); err != nil {
		t.Fatalf("revoking after the batch: %v", err)
	}
}
