package arqir

import (
	"context"
	"time"
)

// Role is what a token may do.
type Role string

// Roles. Viewer, responder and admin each include the ones before them.
// Reporter stands apart: it may only file reports (D5), so that support
// staff can open an incident without reading or changing any.
const (
	RoleViewer    Role = "viewer"    // read everything
	RoleResponder Role = "responder" // act on incidents
	RoleAdmin     Role = "admin"     // everything, including policy and tokens
	RoleReporter  Role = "reporter"  // file reports (D5), nothing else
)

// ParseRole accepts viewer, responder, admin or reporter.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleViewer, RoleResponder, RoleAdmin, RoleReporter:
		return Role(s), nil
	}
	return "", FieldErrorf(EINVALID, "role", "unknown role %q: use viewer, responder, admin or reporter", s)
}

// Allows reports whether a token of role r may act as role need. Filing a
// report (need RoleReporter) is allowed to reporters and to anyone who may
// act on incidents; a reporter may do nothing else, not even read.
func (r Role) Allows(need Role) bool {
	if need == RoleReporter {
		return r == RoleReporter || r.rank() >= RoleResponder.rank()
	}
	return r.rank() >= need.rank()
}

// rank orders the including roles; a reporter ranks with no role, below
// viewer, so every route that needs viewer or more refuses it.
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
