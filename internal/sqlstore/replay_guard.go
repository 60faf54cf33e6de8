package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// FirstSeen records key until until and reports whether it is new: false
// means a request with this key was already accepted (by any replica) and
// its window is still open. Expired keys are forgotten on the way.
func (s *Store) FirstSeen(ctx context.Context, key string, now, until time.Time) (bool, error) {
	var fresh bool
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM replay_guard WHERE expires_at <= ?`), micros(storable(now))); err != nil {
			return fmt.Errorf("forget expired request keys: %w", err)
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO replay_guard (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`), key, micros(storable(until)))
		if err != nil {
			return fmt.Errorf("remember the request key: %w", err)
		}
		n, err := res.RowsAffected()
		fresh = n == 1
		return err
	})
	return fresh, err
}
