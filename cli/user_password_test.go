package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/cli"
)

// passwordDB makes a database with the users ada and bob, and gone who
// was deleted, and returns its path.
func passwordDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "arqir.db")
	st, err := app.OpenStore(t.Context(), path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, h := range []string{"ada", "bob", "gone"} {
		if _, err := st.CreateUser(t.Context(), arqir.UserInput{Handle: h, Name: h}, arqir.SystemActor); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DeleteUser(t.Context(), "gone", true, arqir.SystemActor); err != nil {
		t.Fatal(err)
	}
	return path
}

// withStdin runs arqir with stdin.
func withStdin(t *testing.T, stdin string, args ...string) run {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(args, strings.NewReader(stdin), &out, &errOut)
	return run{code: code, stdout: out.String(), stderr: errOut.String()}
}

// checkPassword reports the login a password signs in as.
func checkPassword(t *testing.T, db, handle, password string) (*arqir.Login, error) {
	t.Helper()
	st, err := app.OpenExistingStore(context.Background(), db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return st.CheckPassword(t.Context(), handle, password)
}

func TestUserPassword(t *testing.T) {
	t.Parallel()
	db := passwordDB(t)
	const pw = "correct horse battery"

	withStdin(t, pw+"\n", "user", "password", "ada", "--role", "responder", "--password-stdin", "--db", db).
		want(t, 0, "Password of ada set.", "ada signs in to the web UI as responder; any sessions they had ended.")
	if l, err := checkPassword(t, db, "ada", pw); err != nil || l.Role != arqir.RoleResponder || l.MustChange {
		t.Fatalf("the password set signs in as %+v, %v", l, err)
	}

	// Without --role the user keeps theirs; a new login gets viewer.
	withStdin(t, pw+" two\r\n", "user", "password", "ada", "--password-stdin", "--must-change", "--db", db).
		want(t, 0, "ada signs in to the web UI as responder and must change the password at the next sign-in")
	if l, err := checkPassword(t, db, "ada", pw+" two"); err != nil || l.Role != arqir.RoleResponder || !l.MustChange {
		t.Fatalf("the changed password signs in as %+v, %v", l, err)
	}
	if _, err := checkPassword(t, db, "ada", pw); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
		t.Fatalf("the old password still works: %v", err)
	}
	withStdin(t, pw, "user", "password", "bob", "--password-stdin", "--db", db).want(t, 0, "bob signs in to the web UI as viewer")

	// --generate prints a 20-character password once; it must be changed.
	r := arqirCmd(t, "user", "password", "bob", "--role", "admin", "--generate", "--db", db).want(t, 0, "shown only now", "as admin and must change the password")
	m := regexp.MustCompile(`(?m)^    (\S+)$`).FindStringSubmatch(r.stdout)
	if m == nil || len(m[1]) != 20 {
		t.Fatalf("no 20-character password printed:\n%s", r.stdout)
	}
	if l, err := checkPassword(t, db, "bob", m[1]); err != nil || l.Role != arqir.RoleAdmin || !l.MustChange {
		t.Fatalf("the generated password signs in as %+v, %v", l, err)
	}

	// Refusals exit 2 with the reason and change nothing.
	for _, c := range []struct {
		stdin  string
		args   []string
		reason string
	}{
		{"short\n", []string{"ada", "--password-stdin"}, "fewer than 12"},
		{pw, []string{"nobody", "--password-stdin"}, `there is no user "nobody"`},
		{pw, []string{"gone", "--password-stdin"}, "user gone was deleted"},
		{pw, []string{"ada", "--role", "owner", "--password-stdin"}, `unknown role "owner"`},
		{pw, []string{"ada", "--role", "reporter", "--password-stdin"}, `unknown role "reporter"`},
		{pw, []string{"ada", "--password-stdin", "--generate"}, "exclude each other"},
		{pw + "\nsecond line\n", []string{"ada", "--password-stdin"}, "more than one line"},
		{"", []string{"ada", "--password-stdin"}, "no password given"},
		{pw, []string{"ada"}, "pass --password-stdin"},
		{pw, []string{}, "accepts 1 arg"},
	} {
		args := append(append([]string{"user", "password"}, c.args...), "--db", db)
		withStdin(t, c.stdin, args...).wantErr(t, 2, c.reason)
	}
	if _, err := checkPassword(t, db, "ada", pw+" two"); err != nil {
		t.Fatalf("a refused change changed the password: %v", err)
	}
	arqirCmd(t, "user", "password", "ada", "--generate", "--db", filepath.Join(t.TempDir(), "missing.db")).wantErr(t, 2, "no arqir database at")
}
