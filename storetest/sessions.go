package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

var sessionTests = []namedTest{
	{name: "PasswordsSetAndChecked", fn: testPasswords},
	{name: "PasswordHashIsArgon2idPHC", fn: testPasswordHash},
	{name: "SessionsCreateReadExpireDelete", fn: testSessions},
	{name: "SessionKeepsTheRoleOfItsSignIn", fn: testSessionRole},
	{name: "DeletedUserCannotSignIn", fn: testDeletedUserSessions},
	{name: "ExpiredSessionsDeletedOnTheWay", fn: testExpiredSessionsDeleted},
	{name: "FirstLoginAddedOnceAcrossReplicas", fn: testAddLogin},
}

// loginStore is what a store may offer beyond arqir.SessionService: the
// CLI reads a login to keep its role, and the first start adds the admin's
// login only if no replica did (app.firstRun).
type loginStore interface {
	Login(ctx context.Context, handle string) (*arqir.Login, error)
	AddLogin(ctx context.Context, handle, password string, role arqir.Role, mustChange bool) (*arqir.Login, error)
}

// rawDB is the database under a store, for checks of what it keeps.
func (e *env) rawDB() *sql.DB {
	e.t.Helper()
	db, ok := e.st.(interface{ DB() *sql.DB })
	if !ok {
		e.t.Fatalf("%T does not expose its database (DB() *sql.DB)", e.st)
	}
	return db.DB()
}

// setPassword gives a user a password and a role, failing on error.
func (e *env) setPassword(handle, password string, role arqir.Role) *arqir.Login {
	e.t.Helper()
	l, err := e.st.SetPassword(e.ctx, handle, password, role, false)
	if err != nil {
		e.t.Fatalf("set the password of %s: %v", handle, err)
	}
	return l
}

// signIn creates a session of an hour, failing on error.
func (e *env) signIn(handle string) (string, *arqir.Session) {
	e.t.Helper()
	secret, s, err := e.st.CreateSession(e.ctx, handle, time.Hour)
	if err != nil {
		e.t.Fatalf("sign %s in: %v", handle, err)
	}
	return secret, s
}

// countLogins counts the logins, failing on error.
func (e *env) countLogins() int {
	e.t.Helper()
	n, err := e.st.CountLogins(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func testPasswords(e *env) {
	if n := e.countLogins(); n != 0 {
		e.t.Fatalf("a fresh database has %d logins, want 0", n)
	}
	e.user("ada", "Ada")
	const pw = "correct horse battery"

	_, err := e.st.SetPassword(e.ctx, "ada", "elevenchars", arqir.RoleResponder, false)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "password")
	// Characters count, not bytes: twelve bytes of six two-byte letters is too short.
	_, err = e.st.SetPassword(e.ctx, "ada", "éééééé", arqir.RoleResponder, false)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "password")
	_, err = e.st.SetPassword(e.ctx, "ada", strings.Repeat("x", 5000), arqir.RoleResponder, false)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "password")
	_, err = e.st.SetPassword(e.ctx, "ada", pw, "owner", false)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "role")
	_, err = e.st.SetPassword(e.ctx, "nobody", pw, arqir.RoleResponder, false)
	wantCode(e.t, err, arqir.ENOTFOUND)
	if n := e.countLogins(); n != 0 {
		e.t.Fatalf("refused passwords made %d logins", n)
	}

	l, err := e.st.SetPassword(e.ctx, " ada ", pw, arqir.RoleResponder, true)
	if err != nil {
		e.t.Fatal(err)
	}
	want := &arqir.Login{Handle: "ada", Role: arqir.RoleResponder, MustChange: true, UpdatedAt: micro(Start)}
	equal(e.t, "the login set", l, want)
	if n := e.countLogins(); n != 1 {
		e.t.Fatalf("%d logins, want 1", n)
	}
	got, err := e.st.CheckPassword(e.ctx, "ada", pw)
	if err != nil {
		e.t.Fatalf("the right password was refused: %v", err)
	}
	equal(e.t, "the login signed in", got, want)
	if got, err = e.another().CheckPassword(e.ctx, "ada", pw); err != nil || got.Role != arqir.RoleResponder {
		e.t.Fatalf("another replica checks the password as %+v, %v", got, err)
	}

	_, wrong := e.st.CheckPassword(e.ctx, "ada", pw+"!")
	wantCode(e.t, wrong, arqir.EUNAUTHORIZED)
	for _, c := range []struct{ handle, password string }{
		{"ada", ""}, {"ada", strings.ToUpper(pw)}, {"Ada", pw}, {"nobody", pw}, {"", pw},
	} {
		_, err := e.st.CheckPassword(e.ctx, c.handle, c.password)
		wantCode(e.t, err, arqir.EUNAUTHORIZED)
		// An unknown handle is answered like a wrong password, so the
		// answer does not tell which handles exist.
		if arqir.ErrorMessage(err) != arqir.ErrorMessage(wrong) {
			e.t.Fatalf("CheckPassword(%q) says %q, a wrong password %q", c.handle, arqir.ErrorMessage(err), arqir.ErrorMessage(wrong))
		}
	}

	// A new password replaces the old one, and the role with it.
	e.clock.Advance(time.Minute)
	const pw2 = "another long passphrase"
	l = e.setPassword("ada", pw2, arqir.RoleAdmin)
	equal(e.t, "the login changed", l, &arqir.Login{Handle: "ada", Role: arqir.RoleAdmin, UpdatedAt: micro(Start.Add(time.Minute))})
	_, err = e.st.CheckPassword(e.ctx, "ada", pw)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	if got, err := e.st.CheckPassword(e.ctx, "ada", pw2); err != nil || got.Role != arqir.RoleAdmin || got.MustChange {
		e.t.Fatalf("after the change the login is %+v, %v", got, err)
	}
	if n := e.countLogins(); n != 1 {
		e.t.Fatalf("%d logins after a change, want 1", n)
	}
}

