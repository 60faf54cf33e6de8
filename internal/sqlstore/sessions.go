package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arqir/arqir"
)

// sessionSecretBytes is the size of a session's cookie secret and of its
// CSRF token: 256 bits, beyond guessing.
const sessionSecretBytes = 32

// expiredPerSignIn bounds the expired sessions one sign-in deletes, so
// that the first sign-in after a long quiet spell stays quick.
const expiredPerSignIn = 100

// activeLogin selects the login of a user who is not deleted.
const activeLogin = `SELECT l.handle, l.role, l.must_change, l.updated_at, l.password_hash
	FROM logins l JOIN users u ON u.handle = l.handle
	WHERE l.handle = ? AND u.deleted_at IS NULL`

// SetPassword sets a user's password and role. The user's sessions end:
// whoever signed in with the old password, or as the old role, signs in
// again.
func (s *Store) SetPassword(ctx context.Context, handle, password string, role arqir.Role, mustChange bool) (*arqir.Login, error) {
	return s.putLogin(ctx, strings.TrimSpace(handle), password, role, mustChange, true)
}

// AddLogin is SetPassword for a user who has no login yet: it returns
// ECONFLICT when they have one, and leaves that one as it is. Replicas
// starting together each offer the first admin a password; one wins, and
// the others know theirs does not work (app.firstRun).
func (s *Store) AddLogin(ctx context.Context, handle, password string, role arqir.Role, mustChange bool) (*arqir.Login, error) {
	return s.putLogin(ctx, strings.TrimSpace(handle), password, role, mustChange, false)
}

func (s *Store) putLogin(ctx context.Context, handle, password string, role arqir.Role, mustChange, replace bool) (*arqir.Login, error) {
	switch n := utf8.RuneCountInString(password); {
	case n < arqir.MinPasswordLen:
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "password", "the password has %d characters, fewer than %d: choose a longer one (a few unrelated words make a good one)", n, arqir.MinPasswordLen)
	case len(password) > maxPasswordBytes:
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "password", "the password is over %d bytes: choose a shorter one", maxPasswordBytes)
	}
	if _, err := arqir.ParseRole(string(role)); err != nil {
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "role", "%s", arqir.ErrorMessage(err))
	}
	// Hashing takes tens of milliseconds: done before the transaction, so
	// that no write lock is held meanwhile.
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return nil, fmt.Errorf("set the password of %s: %w", handle, err)
	}
	l := &arqir.Login{Handle: handle, Role: role, MustChange: mustChange, UpdatedAt: s.clock()}
	insert := `INSERT INTO logins (handle, password_hash, role, must_change, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (handle) DO `
	if replace {
		insert += `UPDATE SET password_hash = excluded.password_hash, role = excluded.role, must_change = excluded.must_change, updated_at = excluded.updated_at`
	} else {
		insert += `NOTHING`
	}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if _, err := s.activeUser(ctx, tx, handle, "handle"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(insert), handle, hash, string(role), mustChange, micros(l.UpdatedAt))
		if err != nil {
			return fmt.Errorf("set the password of %s: %w", handle, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("set the password of %s: %w", handle, err)
		} else if n == 0 {
			return arqir.FieldErrorf(arqir.ECONFLICT, "handle", "%s can sign in already: change their password with arqir user password %s", handle, handle)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE handle = ?`), handle); err != nil {
			return fmt.Errorf("end the sessions of %s: %w", handle, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// errNoLogin stands for "no such user, or no password, or deleted"; the
// caller answers all three alike.
var errNoLogin = errors.New("no login")

// wrongPassword is the one answer to a failed sign-in: it does not say
// whether the handle exists.
func wrongPassword() error {
	return arqir.Errorf(arqir.EUNAUTHORIZED, "wrong handle or password: check both, or ask an admin to set a new password (arqir user password HANDLE)")
}

// CheckPassword returns the login when the password is the user's. An
// unknown handle costs one hash too, so that it is answered like a wrong
// password in about the same time.
func (s *Store) CheckPassword(ctx context.Context, handle, password string) (*arqir.Login, error) {
	handle = strings.TrimSpace(handle)
	l, hash, err := s.login(ctx, handle)
	if errors.Is(err, errNoLogin) {
		if err := spendHash(ctx, password); err != nil {
			return nil, fmt.Errorf("check a password: %w", err)
		}
		return nil, wrongPassword()
	} else if err != nil {
		return nil, fmt.Errorf("check the password of %s: %w", handle, err)
	}
	ok, err := verifyPassword(ctx, hash, password)
	if err != nil {
		return nil, fmt.Errorf("check the password of %s: %w", handle, err)
	} else if !ok {
		return nil, wrongPassword()
	}
	return l, nil
}

// Login returns the login of a user who can sign in. Returns ENOTFOUND
// when the user is unknown, deleted or has no password.
func (s *Store) Login(ctx context.Context, handle string) (*arqir.Login, error) {
	handle = strings.TrimSpace(handle)
	l, _, err := s.login(ctx, handle)
	if errors.Is(err, errNoLogin) {
		return nil, arqir.FieldErrorf(arqir.ENOTFOUND, "handle", "%q cannot sign in: there is no such user, or they were deleted, or they have no password yet (arqir user password %s)", handle, handle)
	} else if err != nil {
		return nil, fmt.Errorf("read the login of %s: %w", handle, err)
	}
	return l, nil
}

// login reads an active user's login and password hash; errNoLogin when
// there is none.
func (s *Store) login(ctx context.Context, handle string) (*arqir.Login, string, error) {
	var (
		l       arqir.Login
		updated int64
		hash    string
	)
	err := s.db.QueryRowContext(ctx, s.q(activeLogin), handle).Scan(&l.Handle, &l.Role, &l.MustChange, &updated, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errNoLogin
	} else if err != nil {
		return nil, "", err
	}
	l.UpdatedAt = fromMicros(updated)
	return &l, hash, nil
}

// CountLogins counts the users who can sign in: deleted users do not
// count.
func (s *Store) CountLogins(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM logins l JOIN users u ON u.handle = l.handle WHERE u.deleted_at IS NULL`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count logins: %w", err)
	}
	return n, nil
}

