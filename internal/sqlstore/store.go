// Package sqlstore implements arqir.Store once over database/sql for every
// database arqir runs on; a small Dialect carries what differs. The sqlite
// and postgres packages open a database, migrate it and hand it to New.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arqir/arqir"
	"github.com/pressly/goose/v3"
)

var _ arqir.Store = (*Store)(nil)

// Store keeps incidents, timelines, deadlines, tokens and policies in one
// SQL database. It is safe for concurrent use, also by several processes on
// the same database.
type Store struct {
	db    *sql.DB
	d     Dialect
	now   func() time.Time
	rules atomic.Pointer[arqir.Rules]

	// oncall is the on-call part of the active policy (oncall_rules.go).
	oncall atomic.Pointer[arqir.OnCallRules]

	// planner decides the notifications of every incident change
	// (notifications_plan.go); nil plans nothing.
	planner atomic.Pointer[plannerBox]

	// drafter pre-fills the RCA of an incident that resolves (rca_draft.go);
	// nil leaves the sections empty.
	drafter atomic.Pointer[arqir.RCADrafter]

	// writer is a one-slot semaphore held by a write transaction when the
	// dialect serialises writes (see Dialect.SerializeWrites).
	writer chan struct{}

	// bound caches rebound statements: the same few queries run on every request.
	bound sync.Map // string → string
	// stmts caches the prepared statements of ingest and of the hot reads
	// (ingest_stmt.go).
	stmts sync.Map // rebound query → *sql.Stmt

	// migrations reads the schema version for Ping; built on first use.
	migrations struct {
		once sync.Once
		p    *goose.Provider
		err  error
	}

	// queuedHook is called after a write transaction that queued
	// notifications due at once commits (SetQueuedHook); nil: none.
	queuedHook atomic.Pointer[func()]
	// queuedTx marks the transactions that queued such notifications
	// (insertNotifications), for inTx to call the hook after their commit.
	queuedTx sync.Map // *sql.Tx → struct{}

	// ingest is the group-commit goroutine of Ingest (ingest_committer.go).
	ingest struct {
		once sync.Once // starts it
		stop sync.Once // stops it
		c    atomic.Pointer[committerState]
	}
}

// New returns a store on a migrated database. now is the store's clock: every
// change is stamped with it (truncated to microseconds, in UTC).
func New(db *sql.DB, d Dialect, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, d: d, now: now, writer: make(chan struct{}, 1)}
}

// DB returns the underlying database, for tests and tools that need raw SQL.
func (s *Store) DB() *sql.DB { return s.db }

// SetRules installs the rules of the active policy; declarations and
// severity changes use the newest rules installed.
func (s *Store) SetRules(r arqir.Rules) { s.rules.Store(&r) }

// currentRules returns the installed rules or an error saying none are.
func (s *Store) currentRules() (arqir.Rules, error) {
	r := s.rules.Load()
	if r == nil {
		return arqir.Rules{}, arqir.Errorf(arqir.EINTERNAL, "no policy is loaded: apply a policy and install its rules before changing incidents")
	}
	return *r, nil
}

// Ping checks that the database answers and that every migration this build
// embeds is applied: a replica on an older schema is not ready.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.d.Name, err)
	}
	return s.checkMigrated(ctx)
}

// Close releases the database.
// Close releases the database after the ingest committer, if it runs, has
// committed its current batch.
func (s *Store) Close() error {
	s.stopCommitter()
	return s.db.Close()
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q returns the query rebound for the dialect.
func (s *Store) q(query string) string {
	if v, ok := s.bound.Load(query); ok {
		return v.(string)
	}
	b := s.d.rebind(query)
	s.bound.Store(query, b)
	return b
}

// SetQueuedHook installs fn to be called after the commit of every write
// transaction that queued a notification due at once (a change's plan,
// ingest, a breach found by the sweep, a role resolved into channels), so
// that a dispatcher in this process wakes up at once instead of at its next
// poll. fn runs on the committing goroutine after every lock is released:
// it must not block (e.g. a non-blocking send on a channel of one). It may
// be called when there is nothing left to claim. nil removes the hook.
func (s *Store) SetQueuedHook(fn func()) {
	if fn == nil {
		s.queuedHook.Store(nil)
		return
	}
	s.queuedHook.Store(&fn)
}

// markQueued notes that tx queued a notification due at once.
func (s *Store) markQueued(tx *sql.Tx) {
	if s.queuedHook.Load() != nil {
		s.queuedTx.Store(tx, struct{}{})
	}
}

// inTx runs fn in a transaction and commits it if fn succeeds. A nil opts
// starts a write transaction. When the committed transaction queued a
// notification due at once, the queued hook is called after the commit.
func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	var tx *sql.Tx
	committed := false
	defer func() { s.afterTx(tx, committed) }() // also when fn panics: the mark goes with its transaction
	err := s.runTx(ctx, opts, func(t *sql.Tx) error { tx = t; return fn(t) })
	committed = err == nil
	return err
}

// runTx is inTx without the hook: it holds the write semaphore until the
// transaction ends.
func (s *Store) runTx(ctx context.Context, opts *sql.TxOptions, fn func(tx *sql.Tx) error) (err error) {
	if opts == nil {
		release, err := s.holdWriter(ctx)
		if err != nil {
			return err
		}
		defer release()
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin %s transaction: %w", s.d.Name, err)
	}
	return s.finishTx(tx, fn)
}

// holdWriter takes the write semaphore when the dialect serialises writes
// (Dialect.SerializeWrites); release gives it back.
func (s *Store) holdWriter(ctx context.Context) (release func(), err error) {
	if !s.d.SerializeWrites {
		return func() {}, nil
	}
	select {
	case s.writer <- struct{}{}:
		return func() { <-s.writer }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the %s write lock: %w", s.d.Name, ctx.Err())
	}
}

// finishTx runs fn in tx and commits it, or rolls it back when fn fails or
// panics (the panic goes on).
func (s *Store) finishTx(tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("roll back: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s transaction: %w", s.d.Name, err)
	}
	return nil
}

// afterTx calls the queued hook when tx committed and queued a
// notification due at once, and forgets tx's mark either way.
func (s *Store) afterTx(tx *sql.Tx, committed bool) {
	if tx == nil {
		return
	}
	if _, queued := s.queuedTx.LoadAndDelete(tx); queued && committed {
		if h := s.queuedHook.Load(); h != nil {
			(*h)()
		}
	}
}

// readTx runs fn in a read-only transaction that sees one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	opts := s.d.ReadTx
	return s.inTx(ctx, &opts, fn)
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, 0, 3*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}
