package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
)

// serverSecretLen is the size of a server secret: 256 bits, a full
// HMAC-SHA256 key.
const serverSecretLen = 32

// ServerSecret returns the named random secret of this installation,
// creating it on first use. Replicas asking at once each offer a secret of
// their own; the first insert wins and every one reads that one back, so
// all get the same bytes. The secret never appears in an error.
func (s *Store) ServerSecret(ctx context.Context, name string) ([]byte, error) {
	if strings.TrimSpace(name) == "" || len(name) > arqir.MaxNameLen {
		return nil, arqir.Errorf(arqir.EINVALID, "a server secret needs a name of 1 to %d bytes", arqir.MaxNameLen)
	}
	offer := make([]byte, serverSecretLen)
	if _, err := rand.Read(offer); err != nil {
		return nil, fmt.Errorf("make the %s server secret: %w", name, err)
	}
	var secret []byte
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`), name, offer, micros(s.clock())); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q(`SELECT secret FROM server_secrets WHERE name = ?`), name).Scan(&secret)
	})
	if err != nil {
		return nil, fmt.Errorf("read the %s server secret: %w", name, err)
	}
	return secret, nil
}
