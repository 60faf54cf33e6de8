package arqir

import (
	"context"
	"time"
)

// Login is a person's sign-in to the web UI: a user with a password and a
// role (the same roles as API tokens).
type Login struct {
	Handle string `json:"handle"`
	Role   Role   `json:"role"`
	// MustChange says the password was generated (first run) or reset and
	// should be changed at the next sign-in.
	MustChange bool      `json:"must_change"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Session is a signed-in browser. The token is a random secret kept only
// as a hash; CSRF is the per-session token every form must echo.
type Session struct {
	ID        string    `json:"-"` // the hash of the cookie's secret
	Handle    string    `json:"handle"`
	Role      Role      `json:"role"`
	CSRF      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 12

// SessionService keeps web sign-ins.
type SessionService interface {
	// SetPassword sets a user's password (hashed with Argon2id) and role.
	// Returns ENOTFOUND (no such user), EUNPROCESSABLE (password shorter
	// than MinPasswordLen, unknown role).
	SetPassword(ctx context.Context, handle, password string, role Role, mustChange bool) (*Login, error)
	// CheckPassword returns the login when the password is the user's.
	// Returns EUNAUTHORIZED for an unknown user or a wrong password
	// (the same answer for both, in about the same time).
	CheckPassword(ctx context.Context, handle, password string) (*Login, error)
	// CountLogins counts users who can sign in (a fresh database has none).
	CountLogins(ctx context.Context) (int, error)
	// CreateSession signs a login in until now+ttl and returns the cookie
	// secret (shown once) and the session.
	CreateSession(ctx context.Context, handle string, ttl time.Duration) (secret string, s *Session, err error)
	// Session returns the live session of a cookie secret. Returns
	// EUNAUTHORIZED when unknown or expired.
	Session(ctx context.Context, secret string) (*Session, error)
	// DeleteSession signs a session out; unknown secrets are ignored.
	DeleteSession(ctx context.Context, secret string) error
}
