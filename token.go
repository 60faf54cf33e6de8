package arqir

import (
	"context"
	"time"
)

// Role is what a token may do.
type Role string

// Roles, each including the ones before it.
const (
	RoleViewer    Role = "viewer"    // read everything
	RoleResponder Role = "responder" // act on incidents
	RoleAdmin     Role = "admin"     // everything, including policy and tokens
)

// ParseRole accepts viewer, responder or admin.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleViewer, RoleResponder, RoleAdmin:
		return Role(s), nil
	}
	return "", FieldErrorf(EINVALID, "role", "unknown role %q: use viewer, responder or admin", s)
}

// Allows reports whether a token of role r may act as role need.
func (r Role) Allows(need Role) bool { return r.rank() >= need.rank() }

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleResponder:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Token is an API credential. The secret itself is shown once at creation
// and stored only as a hash.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// TokenService issues and checks API tokens.
type TokenService interface {
	// CreateToken stores a new token and returns its secret, which cannot be
	// read again. Returns EINVALID for an empty name or unknown role, ECONFLICT
	// if an active token has the name.
	CreateToken(ctx context.Context, name string, role Role) (secret string, t *Token, err error)
	// Authenticate returns the active token with this secret. Returns
	// EUNAUTHORIZED for an unknown or revoked secret.
	Authenticate(ctx context.Context, secret string) (*Token, error)
	// Tokens lists all tokens, revoked ones included.
	Tokens(ctx context.Context) ([]*Token, error)
	// RevokeToken stops a token at once. Returns ENOTFOUND.
	RevokeToken(ctx context.Context, id int64) error
	// CountTokens counts tokens ever created (a fresh database has none).
	CountTokens(ctx context.Context) (int, error)
}