// phcArgon2id is the PHC string of an Argon2id hash with OWASP's
// parameters: 19 MiB, two passes, one lane, a 16-byte salt, a 32-byte key.
var phcArgon2id = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$`)

func testPasswordHash(e *env) {
	e.user("ada", "Ada")
	e.user("bob", "Bob")
	const pw = "the same password"
	e.setPassword("ada", pw, arqir.RoleViewer)
	e.setPassword("bob", pw, arqir.RoleViewer)

	rows, err := e.rawDB().QueryContext(e.ctx, `SELECT handle, password_hash FROM logins ORDER BY handle`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	salts := map[string]bool{}
	for rows.Next() {
		var handle, hash string
		if err := rows.Scan(&handle, &hash); err != nil {
			e.t.Fatal(err)
		}
		m := phcArgon2id.FindStringSubmatch(hash)
		if m == nil {
			e.t.Fatalf("the hash of %s is %q, not an Argon2id PHC string with m=19456,t=2,p=1", handle, hash)
		}
		if strings.Contains(hash, pw) || strings.Contains(hash, base64.RawStdEncoding.EncodeToString([]byte(pw))) {
			e.t.Fatalf("the hash of %s contains the password: %q", handle, hash)
		}
		salts[m[1]] = true
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	if len(salts) != 2 {
		e.t.Fatalf("two users with the same password got %d distinct salts, want 2", len(salts))
	}
}

// base64url32 is 32 bytes in base64url without padding.
var base64url32 = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func testSessions(e *env) {
	e.user("ada", "Ada")
	e.setPassword("ada", "correct horse battery", arqir.RoleResponder)

	_, _, err := e.st.CreateSession(e.ctx, "ada", 0)
	wantCode(e.t, err, arqir.EINVALID)
	secret, s := e.signIn("ada")
	now := micro(Start)
	switch {
	case !base64url32.MatchString(secret):
		e.t.Fatalf("secret %q, want 32 random bytes in base64url", secret)
	case !base64url32.MatchString(s.CSRF) || s.CSRF == secret:
		e.t.Fatalf("CSRF token %q, want 32 random bytes of its own in base64url", s.CSRF)
	case s.ID == "" || strings.Contains(s.ID, secret):
		e.t.Fatalf("session ID %q, want the hash of the secret", s.ID)
	case s.Handle != "ada" || s.Role != arqir.RoleResponder || !s.CreatedAt.Equal(now) || !s.ExpiresAt.Equal(now.Add(time.Hour)):
		e.t.Fatalf("session = %+v", s)
	}
	other, _ := e.signIn("ada")
	if other == secret {
		e.t.Fatal("two sessions got the same secret")
	}

	got, err := e.another().Session(e.ctx, secret)
	if err != nil {
		e.t.Fatalf("another replica does not know the session: %v", err)
	}
	equal(e.t, "the session read back", got, s)
	// The database keeps the secret's SHA-256 only: a copy of it signs
	// nobody in.
	sum := sha256.Sum256([]byte(secret))
	var stored int
	if err := e.rawDB().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM sessions WHERE id = '`+hex.EncodeToString(sum[:])+`'`).Scan(&stored); err != nil || stored != 1 || s.ID != hex.EncodeToString(sum[:]) {
		e.t.Fatalf("the session is not kept under the hex SHA-256 of its secret (ID %q, %d rows, %v)", s.ID, stored, err)
	}
	for _, bad := range []string{"", "nope", strings.ToUpper(secret), secret + "x", s.ID, s.CSRF} {
		_, err := e.st.Session(e.ctx, bad)
		wantCode(e.t, err, arqir.EUNAUTHORIZED)
	}

	// A second before it expires the session works; at its expiry it does not.
	e.clock.Advance(time.Hour - time.Second)
	if _, err := e.st.Session(e.ctx, secret); err != nil {
		e.t.Fatalf("the session ended early: %v", err)
	}
	e.clock.Advance(time.Second)
	_, err = e.st.Session(e.ctx, secret)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	if !strings.Contains(arqir.ErrorMessage(err), "expired") {
		e.t.Fatalf("message %q does not say the session expired", arqir.ErrorMessage(err))
	}

	// Signing out ends that session only; unknown secrets are ignored.
	third, _ := e.signIn("ada")
	fourth, _ := e.signIn("ada")
	if err := e.st.DeleteSession(e.ctx, third); err != nil {
		e.t.Fatal(err)
	}
	_, err = e.st.Session(e.ctx, third)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	if _, err := e.st.Session(e.ctx, fourth); err != nil {
		e.t.Fatalf("signing one session out ended another: %v", err)
	}
	for _, unknown := range []string{third, "", "nope"} {
		if err := e.st.DeleteSession(e.ctx, unknown); err != nil {
			e.t.Fatalf("DeleteSession(%q) = %v, want it ignored", unknown, err)
		}
	}

	// Only a user with a password signs in.
	e.user("bob", "Bob")
	for _, handle := range []string{"bob", "nobody"} {
		_, _, err := e.st.CreateSession(e.ctx, handle, time.Hour)
		wantCode(e.t, err, arqir.EUNAUTHORIZED)
	}
}

