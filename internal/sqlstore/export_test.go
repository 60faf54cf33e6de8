package sqlstore

import "database/sql"

// SetWriteFault makes every ingest batch call f with its transaction and
// the dedup keys of its requests (one list per request) before writing; an
// error from f fails the write. It returns a function that removes f.
func SetWriteFault(f func(tx *sql.Tx, keys [][]string) error) (restore func()) {
	writeFault = func(tx *sql.Tx, calls []*ingestCall) error {
		keys := make([][]string, len(calls))
		for i, c := range calls {
			for _, ev := range c.events {
				keys[i] = append(keys[i], ev.DedupKey)
			}
		}
		return f(tx, keys)
	}
	return func() { writeFault = nil }
}

// QueuedIngests returns how many requests wait for the store's committer.
func (s *Store) QueuedIngests() int {
	c := s.ingest.c.Load()
	if c == nil {
		return 0
	}
	return len(c.queue)
}

// RowLock is the clause that locks an incident before a change.
func (s *Store) RowLock() string { return s.d.RowLock }
