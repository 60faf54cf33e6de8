package sqlstore

import (
	"database/sql"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

// Dialect is what differs between the databases the store runs on. Everything
// else — every statement, every transaction — is shared, so SQLite and
// PostgreSQL cannot drift apart in behaviour.
type Dialect struct {
	// Name names the database in messages, e.g. "sqlite".
	Name string
	// Goose is the dialect goose applies the migrations with.
	Goose goose.Dialect
	// Migrations holds the numbered SQL migration files at its root.
	Migrations fs.FS
	// NumberedPlaceholders rewrites the store's "?" placeholders to $1, $2…
	NumberedPlaceholders bool
	// RowLock follows the SELECT that reads an incident before a change, e.g.
	// " FOR UPDATE". Empty where a write transaction already excludes every
	// other writer (SQLite's BEGIN IMMEDIATE).
	RowLock string
	// TableLock, when set, is a statement with one %s for a table name that
	// makes concurrent writers of that table queue, e.g.
	// "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE"; readers are not blocked.
	TableLock string
	// SerializeWrites queues this process's write transactions on a Go
	// semaphore before BEGIN. SQLite allows one writer at a time, and its
	// busy handler polls with sleeps of up to 100 ms; waiting in Go hands the
	// lock over at once, which keeps the tail latency of concurrent changes
	// low. Other processes are still excluded by the database's own lock.
	SerializeWrites bool
	// ReadTx are the options of read-only transactions: they must see one
	// snapshot across the statements that load an incident.
	ReadTx sql.TxOptions
	// IsUniqueViolation reports whether err is a unique constraint violation.
	IsUniqueViolation func(err error) bool
	// PrepareIngest keeps ingest's statements, and the lookups every
	// request makes (authentication, signing secret), prepared for the
	// store's life. For drivers that parse every statement anew (modernc SQLite);
	// pgx caches prepared statements per connection by itself, and
	// preparing on another connection would wait for the table lock the
	// batch holds.
	PrepareIngest bool
	// IngestBegin, when set, runs first in every ingest transaction (one
	// round trip, no arguments): it makes concurrent ingest batches of
	// other processes queue, e.g. by locking the alerts table. Without it
	// the database must already exclude other writers (SQLite).
	IngestBegin string
	// IngestShareLock follows ingest's read of a batch's integrations, e.g.
	// " FOR SHARE": a revocation or rotation then waits for the batches
	// that read the integration as it was, so that once it returns no
	// request it refused is stored. Empty where a write transaction
	// already excludes every other writer (SQLite).
	IngestShareLock string
	// LookupOption, when set, is passed as the first argument of ingest's
	// lookup of a batch's alerts by key so that the driver plans it with
	// its values instead of a plan cached while the table was nearly empty
	// (a sequential scan that would stay until the table is analyzed),
	// e.g. pgx.QueryExecModeExec. Lookups by a whole primary key and
	// writes keep their cached plans.
	LookupOption any
	// IngestConnSetup are statements run once on the ingest committer's
	// own connection (ingest_conn.go) when it opens, e.g. SQLite's
	// "PRAGMA temp_store = MEMORY".
	IngestConnSetup []string
	// Analyze, when set, is a statement with one %s for a table name that
	// refreshes the planner's statistics of the table, e.g. "ANALYZE %s".
	// Ingest runs it on alerts as a storm grows the table from small
	// (ingest_analyze.go). Empty where the planner needs none (SQLite).
	Analyze string
}

// rebind rewrites "?" placeholders for the dialect. Quoted literals are left
// alone so that a "?" inside one is not taken for a placeholder.
func (d Dialect) rebind(query string) string {
	if !d.NumberedPlaceholders || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// skipLocked is the locking clause of a SELECT that takes rows no other
// transaction holds and skips the rest (PostgreSQL: FOR UPDATE SKIP
// LOCKED), so that dispatchers on several replicas claim disjoint rows
// without waiting for each other. Empty where a write transaction already
// excludes every other writer (SQLite).
func (d Dialect) skipLocked() string {
	if d.RowLock == "" {
		return ""
	}
	return d.RowLock + " SKIP LOCKED"
}
