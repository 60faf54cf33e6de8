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

// TestIngest_NewAlertsGetIDsInArrivalOrder: new alerts of one request are
// numbered in the order they came, whatever their status, so that the
// alert listing (newest first, by ID) shows them as they arrived. Firing
// and other new alerts are inserted by statements of different shapes.
func TestIngest_NewAlertsGetIDsInArrivalOrder(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "arqir.db"), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testArrivalOrder(t, st)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := postgres.Open(t.Context(), schema(t, storetest.PostgresURL(t)), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		testArrivalOrder(t, st)
	})
}

func testArrivalOrder(t *testing.T, st *sqlstore.Store) {
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
	labels := map[string]string{"alertname": "Order"}
	res, err := st.Ingest(ctx, in.ID, "", []arqir.AlertEvent{
		{DedupKey: "first", Status: arqir.AlertFiring, Labels: labels},
		{DedupKey: "second", Status: arqir.AlertResolved, Labels: labels}, // never seen firing
		{DedupKey: "third", Status: arqir.AlertFiring, Labels: labels},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, a := range res.Alerts {
		ids[a.DedupKey] = a.ID
	}
	if !(ids["first"] < ids["second"] && ids["second"] < ids["third"]) {
		t.Fatalf("IDs first %d, second %d, third %d: want them in arrival order", ids["first"], ids["second"], ids["third"])
	}
}
