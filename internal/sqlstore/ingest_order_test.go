package sqlstore_test

import (
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
)

// TestIngest_NewAlertsGetIDsInArrivalOrder: new alerts of one request are
// numbered in the order they came, whatever their status, so that the
// alert listing (newest first, by ID) shows them as they arrived. Firing
// and other new alerts are inserted by statements of different shapes.
func TestIngest_NewAlertsGetIDsInArrivalOrder(t *testing.T) { onBoth(t, testArrivalOrder) }

func testArrivalOrder(t *testing.T, st *sqlstore.Store) {
	ctx := t.Context()
	in := alertIntegration(t, st)
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