// CreateSession signs a login in until now+ttl with the login's role, and
// deletes a batch of expired sessions on the way. Returns EUNAUTHORIZED
// when the user cannot sign in (deleted since their password was checked,
// or never given one), EINVALID for a ttl that is not positive.
func (s *Store) CreateSession(ctx context.Context, handle string, ttl time.Duration) (string, *arqir.Session, error) {
	handle = strings.TrimSpace(handle)
	if ttl <= 0 {
		return "", nil, arqir.Errorf(arqir.EINVALID, "a session needs a positive lifetime, not %s", ttl)
	}
	secret, err := newSessionSecret()
	if err != nil {
		return "", nil, fmt.Errorf("sign %s in: %w", handle, err)
	}
	csrf, err := newSessionSecret()
	if err != nil {
		return "", nil, fmt.Errorf("sign %s in: %w", handle, err)
	}
	now := s.clock()
	sess := &arqir.Session{ID: hashSecret(secret), Handle: handle, CSRF: csrf, CreatedAt: now, ExpiresAt: storable(now.Add(ttl))}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`SELECT l.role FROM logins l JOIN users u ON u.handle = l.handle
			WHERE l.handle = ? AND u.deleted_at IS NULL`), handle).Scan(&sess.Role)
		if errors.Is(err, sql.ErrNoRows) {
			return arqir.Errorf(arqir.EUNAUTHORIZED, "%q cannot sign in: the user was deleted or has no password", handle)
		} else if err != nil {
			return fmt.Errorf("read the login of %s: %w", handle, err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ? LIMIT ?)`),
			micros(now), expiredPerSignIn); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO sessions (id, handle, role, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`),
			sess.ID, sess.Handle, string(sess.Role), sess.CSRF, micros(sess.CreatedAt), micros(sess.ExpiresAt))
		if err != nil {
			return fmt.Errorf("sign %s in: %w", handle, err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

// Session returns the live session of a cookie secret. Only the secret's
// hash is looked up, so no comparison of secrets can leak timing. A
// session of a deleted user, or an expired one, is deleted on the way.
func (s *Store) Session(ctx context.Context, secret string) (*arqir.Session, error) {
	if secret == "" {
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "not signed in: sign in first")
	}
	st, err := s.read(ctx, `SELECT s.id, s.handle, s.role, s.csrf, s.created_at, s.expires_at, u.deleted_at
		FROM sessions s JOIN users u ON u.handle = s.handle WHERE s.id = ?`)
	if err != nil {
		return nil, fmt.Errorf("read a session: %w", err)
	}
	var (
		sess             arqir.Session
		created, expires int64
		deleted          sql.NullInt64
	)
	err = st.queryRow(ctx, hashSecret(secret)).Scan(&sess.ID, &sess.Handle, &sess.Role, &sess.CSRF, &created, &expires, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "unknown session (signed out, or ended by a password change): sign in again")
	} else if err != nil {
		return nil, fmt.Errorf("read a session: %w", err)
	}
	sess.CreatedAt, sess.ExpiresAt = fromMicros(created), fromMicros(expires)
	now := s.clock()
	switch {
	case deleted.Valid:
		s.forgetSession(ctx, sess.ID)
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "user %s was deleted, so their sessions ended: ask an admin if that is a mistake", sess.Handle)
	case !sess.ExpiresAt.After(now):
		s.forgetSession(ctx, sess.ID)
		return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "the session expired at %s: sign in again", sess.ExpiresAt.Format(time.RFC3339))
	}
	return &sess, nil
}

// forgetSession deletes a session that can no longer be used. Best
// effort: the session is refused either way, and a later sign-in deletes
// what is left.
func (s *Store) forgetSession(ctx context.Context, id string) {
	_, _ = s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE id = ?`), id)
}

// DeleteSession signs a session out; unknown secrets are ignored.
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE id = ?`), hashSecret(secret)); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

// newSessionSecret returns 32 random bytes, base64url without padding: a
// cookie value and a form field as they are.
func newSessionSecret() (string, error) {
	b := make([]byte, sessionSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
