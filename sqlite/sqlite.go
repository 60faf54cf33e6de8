// Package sqlite is arqir's embedded database: the store of internal/sqlstore
// on a SQLite file (modernc.org/sqlite, pure Go, so the binary stays static).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/arqir/arqir/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the numbered SQL migrations of the SQLite schema.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the directory is embedded: it exists
	}
	return sub
}

// Dialect is how the shared store speaks to SQLite.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:       "sqlite",
		Goose:      goose.DialectSQLite3,
		Migrations: Migrations(),
		// No row lock: with _txlock=immediate a write transaction holds the
		// database's write lock from BEGIN, which excludes every other writer.
		RowLock: "",
		// SQLite has one writer at a time anyway: queue them in Go rather
		// than in SQLite's sleeping busy handler.
		SerializeWrites: true,
		// BEGIN (deferred) reads one snapshot of the WAL without taking the
		// write lock, so reads never wait for writers.
		ReadTx:            sql.TxOptions{ReadOnly: true},
		IsUniqueViolation: isUniqueViolation,
		// The driver parses every statement it is given: ingest's hot
		// statements are prepared once instead.
		PrepareIngest: true,
		// Each multi-row write of an ingest batch keeps the pages it
		// changes in a statement journal until it completes; past 64 KiB
		// SQLite spills that to a temporary file, a write system call per
		// page (7% of a storm's CPU). In memory on the committer's
		// connection only: other connections' large sorts keep spilling
		// to disk.
		IngestConnSetup: []string{"PRAGMA temp_store = MEMORY"},
	}
}

// maxIdleConns is how many pooled connections stay open between requests:
// as many as the requests a busy server runs at once. With 8, 64 alert
// senders made the pool close and reopen connections all the time, each
// reopening the file, running the pragmas and preparing its statements
// again (a quarter of the CPU of single-alert ingest). Those beyond a
// quiet minute's need still close (SetConnMaxIdleTime below).
const maxIdleConns = 64

// Open opens (creating it if needed) the SQLite database at path, applies
// the pending migrations and returns the store. now is the store's clock.
func Open(ctx context.Context, path string, now func() time.Time) (*sqlstore.Store, error) {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open SQLite database %s: %w: check that its directory exists and is writable", path, err)
	}
	// Keep connections open while busy: a new one reopens the file and runs
	// the pragmas. Close them after a quiet minute: each holds its own page
	// cache in SQLite's C heap (measured: 65 MB RSS after a load, ~35 MB of
	// it idle connections' caches; docs/benchmarks.md).
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(time.Minute)
	d := Dialect()
	if err := sqlstore.Migrate(ctx, db, d); err != nil {
		db.Close()
		return nil, fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	return sqlstore.New(db, d, now), nil
}

// dsn is the connection string: every connection of the pool gets these
// pragmas, as SQLite keeps them per connection.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")  // readers do not block the writer, nor it them
	q.Add("_pragma", "synchronous(FULL)")  // delivery contract: a change is on disk before it is acknowledged
	q.Add("_pragma", "busy_timeout(5000)") // a writer waits up to 5 s for the lock instead of failing at once
	q.Add("_pragma", "foreign_keys(1)")    // SQLite leaves foreign keys unchecked unless asked
	q.Set("_txlock", "immediate")          // writers queue at BEGIN: no read-then-upgrade deadlock (SQLITE_BUSY) mid-transaction
	// A file: URI with the path escaped, so that a "?", "#" or "%" in a file
	// name is not read as the start of the parameters.
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// isUniqueViolation reports a UNIQUE or PRIMARY KEY constraint failure.
func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
