package sqlstore

import (
	"context"
	"database/sql"
	"math/bits"
	"slices"
)

// Prepared statements for ingest. A batch's statements have a row count
// that varies with the load; preparing a new text each time (SQLite parses
// it, PostgreSQL plans it and costs a round trip) would be a good part of
// the work. So multi-row writes are split into chunks of a few sizes, four
// per doubling (8, 10, 12, 14, 16, 20, …, 224, 256, and 1 to 7), and IN
// lists are padded to a power of two by repeating their last value, which
// leaves a few dozen texts per statement, each prepared once per
// connection and kept for the store's life. Four sizes per doubling rather
// than one: a batch of 30 single-alert requests writes each table in two
// statements (28 + 2) instead of four (16 + 8 + 4 + 2), and on PostgreSQL
// each statement is a round trip.

// maxChunk bounds the rows of one statement: 21 alert columns × 256 stays
// under SQLite's 32 766 parameters and PostgreSQL's 65 535.
const maxChunk = 256

// prepared is a statement of ingest run in the batch's transaction, or a
// hot read run on the pool (see Store.read): prepared once for the store
// when the dialect asks for it, else sent as text (and cached by the
// driver).
type prepared struct {
	x  querier   // the transaction or the pool; used when st is nil
	st *sql.Stmt // nil: send q
	q  string
}

func (p prepared) query(ctx context.Context, args ...any) (*sql.Rows, error) {
	if p.st != nil {
		return p.st.QueryContext(ctx, args...)
	}
	return p.x.QueryContext(ctx, p.q, args...)
}

func (p prepared) exec(ctx context.Context, args ...any) (sql.Result, error) {
	if p.st != nil {
		return p.st.ExecContext(ctx, args...)
	}
	return p.x.ExecContext(ctx, p.q, args...)
}

func (p prepared) queryRow(ctx context.Context, args ...any) *sql.Row {
	if p.st != nil {
		return p.st.QueryRowContext(ctx, args...)
	}
	return p.x.QueryRowContext(ctx, p.q, args...)
}

// stmt returns query ready to run in tx, preparing it on first use when
// the dialect keeps ingest's statements prepared.
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (prepared, error) {
	q := s.q(query)
	if !s.d.PrepareIngest {
		return prepared{x: tx, q: q}, nil
	}
	st, err := s.cached(ctx, q)
	if err != nil {
		return prepared{}, err
	}
	return prepared{x: tx, st: tx.StmtContext(ctx, st)}, nil
}

// read returns query ready to run on the pool, outside any transaction,
// prepared like ingest's statements: for the lookups every request makes
// (authenticating a token or an integration, its signing secret), whose
// parsing would otherwise be a good part of a small request's work.
func (s *Store) read(ctx context.Context, query string) (prepared, error) {
	q := s.q(query)
	if !s.d.PrepareIngest {
		return prepared{x: s.db, q: q}, nil
	}
	st, err := s.cached(ctx, q)
	if err != nil {
		return prepared{}, err
	}
	return prepared{x: s.db, st: st}, nil
}

// cached returns the store's prepared statement of the rebound query q,
// preparing it on first use; database/sql prepares it again on each
// connection that runs it.
func (s *Store) cached(ctx context.Context, q string) (*sql.Stmt, error) {
	if v, ok := s.stmts.Load(q); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if v, loaded := s.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		st = v.(*sql.Stmt)
	}
	return st, nil
}

// chunks calls fn for consecutive runs of rows of the chunk sizes, each
// the largest that fits (chunkSize): 300 rows are 256 + 40 + 4.
func chunks(rows int, fn func(offset, n int) error) error {
	for off := 0; off < rows; {
		n := chunkSize(rows - off)
		if err := fn(off, n); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// chunkSize is the largest chunk size of at most rows (≥ 1): rows itself
// up to 8, else 8, 10, 12 or 14 times a power of two, at most maxChunk.
func chunkSize(rows int) int {
	if rows <= 8 {
		return rows
	}
	if rows >= maxChunk {
		return maxChunk
	}
	shift := bits.Len(uint(rows)) - 4 // rows>>shift is 8 to 15
	return (rows >> shift) &^ 1 << shift
}

// padded returns a copy of vals grown to a power of two by repeating the
// last value, for an IN list (a repeated value changes nothing there);
// vals must not be empty.
func padded(vals []any) []any {
	out := make([]any, 1<<bits.Len(uint(len(vals)-1)))
	copy(out, vals)
	for i := len(vals); i < len(out); i++ {
		out[i] = vals[len(vals)-1]
	}
	return out
}

// queryIn runs a query whose one IN list, written as "(%s)"-free text
// around it, gets vals; before are the arguments ahead of the list. The
// list is cut into chunks of maxChunk and padded, and each chunk's rows go
// to scan. It is for lookups by a whole primary or unique key, which every
// plan answers through that key's index: their plans are cached.
func (b *batch) queryIn(head, tail string, before []any, vals []any, scan func(*sql.Rows) error) error {
	return b.lookupIn(nil, head, tail, before, vals, scan)
}

// queryInPlanned is queryIn planned with its values each time (the
// dialect's LookupOption), for a lookup whose best plan depends on the
// table's statistics and that grows with a storm: the alerts of a batch
// (see ingest_analyze.go), its request keys. On
// PostgreSQL that costs a planning per chunk (a few milliseconds of the
// server's CPU for a list of 256), which the other lookups are spared.
func (b *batch) queryInPlanned(head, tail string, before []any, vals []any, scan func(*sql.Rows) error) error {
	return b.lookupIn(b.s.d.LookupOption, head, tail, before, vals, scan)
}

func (b *batch) lookupIn(opt any, head, tail string, before []any, vals []any, scan func(*sql.Rows) error) error {
	for chunk := range slices.Chunk(vals, maxChunk) {
		p := padded(chunk)
		st, err := b.s.stmt(b.ctx, b.tx, head+"("+placeholders(len(p))+")"+tail)
		if err != nil {
			return err
		}
		args := append(slices.Clip(before), p...)
		if opt != nil {
			args = append([]any{opt}, args...)
		}
		rows, err := st.query(b.ctx, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
