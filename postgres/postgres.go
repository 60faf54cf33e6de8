// Package postgres is arqir's scale-out database: the store of
// internal/sqlstore on PostgreSQL (pgx through database/sql), shared by any
// number of replicas.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/arqir/arqir/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the numbered SQL migrations of the PostgreSQL schema.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the directory is embedded: it exists
	}
	return sub
}

// Pool bounds. Many replicas share one server whose max_connections
// (100 by default) must cover all of them. Every open connection may stay
// idle: with fewer idle than open, a busy dispatcher (64 sends, each with
// its reads) closed and reopened connections all the time, and each new
// PostgreSQL backend (fork, authentication, catalog caches) cost more
// than the queries it ran — 3/4 of both CPUs at 200 new incidents/s.
// Connections idle for a minute still close (SetConnMaxIdleTime).
const (
	maxOpenConns = 20
	maxIdleConns = maxOpenConns
)

// uniqueViolation is PostgreSQL's SQLSTATE for a unique constraint failure.
const uniqueViolation = "23505"

// Dialect is how the shared store speaks to PostgreSQL.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:                 "postgres",
		Goose:                goose.DialectPostgres,
		Migrations:           Migrations(),
		NumberedPlaceholders: true,
		// Replicas change the same incident: the row lock queues them, and
		// under READ COMMITTED the one that waited reads the row as the
		// other committed it. NO KEY UPDATE is what an UPDATE of non-key
		// columns takes anyway: it excludes every other writer of the row
		// but not the foreign-key checks of rows appended to its timeline
		// or outbox. FOR UPDATE conflicted with those, and the ingest
		// committer (locking a batch's incidents) deadlocked with the
		// dispatcher (appending delivery events to some of them) until
		// PostgreSQL's deadlock_timeout broke it a second later.
		RowLock: " FOR NO KEY UPDATE",
		// SHARE ROW EXCLUSIVE queues writers of the table but not readers,
		// nor the foreign-key checks of incidents being declared meanwhile.
		TableLock: "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE",
		// Loading an incident takes three statements; REPEATABLE READ makes
		// them see one snapshot.
		ReadTx:            sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
		IsUniqueViolation: isUniqueViolation,
		// Ingest batches of all replicas queue on the alerts table.
		IngestBegin: "LOCK TABLE alerts IN SHARE ROW EXCLUSIVE MODE",
		// A revocation waits for the batches that read the integration
		// (FOR KEY SHARE would not: it lets an UPDATE of revoked_at by).
		IngestShareLock: " FOR SHARE",
		// Ingest's lookup of alerts by key is planned with its values each
		// time, in one round trip (an unnamed statement): a plan cached
		// while the alerts table was nearly empty would scan it whole until
		// it is analyzed, and cost an alert storm dearly.
		LookupOption: pgx.QueryExecModeExec,
		// Without statistics, ingest's alert lookup by key reads every
		// alert of the integration: ingest analyzes alerts as it grows.
		Analyze: "ANALYZE %s",
	}
}

// Open connects to the PostgreSQL database at url (postgres://…; a
// search_path parameter selects a schema), applies the pending migrations
// and returns the store. now is the store's clock. Errors never include the
// URL, which may hold a password.
func Open(ctx context.Context, url string, now func() time.Time) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w: check the postgres:// URL", err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w: check the URL and that the server is running", err)
	}
	locker, err := migrationLocker(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	d := Dialect()
	if err := sqlstore.Migrate(ctx, db, d, goose.WithSessionLocker(locker)); err != nil {
		db.Close()
		return nil, err
	}
	return sqlstore.New(db, d, now), nil
}

// migrationLocker makes replicas that start together migrate one at a time:
// a session advisory lock, keyed by the schema so that databases kept in
// different schemas of one server do not wait for each other. It is
// retried every second for up to five minutes.
func migrationLocker(ctx context.Context, db *sql.DB) (lock.SessionLocker, error) {
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("read the PostgreSQL schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("arqir migrations " + schema))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("create the migration lock: %w", err)
	}
	return locker, nil
}

func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == uniqueViolation
}
