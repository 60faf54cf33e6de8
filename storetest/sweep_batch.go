package storetest

import (
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// Issue 5: when thousands of deadlines fall due within seconds, the sweep
// breaches them in batches, one commit for many incidents, and keeps every
// guarantee of one incident per transaction.
var sweepBatchTests = []namedTest{
	{name: "SweepBreachesABurstInFewTransactions", fn: testSweepBurst},
	{name: "SweepRollsBackAFailingIncidentAlone", fn: testSweepFailingIncident},
	{name: "ConcurrentSweepsOverABurstBreachOnce", fn: testConcurrentSweepBurst},
	{name: "SweepWaitsForAnIncidentAnotherWriterHolds", fn: testSweepHeldIncident},
	{name: "SweepMarksKPIDaysInOneOrderSoReplicasNeverDeadlock", fn: testSweepKPIDayOrder},
}

// sweepCommits counts the write transactions of the store's sweeps and the
// breaches they committed, from now on.
type sweepCommits struct {
	mu            sync.Mutex
	txs, breaches int
}

func (e *env) countSweepCommits(st arqir.Store) *sweepCommits {
	e.t.Helper()
	hooked, ok := st.(interface {
		OnSweepCommit(fn func(breached int)) (remove func())
	})
	if !ok {
		e.t.Fatalf("%T has no OnSweepCommit: the suite cannot see how a sweep splits into transactions", st)
	}
	c := &sweepCommits{}
	e.t.Cleanup(hooked.OnSweepCommit(func(n int) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.txs++
		c.breaches += n
	}))
	return c
}

func (c *sweepCommits) read() (txs, breaches int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.txs, c.breaches
}

// breachedOnce checks that each incident has exactly one breach event and
// was changed once by the sweep.
func (e *env) breachedOnce(ids []arqir.IncidentID) {
	e.t.Helper()
	for _, id := range ids {
		breaches := 0
		for _, ev := range e.timeline(id) {
			if ev.Kind == arqir.EventDeadlineBreached {
				breaches++
			}
		}
		if got := e.get(id); breaches != 1 || got.Version != 2 || !got.Breached() {
			e.t.Fatalf("%s has %d breach events at version %d (breached %v), want 1 at version 2", id, breaches, got.Version, got.Breached())
		}
	}
}

func (e *env) declareMany(n int, severity string) []arqir.IncidentID {
	e.t.Helper()
	ids := make([]arqir.IncidentID, n)
	for i := range ids {
		ids[i] = e.declare(severity, fmt.Sprint("Checkout down ", i)).ID
	}
	return ids
}

// 250 deadlines due at once are breached in one call, each once, in a few
// transactions rather than one per incident.
func testSweepBurst(e *env) {
	const incidents = 250
	ids := e.declareMany(incidents, "SEV1")
	commits := e.countSweepCommits(e.st)
	if n, err := e.st.SweepDeadlines(e.ctx, micro(Start).Add(10*time.Minute)); err != nil || n != incidents {
		e.t.Fatalf("sweep breached %d (%v), want %d", n, err, incidents)
	}
	txs, breaches := commits.read()
	if breaches != incidents || txs > incidents/30 {
		e.t.Fatalf("the sweep committed %d breaches in %d transactions; want %d in at most %d", breaches, txs, incidents, incidents/30)
	}
	e.breachedOnce(ids)
	if n, err := e.st.SweepDeadlines(e.ctx, micro(Start).Add(time.Hour)); err != nil || n != 0 {
		e.t.Fatalf("second sweep breached %d (%v), want 0", n, err)
	}
}

