package storetest

import (
	"sync"
	"time"

	"github.com/arqir/arqir"
)

var sweepTests = concat([]namedTest{
	{name: "S1_UnacknowledgedSev1BreachesAtFiveMinutesOnce", fn: testSweepBreachesOnce},
	{name: "S1_AcknowledgedInTimeNeverBreaches", fn: testSweepAcknowledged},
	{name: "S_SweepOnlyBreachesDueDeadlines", fn: testSweepMixed},
	{name: "ConcurrentSweepsOnTwoStoresBreachOnce", fn: testConcurrentSweeps},
	{name: "SweepWorksThroughABacklog", fn: testSweepBacklog},
}, sweepBatchTests)

func testSweepBreachesOnce(e *env) {
	inc := e.declare("SEV1", "Checkout down")
	declared := inc.DeclaredAt

	// The sweep uses the time it is given, not the store's clock (which
	// stays at the declaration here).
	if n, err := e.st.SweepDeadlines(e.ctx, declared.Add(5*time.Minute-time.Second)); err != nil || n != 0 {
		e.t.Fatalf("sweep at +4m59s breached %d (%v), want 0", n, err)
	}
	if got := e.get(inc.ID); !got.Deadlines[0].Pending() || got.Version != 1 {
		e.t.Fatalf("after a sweep before the deadline: %+v version %d", got.Deadlines[0], got.Version)
	}

	at := declared.Add(5 * time.Minute)
	if n, err := e.st.SweepDeadlines(e.ctx, at); err != nil || n != 1 {
		e.t.Fatalf("sweep at +5m breached %d (%v), want 1", n, err)
	}
	got := e.get(inc.ID)
	if d := got.Deadlines[0]; d.BreachedAt == nil || !d.BreachedAt.Equal(at) || d.MetAt != nil || got.Version != 2 || !got.UpdatedAt.Equal(at) {
		e.t.Fatalf("after the breach: %+v version %d updated %v", d, got.Version, got.UpdatedAt)
	}
	if !got.Breached() {
		e.t.Fatal("Breached() = false after a breach")
	}
	events := e.timeline(inc.ID)
	last := events[len(events)-1]
	if last.Kind != arqir.EventDeadlineBreached || last.Actor != arqir.SystemActor.Name || last.Source != arqir.SourceSystem ||
		!last.At.Equal(at) || last.Data["deadline"] != arqir.DeadlineResponse {
		e.t.Fatalf("breach event = %+v", last)
	}

	// Sweeping again records nothing more and does not touch the incident.
	before := e.snap(inc.ID)
	if n, err := e.st.SweepDeadlines(e.ctx, at.Add(time.Hour)); err != nil || n != 0 {
		e.t.Fatalf("second sweep breached %d (%v), want 0", n, err)
	}
	e.unchanged(before)

	// A late acknowledgement does not undo the breach.
	acked := e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	if d := acked.Deadlines[0]; d.BreachedAt == nil || d.MetAt != nil {
		e.t.Fatalf("late acknowledgement changed the breached deadline: %+v", d)
	}
}

func testSweepAcknowledged(e *env) {
	inc := e.declare("SEV1", "Checkout down")
	e.clock.Advance(4 * time.Minute)
	e.must(e.st.Acknowledge(e.ctx, inc.ID, as))
	before := e.snap(inc.ID)
	if n, err := e.st.SweepDeadlines(e.ctx, inc.DeclaredAt.Add(time.Hour)); err != nil || n != 0 {
		e.t.Fatalf("sweep breached %d (%v), want 0", n, err)
	}
	e.unchanged(before)
}

func testSweepMixed(e *env) {
	sev1 := e.declare("SEV1", "Checkout down")       // due +5m
	sev2 := e.declare("SEV2", "Payments slow")       // due +15m
	sev4 := e.declare("SEV4", "Typo on status page") // due +2h
	n, err := e.st.SweepDeadlines(e.ctx, sev1.DeclaredAt.Add(20*time.Minute))
	if err != nil || n != 2 {
		e.t.Fatalf("sweep at +20m breached %d (%v), want 2", n, err)
	}
	for id, want := range map[arqir.IncidentID]bool{sev1.ID: true, sev2.ID: true, sev4.ID: false} {
		if got := e.get(id).Breached(); got != want {
			e.t.Errorf("%s breached = %v, want %v", id, got, want)
		}
	}
}

func testConcurrentSweeps(e *env) {
	const incidents = 12
	var ids []arqir.IncidentID
	for range incidents {
		ids = append(ids, e.declare("SEV1", "Checkout down").ID)
	}
	at := micro(Start).Add(10 * time.Minute)
	stores := []arqir.Store{e.st, e.another()}
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := stores[i%2].SweepDeadlines(e.ctx, at)
			if err != nil {
				e.t.Errorf("sweep: %v", err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != incidents {
		e.t.Fatalf("concurrent sweeps reported %d breaches, want %d", total, incidents)
	}
	for _, id := range ids {
		breaches := 0
		for _, ev := range e.timeline(id) {
			if ev.Kind == arqir.EventDeadlineBreached {
				breaches++
			}
		}
		if got := e.get(id); breaches != 1 || got.Version != 2 {
			e.t.Fatalf("%s has %d breach events at version %d, want 1 at 2", id, breaches, got.Version)
		}
	}
}

// A sweep after downtime finds more due deadlines than a store reads at once
// (sqlstore reads 100): it goes on until none is left.
func testSweepBacklog(e *env) {
	const incidents = 130
	for range incidents {
		e.declare("SEV1", "Checkout down")
	}
	e.declare("SEV4", "Typo on status page") // not due yet
	if n, err := e.st.SweepDeadlines(e.ctx, micro(Start).Add(time.Hour)); err != nil || n != incidents {
		e.t.Fatalf("sweep breached %d (%v), want %d", n, err, incidents)
	}
	st, err := e.st.Stats(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if st.BreachesTotal != incidents {
		e.t.Fatalf("breaches total = %d, want %d", st.BreachesTotal, incidents)
	}
}
