package storetest

import (
	"fmt"
	"sync"

	"github.com/arqir/arqir"
)

var ingestConcurrencyTests = []namedTest{
	{name: "D_ConcurrentIngestsOfOneNewAlertOpenOneIncident", fn: testConcurrentSameAlert},
	{name: "D_ConcurrentRetriesOfOneRequestApplyOnce", fn: testConcurrentSameKey},
	{name: "D_ConcurrentAlertsOfOneGroupOpenOneIncident", fn: testConcurrentGroup},
	{name: "D_AFailingRequestDoesNotFailTheOthersOfItsBatch", fn: testBatchIsolation},
}

// ingesters is how many goroutines send at once in these tests.
const ingesters = 16

// raceIngest runs fn from ingesters goroutines at once, half of them on a
// second store (another replica), and returns their results and errors.
func (e *env) raceIngest(fn func(st arqir.Store, i int) (*arqir.IngestResult, error)) ([]*arqir.IngestResult, []error) {
	e.t.Helper()
	stores := []arqir.Store{e.st, e.anotherWithAlertRules()}
	results, errs := make([]*arqir.IngestResult, ingesters), make([]error, ingesters)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range ingesters {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			results[i], errs[i] = fn(stores[i%2], i)
		}()
	}
	start.Done()
	done.Wait()
	return results, errs
}

func testConcurrentSameAlert(e *env) {
	in := e.prom()
	_, errs := e.raceIngest(func(st arqir.Store, i int) (*arqir.IngestResult, error) {
		return st.Ingest(e.ctx, in.ID, fmt.Sprint("req-", i), []arqir.AlertEvent{firing("fp-1", "alertname", "CPU")})
	})
	for _, err := range errs {
		if err != nil {
			e.t.Fatalf("an ingest failed: %v", err)
		}
	}
	alerts := e.allAlerts(arqir.AlertFilter{})
	if len(alerts) != 1 || alerts[0].Count != ingesters {
		e.t.Fatalf("alerts = %d (count %d), want 1 with count %d", len(alerts), alerts[0].Count, ingesters)
	}
	e.wantIncidents(1, "one alert sent 16 times at once")
	if n := e.countKind(e.incidentOf(alerts[0]), arqir.EventAlertAttached); n != 1 {
		e.t.Fatalf("%d attach events, want 1", n)
	}
}

func testConcurrentSameKey(e *env) {
	in := e.prom()
	results, errs := e.raceIngest(func(st arqir.Store, i int) (*arqir.IngestResult, error) {
		return st.Ingest(e.ctx, in.ID, "the-request", []arqir.AlertEvent{firing("fp-1", "alertname", "CPU"), firing("fp-2", "alertname", "Memory")})
	})
	applied := 0
	var ids []int64
	for i, err := range errs {
		if err != nil {
			e.t.Fatalf("an ingest failed: %v", err)
		}
		if !results[i].Replayed {
			applied++
		}
		if i == 0 {
			ids = alertIDs(results[i].Alerts)
		} else {
			equal(e.t, "the alerts of every answer", alertIDs(results[i].Alerts), ids)
		}
	}
	if applied != 1 {
		e.t.Fatalf("%d answers say they applied the request, want 1", applied)
	}
	for _, a := range e.allAlerts(arqir.AlertFilter{}) {
		if a.Count != 1 {
			e.t.Fatalf("alert %s has count %d, want 1", a.DedupKey, a.Count)
		}
	}
	e.wantIncidents(2, "one request applied once")
}

func testConcurrentGroup(e *env) {
	in := e.prom()
	_, errs := e.raceIngest(func(st arqir.Store, i int) (*arqir.IngestResult, error) {
		return st.Ingest(e.ctx, in.ID, "", []arqir.AlertEvent{firing(alertKeyN(i), "alertname", "Errors", "service", "api", "pod", alertKeyN(i))})
	})
	for _, err := range errs {
		if err != nil {
			e.t.Fatalf("an ingest failed: %v", err)
		}
	}
	e.wantIncidents(1, "16 alerts of one group at once")
	alerts := e.allAlerts(arqir.AlertFilter{})
	if len(alerts) != ingesters {
		e.t.Fatalf("%d alerts, want %d", len(alerts), ingesters)
	}
	e.wantAttached(e.incidentOf(alerts[0]), alerts)
}

// Requests sent at once share transactions; those for a revoked
// integration fail alone and store nothing, the others all commit.
func testBatchIsolation(e *env) {
	in := e.prom()
	gone, _ := e.newIntegration(arqir.KindGeneric, "gone", "")
	if err := e.st.RevokeIntegration(e.ctx, gone.ID); err != nil {
		e.t.Fatal(err)
	}
	for round := range 5 {
		_, errs := e.raceIngest(func(st arqir.Store, i int) (*arqir.IngestResult, error) {
			id := in.ID
			if i%2 == 0 {
				id = gone.ID
			}
			return st.Ingest(e.ctx, id, fmt.Sprint(round, "-", i), []arqir.AlertEvent{firing(fmt.Sprint(round, "-", alertKeyN(i)), "alertname", "E")})
		})
		for i, err := range errs {
			if i%2 == 0 {
				wantCode(e.t, err, arqir.ENOTFOUND)
			} else if err != nil {
				e.t.Fatalf("round %d: request %d failed with its batch: %v", round, i, err)
			}
		}
	}
	if n := len(e.allAlerts(arqir.AlertFilter{IntegrationID: in.ID})); n != 5*ingesters/2 {
		e.t.Fatalf("%d alerts of the active integration, want %d", n, 5*ingesters/2)
	}
	if n := len(e.allAlerts(arqir.AlertFilter{IntegrationID: gone.ID})); n != 0 {
		e.t.Fatalf("%d alerts of the revoked integration, want 0", n)
	}
}
