package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/sqlstore"
	"github.com/arqir/arqir/sqlite"
)

// A failed sign-in costs one Argon2id hash whether or not the handle can
// sign in, so that its timing does not tell which handles exist.
func TestCheckPassword_SpendsOneHashForEveryHandle(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "arqir.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const pw = "correct horse battery"
	for _, h := range []string{"ada", "bob", "gone"} {
		if _, err := st.CreateUser(ctx, arqir.UserInput{Handle: h, Name: h}, arqir.SystemActor); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range []string{"ada", "gone"} {
		if _, err := st.SetPassword(ctx, h, pw, arqir.RoleViewer, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DeleteUser(ctx, "gone", true, arqir.SystemActor); err != nil {
		t.Fatal(err)
	}

	hashes := sqlstore.CountHashes(t)
	for _, c := range []struct {
		why, handle, password string
		ok                    bool
	}{
		{"the right password", "ada", pw, true},
		{"a wrong password", "ada", pw + "!", false},
		{"a user without a password", "bob", pw, false},
		{"a deleted user", "gone", pw, false},
		{"an unknown handle", "nobody", pw, false},
	} {
		before := hashes.Load()
		_, err := st.CheckPassword(ctx, c.handle, c.password)
		if (err == nil) != c.ok || (err != nil && arqir.ErrorCode(err) != arqir.EUNAUTHORIZED) {
			t.Fatalf("%s: CheckPassword = %v, want ok=%v or EUNAUTHORIZED", c.why, err, c.ok)
		}
		if n := hashes.Load() - before; n != 1 {
			t.Errorf("%s cost %d hashes, want 1", c.why, n)
		}
	}
}