// An incident whose breach the database refuses (here a trigger on its
// timeline, which fires after its row and deadlines were written) rolls
// back alone: it is left exactly as it was, the sweep reports it, and the
// incidents before and after it in the same batch are breached.
func testSweepFailingIncident(e *env) {
	db := e.rawDB()
	ids := e.declareMany(10, "SEV1")
	poisoned := ids[4]
	before := e.snap(poisoned)
	drop := e.poisonTimeline(db, poisoned)

	n, err := e.st.SweepDeadlines(e.ctx, micro(Start).Add(10*time.Minute))
	if n != len(ids)-1 || err == nil || !strings.Contains(err.Error(), poisoned.String()) {
		e.t.Fatalf("sweep breached %d (%v), want %d and an error naming %s", n, err, len(ids)-1, poisoned)
	}
	e.unchanged(before)
	e.breachedOnce(append(ids[:4:4], ids[5:]...))

	drop()
	if n, err := e.st.SweepDeadlines(e.ctx, micro(Start).Add(11*time.Minute)); err != nil || n != 1 {
		e.t.Fatalf("the sweep after the fault breached %d (%v), want 1", n, err)
	}
	e.breachedOnce(ids)
}

// Two replicas sweep 500 due incidents at once: each is breached exactly
// once and neither sweep fails (a deadlock would fail one).
func testConcurrentSweepBurst(e *env) {
	ids := e.declareMany(500, "SEV1")
	at := micro(Start).Add(10 * time.Minute)
	stores := []arqir.Store{e.st, e.another()}
	commits := []*sweepCommits{e.countSweepCommits(stores[0]), e.countSweepCommits(stores[1])}
	var (
		start, done sync.WaitGroup
		mu          sync.Mutex
		total       int
	)
	start.Add(1)
	for _, st := range stores {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			n, err := st.SweepDeadlines(e.ctx, at)
			if err != nil {
				e.t.Errorf("sweep: %v", err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	start.Done()
	done.Wait()
	if e.t.Failed() {
		return
	}
	if total != len(ids) {
		e.t.Fatalf("concurrent sweeps reported %d breaches, want %d", total, len(ids))
	}
	txs0, _ := commits[0].read()
	txs1, _ := commits[1].read()
	e.t.Logf("%d breaches in %d + %d transactions", total, txs0, txs1)
	e.breachedOnce(ids)
}

// Under PostgreSQL a batch skips the incidents another transaction holds
// rather than wait (replicas never deadlock). When the holder is not
// another sweep — here a transaction changing the incident holds its row
// as every change does (FOR NO KEY UPDATE) — the sweep waits for it at the
// end of its pass and breaches the incident, rather than leave it for a
// later tick. (A transaction only appending to the timeline holds the row
// FOR KEY SHARE, which no change waits for.)
func testSweepHeldIncident(e *env) {
	db := e.rawDB()
	if isSQLite(e, db) {
		e.t.Skip("SQLite has no row locks: the sweep's write transaction excludes every other writer")
	}
	ids := e.declareMany(3, "SEV1")
	tx, err := db.BeginTx(e.ctx, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	defer tx.Rollback()
	var holder int
	if err := tx.QueryRowContext(e.ctx, "SELECT pg_backend_pid()").Scan(&holder); err != nil {
		e.t.Fatal(err)
	}
	if _, err := tx.ExecContext(e.ctx, "SELECT id FROM incidents WHERE id = $1 FOR NO KEY UPDATE", ids[1]); err != nil {
		e.t.Fatal(err)
	}
	done := e.sweepAsync(micro(Start).Add(10 * time.Minute))
	e.waitBlockedBy(db, holder, done)
	if err := tx.Commit(); err != nil {
		e.t.Fatal(err)
	}
	if r := <-done; r.err != nil || r.n != len(ids) {
		e.t.Fatalf("sweep breached %d (%v), want %d", r.n, r.err, len(ids))
	}
	e.breachedOnce(ids)
}

// A breach marks the KPIs of its incident's declaration day stale: an
// insert into kpi_stale, which waits for another transaction inserting the
// same day. The only rows two sweep batches on distinct incidents share,
// they are taken in one order — by declaration — everywhere. Here the
// other batch is a transaction that follows that order: it holds day 1,
// the sweep waits for it, then it takes day 2. Had the sweep breached in
// due order (day 2's incident is due first), it would hold day 2 by then,
// and PostgreSQL would break the deadlock by failing one side.
func testSweepKPIDayOrder(e *env) {
	db := e.rawDB()
	if isSQLite(e, db) {
		e.t.Skip("SQLite runs one write transaction at a time")
	}
	day1, day2 := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)
	e.clock.Set(day2.Add(-time.Minute))
	first := e.declare("SEV2", "Payments slow").ID // due day 2, 00:14
	e.clock.Set(day2)
	second := e.declare("SEV1", "Checkout down").ID // due day 2, 00:05: first in due order
	if _, err := db.ExecContext(e.ctx, "DELETE FROM kpi_stale"); err != nil {
		e.t.Fatal(err)
	}
	other, err := db.BeginTx(e.ctx, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	defer other.Rollback()
	var pid int
	if err := other.QueryRowContext(e.ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		e.t.Fatal(err)
	}
	const mark = "INSERT INTO kpi_stale (day) VALUES ($1) ON CONFLICT (day) DO NOTHING"
	if _, err := other.ExecContext(e.ctx, mark, day1.UnixMicro()); err != nil {
		e.t.Fatal(err)
	}
	done := e.sweepAsync(day2.Add(20 * time.Minute))
	e.waitBlockedBy(db, pid, done)
	if _, err := other.ExecContext(e.ctx, mark, day2.UnixMicro()); err != nil {
		e.t.Fatalf("the other transaction, taking the days in order: %v", err)
	}
	if err := other.Commit(); err != nil {
		e.t.Fatal(err)
	}
	if r := <-done; r.err != nil || r.n != 2 {
		e.t.Fatalf("sweep breached %d (%v), want 2", r.n, r.err)
	}
	e.breachedOnce([]arqir.IncidentID{first, second})
}

// sweepResult is what a sweep returned.
type sweepResult struct {
	n   int
	err error
}

// sweepAsync sweeps at at in a goroutine.
func (e *env) sweepAsync(at time.Time) <-chan sweepResult {
	done := make(chan sweepResult, 1)
	go func() {
		n, err := e.st.SweepDeadlines(e.ctx, at)
		done <- sweepResult{n, err}
	}()
	return done
}

// waitBlockedBy waits until a PostgreSQL session waits for a lock the
// session pid holds, failing the test if the sweep returns first.
func (e *env) waitBlockedBy(db *sql.DB, pid int, sweep <-chan sweepResult) {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		select {
		case r := <-sweep:
			e.t.Fatalf("the sweep returned (%d, %v) without waiting for the other transaction", r.n, r.err)
		default:
		}
		var waiting int
		if err := db.QueryRowContext(e.ctx, "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", pid).Scan(&waiting); err != nil {
			e.t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatal("the sweep neither returned nor waited for the other transaction within 10 s")
		}
	}
}

// isSQLite reports whether db is SQLite (else PostgreSQL), for the scenes
// that need each database's own SQL.
func isSQLite(e *env, db *sql.DB) bool {
	var v string
	return db.QueryRowContext(e.ctx, "SELECT sqlite_version()").Scan(&v) == nil
}

// poisonTimeline installs a trigger that makes every insert into the
// incident's timeline fail, and returns how to remove it.
func (e *env) poisonTimeline(db *sql.DB, id arqir.IncidentID) (drop func()) {
	e.t.Helper()
	stmts := []string{fmt.Sprintf(`CREATE TRIGGER sweep_poison BEFORE INSERT ON timeline_events
		WHEN NEW.incident_id = %d BEGIN SELECT RAISE(ABORT, 'poisoned by the test'); END`, id)}
	undo := []string{"DROP TRIGGER sweep_poison"}
	if !isSQLite(e, db) {
		stmts = []string{
			`CREATE FUNCTION sweep_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poisoned by the test'; END $$`,
			fmt.Sprintf(`CREATE TRIGGER sweep_poison BEFORE INSERT ON timeline_events FOR EACH ROW
				WHEN (NEW.incident_id = %d) EXECUTE FUNCTION sweep_poison()`, id),
		}
		undo = []string{"DROP TRIGGER sweep_poison ON timeline_events", "DROP FUNCTION sweep_poison()"}
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(e.ctx, s); err != nil {
			e.t.Fatalf("install the fault: %v", err)
		}
	}
	return func() {
		e.t.Helper()
		for _, s := range undo {
			if _, err := db.ExecContext(e.ctx, s); err != nil {
				e.t.Fatalf("remove the fault: %v", err)
			}
		}
	}
}
