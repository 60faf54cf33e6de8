package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// Token secrets.
const (
	tokenPrefix = "arq_" // lets secret scanners and people recognise an arqir token
	tokenBytes  = 32
	// lastUsedEvery bounds writes: last use is recorded at most once a
	// minute per token, not on every request.
	lastUsedEvery = time.Minute
)

var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

const tokenColumns = "id, name, role, created_at, last_used_at, revoked_at"

// CreateToken stores a new token and returns its secret; only the secret's
// SHA-256 is stored, so it cannot be read again.
func (s *Store) CreateToken(ctx context.Context, name string, role arqir.Role) (string, *arqir.Token, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", nil, arqir.FieldErrorf(arqir.EINVALID, "name", "a token needs a name that says who or what uses it, e.g. \"ci\" or \"alice\"")
	case len(name) > arqir.MaxNameLen:
		return "", nil, arqir.FieldErrorf(arqir.EINVALID, "name", "the token name is over %d characters", arqir.MaxNameLen)
	case strings.EqualFold(name, arqir.SystemActor.Name):
		// The timeline shows the token's name as the actor; "system" is arqir itself.
		return "", nil, arqir.FieldErrorf(arqir.EINVALID, "name", "%q is reserved for arqir's own actions: pick another name", name)
	}
	if _, err := arqir.ParseRole(string(role)); err != nil {
		return "", nil, err
	}
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("create token %q: read random bytes: %w", name, err)
	}
	secret := tokenPrefix + strings.ToLower(secretEncoding.EncodeToString(raw))
	t := &arqir.Token{Name: name, Role: role, CreatedAt: s.clock()}
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
		name, string(role), hashSecret(secret), micros(t.CreatedAt)).Scan(&t.ID)
	if s.d.IsUniqueViolation(err) {
		return "", nil, arqir.FieldErrorf(arqir.ECONFLICT, "name", "an active token is already named %q: pick another name or revoke that token first", name)
	} else if err != nil {
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	return secret, t, nil
}

// Authenticate returns the active token with this secret.
func (s *Store) Authenticate(ctx context.Context, secret string) (*arqir.Token, error) {
	if secret == "" {
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "no token given: send one as \"Authorization: Bearer arq_…\"")
	}
	// Looking up by hash needs no constant-time comparison: the secret
	// itself is never compared.
	st, err := s.read(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`)
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	t, err := scanToken(st.queryRow(ctx, hashSecret(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "unknown token: check it was copied whole, or ask an admin for a new one")
	} else if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if t.RevokedAt != nil {
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "the token was revoked at %s: ask an admin for a new one", t.RevokedAt.Format(time.RFC3339))
	}
	now := s.clock()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUsedEvery {
		// Best effort: a busy database must not fail a request over
		// bookkeeping, so the error is dropped (the next request retries).
		// The condition repeats the check so that concurrent requests write
		// once. This is the one write a rejected request can cause.
		_, err := s.db.ExecContext(ctx, s.q(`UPDATE tokens SET last_used_at = ?
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`),
			micros(now), t.ID, micros(now.Add(-lastUsedEvery)))
		if err == nil {
			t.LastUsedAt = &now
		}
	}
	return t, nil
}

// Tokens lists all tokens, oldest first, revoked ones included.
func (s *Store) Tokens(ctx context.Context) ([]*arqir.Token, error) {
	out, err := queryAll(ctx, s.db, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`, scanToken)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken stops a token at once. Revoking a revoked token keeps its
// first revocation time.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`), micros(s.clock()), id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	} else if n > 0 {
		return nil
	}
	var one int
	err = s.db.QueryRowContext(ctx, s.q(`SELECT 1 FROM tokens WHERE id = ?`), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return arqir.Errorf(arqir.ENOTFOUND, "there is no token %d: list the tokens to find its ID", id)
	} else if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return nil
}

// CountTokens counts tokens ever created, revoked ones included.
func (s *Store) CountTokens(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tokens: %w", err)
	}
	return n, nil
}

func scanToken(sc scanner) (*arqir.Token, error) {
	var (
		t               arqir.Token
		created         int64
		lastUsed, revok sql.NullInt64
	)
	if err := sc.Scan(&t.ID, &t.Name, &t.Role, &created, &lastUsed, &revok); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = fromMicros(created), fromNullMicros(lastUsed), fromNullMicros(revok)
	return &t, nil
}

// hashSecret is what the database keeps of a secret.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
