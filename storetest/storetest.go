// Package storetest is the conformance suite of arqir.Store: the same tests
// run on SQLite and PostgreSQL, so the databases cannot drift apart. A
// database package runs it with
//
//	func TestConformance(t *testing.T) { storetest.Run(t, newDatabase) }
//
// Subtests are named after the procedure clause they check where there is
// one (R2_…, S1_…, C3_…).
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// NewDatabase creates a fresh, empty database for one test and returns how
// to open stores on it. It removes the database with t.Cleanup.
type NewDatabase func(t *testing.T) OpenStore

// OpenStore opens a store on the test's database that reads time from now.
// Each call opens another store — as another replica would — and closes it
// with t.Cleanup.
type OpenStore func(t *testing.T, now func() time.Time) arqir.Store

// Start is where every test's clock starts: nanoseconds included, so the
// suite checks that stores keep microseconds and return what they read back.
var Start = time.Date(2025, 3, 10, 14, 0, 0, 123456789, time.UTC)

// Run runs the conformance suite. Every subtest gets a database of its own
// and runs in parallel with the others.
func Run(t *testing.T, newDB NewDatabase) {
	groups := [][]namedTest{declareTests, transitionTests, concurrencyTests, sweepTests, listingTests, tokenTests, policyTests, statsTests}
	groups = append(groups, integrationTests, ingestTests, groupingTests, refireTests, ingestConcurrencyTests, falsePositiveTests)
	groups = append(groups, oncallTests, pagingTests, outboxTests, postIncidentTests, sessionTests)
	for _, group := range groups {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(setup(t, newDB, tc.bare))
			})
		}
	}
}

// namedTest is one subtest of the suite.
type namedTest struct {
	name string
	fn   func(e *env)
	bare bool // no policy applied, no rules installed
}

// env is what one subtest works with.
type env struct {
	t      *testing.T
	ctx    context.Context
	clock  *Clock
	st     arqir.Store
	open   OpenStore
	policy *arqir.PolicyRecord // nil for a bare store
}

// setup opens a fresh database and a store on it; unless bare, it applies a
// policy and installs Rules for its revision.
func setup(t *testing.T, newDB NewDatabase, bare bool) *env {
	e := &env{t: t, ctx: t.Context(), clock: NewClock(Start), open: newDB(t)}
	e.st = e.open(t, e.clock.Now)
	if !bare {
		rec, _, err := e.st.ApplyPolicy(e.ctx, "test-1", "sha256:storetest", []byte("storetest policy"), "storetest")
		if err != nil {
			t.Fatalf("apply the test policy: %v", err)
		}
		e.policy = rec
		e.st.SetRules(Rules(rec.Revision))
	}
	return e
}

// another opens a second store on the same database, as a second replica.
func (e *env) another() arqir.Store {
	st := e.open(e.t, e.clock.Now)
	if e.policy != nil {
		st.SetRules(Rules(e.policy.Revision))
	}
	return st
}

// Actors of the suite.
var (
	alice = arqir.Actor{Name: "alice", Source: arqir.SourceAPI}
	bob   = arqir.Actor{Name: "bob", Source: arqir.SourceCLI}
)

// as is a change by alice with no expected version.
var as = arqir.Change{Actor: alice}

// declare opens an incident of the severity, failing the test on error.
func (e *env) declare(severity, title string, services ...string) *arqir.Incident {
	e.t.Helper()
	inc, err := e.st.Declare(e.ctx, arqir.Declaration{Title: title, Severity: severity, Services: services}, alice)
	if err != nil {
		e.t.Fatalf("declare %s %q: %v", severity, title, err)
	}
	return inc
}

// get reads an incident, failing the test on error.
func (e *env) get(id arqir.IncidentID) *arqir.Incident {
	e.t.Helper()
	inc, err := e.st.Incident(e.ctx, id)
	if err != nil {
		e.t.Fatalf("read %s: %v", id, err)
	}
	return inc
}

// timeline reads an incident's timeline, failing the test on error.
func (e *env) timeline(id arqir.IncidentID) []arqir.TimelineEvent {
	e.t.Helper()
	events, err := e.st.Timeline(e.ctx, id)
	if err != nil {
		e.t.Fatalf("read the timeline of %s: %v", id, err)
	}
	return events
}

// must fails the test when a change returned an error, and checks that what
// the change returned is what the store now reads back.
func (e *env) must(inc *arqir.Incident, err error) *arqir.Incident {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("unexpected error: %v", err)
	}
	e.stored(inc)
	return inc
}

// stored checks that inc is exactly what the store reads back.
func (e *env) stored(inc *arqir.Incident) {
	e.t.Helper()
	equal(e.t, "the incident read back", e.get(inc.ID), inc)
}

// snapshot is an incident and its timeline at one moment.
type snapshot struct {
	inc    *arqir.Incident
	events []arqir.TimelineEvent
}

func (e *env) snap(id arqir.IncidentID) snapshot {
	e.t.Helper()
	return snapshot{e.get(id), e.timeline(id)}
}

// unchanged checks that an incident and its timeline are as in before: a
// rejected request changes nothing.
func (e *env) unchanged(before snapshot) {
	e.t.Helper()
	after := e.snap(before.inc.ID)
	equal(e.t, "the incident after a rejected change", after.inc, before.inc)
	equal(e.t, "the timeline after a rejected change", after.events, before.events)
}

// count returns how many incidents the store holds.
func (e *env) count() int {
	e.t.Helper()
	n, cursor := 0, ""
	for {
		page, err := e.st.Incidents(e.ctx, arqir.IncidentFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			e.t.Fatalf("list incidents: %v", err)
		}
		n += len(page.Incidents)
		if page.Next == "" {
			return n
		}
		cursor = page.Next
	}
}

// wantCode checks that err carries the arqir error code (and, if given, the
// field), reachable through any wrapping.
func wantCode(t *testing.T, err error, code string, field ...string) {
	t.Helper()
	var ae *arqir.Error
	switch {
	case err == nil:
		t.Fatalf("got no error, want %s", code)
	case !errors.As(err, &ae):
		t.Fatalf("got %v, want an *arqir.Error with code %s", err, code)
	case ae.Code != code:
		t.Fatalf("got code %s (%v), want %s", ae.Code, err, code)
	case len(field) > 0 && ae.Field != field[0]:
		t.Fatalf("got field %q (%v), want %q", ae.Field, err, field[0])
	}
}

// equal fails the test when got and want differ, showing both as JSON.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("%s differs:\ngot:  %s\nwant: %s", what, g, w)
	}
}

// kinds returns the kinds of events, in order.
func kinds(events []arqir.TimelineEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// micro is t as a store keeps it.
func micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
