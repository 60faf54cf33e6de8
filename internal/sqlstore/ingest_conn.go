package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// The committer's own connection. Every ingest batch runs on one
// connection that the committer keeps, rather than on whichever the pool
// hands out:
//
//   - SQLite drops a connection's whole page cache when it begins a
//     transaction after another connection wrote, so on pooled
//     connections every batch read the pages it touches (the alert key
//     index, incidents, request keys) from the file again; as the one
//     writer of a storm, the committer's connection keeps them;
//   - each connection prepares ingest's statements once (ingest_stmt.go):
//     on the pool, a batch that got a new connection (the pool closes
//     those beyond its idle limit) parsed them all again.
//
// The dialect's IngestConnSetup runs on it when it opens. It is the same
// transaction as inTx's otherwise: the write semaphore on
// SQLite, rollback on error or panic, and the queued hook (store.go) after
// a commit that queued notifications due at once.
func (s *Store) ingestTx(ctx context.Context, c *committerState, fn func(tx *sql.Tx) error) (err error) {
	release, err := s.holdWriter(ctx)
	if err != nil {
		return err
	}
	defer release()
	if c.conn == nil {
		if c.conn, err = s.db.Conn(ctx); err != nil {
			return fmt.Errorf("open the ingest connection to %s: %w", s.d.Name, err)
		}
		for _, q := range s.d.IngestConnSetup {
			if _, err := c.conn.ExecContext(ctx, q); err != nil {
				c.releaseConn()
				return fmt.Errorf("set up the ingest connection to %s (%s): %w", s.d.Name, q, err)
			}
		}
	}
	defer func() {
		if err != nil { // a broken connection is not kept: the next batch takes a new one
			c.releaseConn()
		}
	}()
	tx, err := c.conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin %s transaction: %w", s.d.Name, err)
	}
	committed := false
	defer func() { s.afterTx(tx, committed) }()
	err = s.finishTx(tx, fn)
	committed = err == nil
	return err
}

// releaseConn hands the committer's connection back to the pool, which
// discards it if it broke.
func (c *committerState) releaseConn() {
	if c.conn != nil {
		_ = c.conn.Close()
		c.conn = nil
	}
}
