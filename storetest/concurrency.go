package storetest

import (
	"fmt"
	"sync"

	"github.com/arqir/arqir"
)

// workers is how many goroutines race in the concurrency tests.
const workers = 8

var concurrencyTests = []namedTest{
	{name: "ConcurrentAcknowledgesOneWins", fn: testConcurrentAcknowledges},
	{name: "ConcurrentVersionedChangesOneWins", fn: testConcurrentVersioned},
	{name: "ConcurrentNotesAreAllKept", fn: testConcurrentNotes},
}

// race runs fn from workers goroutines at once (half of them on a second
// store, as a second replica) and returns their errors.
func (e *env) race(fn func(st arqir.Store, i int) error) []error {
	e.t.Helper()
	stores := []arqir.Store{e.st, e.another()}
	errs := make([]error, workers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range workers {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = fn(stores[i%2], i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

// oneWins checks that exactly one error is nil and every other has code.
func (e *env) oneWins(errs []error, code string) {
	e.t.Helper()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else if arqir.ErrorCode(err) != code {
			e.t.Fatalf("a losing change failed with %v, want %s", err, code)
		}
	}
	if won != 1 {
		e.t.Fatalf("%d changes succeeded, want exactly 1", won)
	}
}

func testConcurrentAcknowledges(e *env) {
	inc := e.declare("SEV1", "Checkout down")
	errs := e.race(func(st arqir.Store, i int) error {
		_, err := st.Acknowledge(e.ctx, inc.ID, arqir.Change{Actor: arqir.Actor{Name: fmt.Sprint("responder-", i), Source: arqir.SourceAPI}})
		return err
	})
	e.oneWins(errs, arqir.EUNPROCESSABLE)
	got := e.get(inc.ID)
	acks := 0
	for _, ev := range e.timeline(inc.ID) {
		if ev.Kind == arqir.EventAcknowledged {
			acks++
			if ev.Actor != got.AcknowledgedBy {
				e.t.Fatalf("acknowledged event by %s, incident says %s", ev.Actor, got.AcknowledgedBy)
			}
		}
	}
	if acks != 1 || got.Version != 2 {
		e.t.Fatalf("%d acknowledged events, version %d; want 1 and 2", acks, got.Version)
	}
}

func testConcurrentVersioned(e *env) {
	inc := e.declare("SEV2", "Checkout errors")
	errs := e.race(func(st arqir.Store, i int) error {
		_, err := st.AddNote(e.ctx, inc.ID, fmt.Sprint("note ", i), arqir.Change{Actor: alice, ExpectedVersion: 1})
		return err
	})
	e.oneWins(errs, arqir.ECONFLICT)
	if got := e.get(inc.ID); got.Version != 2 {
		e.t.Fatalf("version %d, want 2", got.Version)
	}
}

func testConcurrentNotes(e *env) {
	inc := e.declare("SEV2", "Checkout errors")
	for _, err := range e.race(func(st arqir.Store, i int) error {
		_, err := st.AddNote(e.ctx, inc.ID, fmt.Sprint("note ", i), as)
		return err
	}) {
		if err != nil {
			e.t.Fatalf("a note without an expected version failed: %v", err)
		}
	}
	notes := 0
	for _, ev := range e.timeline(inc.ID) {
		if ev.Kind == arqir.EventNote {
			notes++
		}
	}
	if got := e.get(inc.ID); notes != workers || got.Version != 1+workers {
		e.t.Fatalf("%d notes at version %d, want %d at %d: a change was lost", notes, got.Version, workers, 1+workers)
	}
}
