package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/postgres"
	"github.com/arqir/arqir/storetest"
)

// TestIngest_AnalyzeDoesNotHoldTheCommitter: the ANALYZE a storm triggers
// (ingest_analyze.go) runs beside the committer. While it runs, however
// long, the next request still commits: between two batches it stalled
// every request waiting for the next one (80 ms at 100 000 alerts).
func TestIngest_AnalyzeDoesNotHoldTheCommitter(t *testing.T) {
	started, release := make(chan struct{}, 1), make(chan struct{})
	defer sqlstore.SetAnalyzeHook(func() {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
	})()
	st, err := postgres.Open(t.Context(), schema(t, storetest.PostgresURL(t)), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	defer close(release) // before Close, which waits for the ANALYZE
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
	for r := range 2 { // 1 200 new alerts: past the first ANALYZE
		events := make([]arqir.AlertEvent, 600)
		for i := range events {
			events[i] = arqir.AlertEvent{DedupKey: fmt.Sprint("storm-", r, "-", i), Status: arqir.AlertFiring, Labels: map[string]string{"alertname": "Storm"}}
		}
		if _, err := st.Ingest(ctx, in.ID, "", events); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("no ANALYZE started after 1 200 new alerts")
	}
	next, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := st.Ingest(next, in.ID, "", []arqir.AlertEvent{{DedupKey: "during", Status: arqir.AlertFiring, Labels: map[string]string{"alertname": "Storm"}}}); err != nil {
		t.Fatalf("a request while ANALYZE runs: %v; want it committed without waiting for the ANALYZE", err)
	}
}