func testSessionRole(e *env) {
	e.user("ada", "Ada")
	e.setPassword("ada", "correct horse battery", arqir.RoleAdmin)
	secret, s := e.signIn("ada")
	if s.Role != arqir.RoleAdmin {
		e.t.Fatalf("signed in as %s, want admin", s.Role)
	}
	if got, err := e.st.Session(e.ctx, secret); err != nil || got.Role != arqir.RoleAdmin {
		e.t.Fatalf("session = %+v, %v", got, err)
	}
	// Setting the password (here: taking the admin role away) ends the
	// user's sessions at once: none keeps a role the user lost.
	e.setPassword("ada", "correct horse battery", arqir.RoleViewer)
	_, err := e.st.Session(e.ctx, secret)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	secret, _ = e.signIn("ada")
	if got, err := e.st.Session(e.ctx, secret); err != nil || got.Role != arqir.RoleViewer {
		e.t.Fatalf("after the change the session is %+v, %v", got, err)
	}
}

func testDeletedUserSessions(e *env) {
	const pw = "correct horse battery"
	e.user("ada", "Ada")
	e.user("bob", "Bob")
	e.setPassword("ada", pw, arqir.RoleAdmin)
	e.setPassword("bob", pw, arqir.RoleViewer)
	secret, _ := e.signIn("ada")
	bobs, _ := e.signIn("bob")

	e.deleteUser("ada", true)
	_, err := e.st.Session(e.ctx, secret)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	_, err = e.st.CheckPassword(e.ctx, "ada", pw)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	_, _, err = e.st.CreateSession(e.ctx, "ada", time.Hour)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	_, err = e.st.SetPassword(e.ctx, "ada", pw, arqir.RoleAdmin, false)
	wantCode(e.t, err, arqir.ENOTFOUND)
	if n := e.countLogins(); n != 1 {
		e.t.Fatalf("%d logins after deleting one of two users, want 1", n)
	}
	if _, err := e.st.Session(e.ctx, bobs); err != nil {
		e.t.Fatalf("deleting ada ended bob's session: %v", err)
	}
}

func testExpiredSessionsDeleted(e *env) {
	e.user("ada", "Ada")
	e.setPassword("ada", "correct horse battery", arqir.RoleViewer)
	for range 3 {
		if _, _, err := e.st.CreateSession(e.ctx, "ada", time.Minute); err != nil {
			e.t.Fatal(err)
		}
	}
	e.clock.Advance(time.Minute)
	e.signIn("ada") // the next sign-in clears what expired
	var n int
	if err := e.rawDB().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	if n != 1 {
		e.t.Fatalf("%d sessions kept after the expired ones, want only the live one", n)
	}

	// An expired session that is presented is deleted then and there.
	expired, _, err := e.st.CreateSession(e.ctx, "ada", time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	_, err = e.st.Session(e.ctx, expired)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	if err := e.rawDB().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	if n != 1 {
		e.t.Fatalf("%d sessions kept after an expired one was presented, want 1", n)
	}
}

func testAddLogin(e *env) {
	ls, ok := e.st.(loginStore)
	if !ok {
		e.t.Skipf("%T does not add first logins atomically", e.st)
	}
	e.user("admin", "Administrator")
	_, err := ls.Login(e.ctx, "admin")
	wantCode(e.t, err, arqir.ENOTFOUND)

	// Replicas starting together each offer a password; exactly one is
	// kept, and only its replica is told so.
	const replicas = 4
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
	)
	for i := range replicas {
		st := e.another().(loginStore)
		pw := "first password " + strings.Repeat("x", i)
		wg.Go(func() {
			l, err := st.AddLogin(e.ctx, "admin", pw, arqir.RoleAdmin, true)
			switch {
			case err == nil && l.Role == arqir.RoleAdmin && l.MustChange:
				mu.Lock()
				winners = append(winners, pw)
				mu.Unlock()
			case arqir.ErrorCode(err) != arqir.ECONFLICT:
				e.t.Errorf("AddLogin = %+v, %v; want the login or ECONFLICT", l, err)
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 {
		e.t.Fatalf("%d replicas added the first login, want exactly 1", len(winners))
	}
	for i := range replicas {
		pw := "first password " + strings.Repeat("x", i)
		_, err := e.st.CheckPassword(e.ctx, "admin", pw)
		if works := err == nil; works != (pw == winners[0]) {
			e.t.Fatalf("password %q works: %v; the one added was %q", pw, works, winners[0])
		}
	}
	l, err := ls.Login(e.ctx, "admin")
	if err != nil || l.Role != arqir.RoleAdmin || !l.MustChange {
		e.t.Fatalf("Login = %+v, %v", l, err)
	}

	_, err = ls.AddLogin(e.ctx, "nobody", "first password", arqir.RoleAdmin, true)
	wantCode(e.t, err, arqir.ENOTFOUND)
	_, err = ls.AddLogin(e.ctx, "admin", "short", arqir.RoleAdmin, true)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "password")
	e.deleteUser("admin", true)
	_, err = ls.Login(e.ctx, "admin")
	wantCode(e.t, err, arqir.ENOTFOUND)
}
