package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

var firstPasswordRE = regexp.MustCompile(`Sign in to the web UI as admin with password: (\S+)\n`)

// quietConfig starts the app on a SQLite file without a listener or logs.
func quietConfig(db string, out *strings.Builder) Config {
	return Config{DB: db, Out: out, ManualDispatch: true, Logger: slog.New(slog.DiscardHandler)}
}

// The first start prints, right after the admin token, a password that
// signs the user admin in to the web UI as an admin who must change it; a
// second start prints neither.
func TestFirstRun_PrintsAWorkingAdminPasswordOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arqir.db")
	var out strings.Builder
	a, err := New(t.Context(), quietConfig(db, &out))
	if err != nil {
		t.Fatal(err)
	}
	m := firstPasswordRE.FindStringSubmatch(out.String())
	if m == nil {
		a.Close()
		t.Fatalf("the first start printed no password:\n%s", out.String())
	}
	if strings.Index(out.String(), "export ARQIR_TOKEN=") > strings.Index(out.String(), m[0]) {
		t.Errorf("the password is printed before the token:\n%s", out.String())
	}
	l, err := a.Store.CheckPassword(t.Context(), "admin", m[1])
	if err != nil || l.Role != arqir.RoleAdmin || !l.MustChange {
		t.Fatalf("the printed password signs in as %+v, %v", l, err)
	}
	u, err := a.Store.User(t.Context(), "admin")
	if err != nil || u.Name != "Administrator" {
		t.Fatalf("user admin = %+v, %v", u, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	out.Reset()
	a, err = New(t.Context(), quietConfig(db, &out))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if strings.Contains(out.String(), "password") || strings.Contains(out.String(), "arq_") {
		t.Fatalf("the second start printed a credential again:\n%s", out.String())
	}
	if _, err := a.Store.CheckPassword(t.Context(), "admin", m[1]); err != nil {
		t.Fatalf("the second start changed the first password: %v", err)
	}
}

// Replicas starting together on a new database print one password between
// them, and it is the one that works.
func TestFirstRun_ReplicasStartingTogetherPrintOnePassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arqir.db")
	const replicas = 4
	apps := make([]*App, replicas)
	outs := make([]strings.Builder, replicas)
	for i := range apps {
		st, err := OpenStore(t.Context(), db, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		apps[i] = &App{cfg: Config{Out: &outs[i]}, Store: st}
	}
	var wg sync.WaitGroup
	for _, a := range apps {
		wg.Go(func() {
			if err := a.firstRun(context.Background()); err != nil {
				t.Errorf("first run: %v", err)
			}
		})
	}
	wg.Wait()
	var printed []string
	for i := range outs {
		if m := firstPasswordRE.FindStringSubmatch(outs[i].String()); m != nil {
			printed = append(printed, m[1])
		}
	}
	if len(printed) != 1 {
		t.Fatalf("%d replicas printed a password, want exactly 1", len(printed))
	}
	if _, err := apps[0].Store.CheckPassword(t.Context(), "admin", printed[0]); err != nil {
		t.Fatalf("the printed password does not work: %v", err)
	}
}

// A database that has tokens but nobody who can sign in (one made before
// the web UI) gets the admin password without a new token; an existing
// user admin is reused as they are.
func TestFirstRun_GivesAnExistingAdminAPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arqir.db")
	st, err := OpenStore(t.Context(), db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CreateToken(t.Context(), "admin", arqir.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(t.Context(), arqir.UserInput{Handle: "admin", Name: "Ada the Admin"}, arqir.SystemActor); err != nil {
		t.Fatal(err)
	}
	st.Close()

	var out strings.Builder
	a, err := New(t.Context(), quietConfig(db, &out))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m := firstPasswordRE.FindStringSubmatch(out.String())
	if m == nil || strings.Contains(out.String(), "arq_") {
		t.Fatalf("want a password and no token:\n%s", out.String())
	}
	if _, err := a.Store.CheckPassword(t.Context(), "admin", m[1]); err != nil {
		t.Fatal(err)
	}
	if u, _ := a.Store.User(t.Context(), "admin"); u.Name != "Ada the Admin" {
		t.Fatalf("the existing user admin was changed: %+v", u)
	}
}

// When the handle admin belonged to a deleted user the start still
// succeeds, and says how to let somebody sign in.
func TestFirstRun_DeletedAdminIsNotRevived(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arqir.db")
	st, err := OpenStore(t.Context(), db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(t.Context(), arqir.UserInput{Handle: "admin", Name: "Administrator"}, arqir.SystemActor); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeleteUser(t.Context(), "admin", true, arqir.SystemActor); err != nil {
		t.Fatal(err)
	}
	st.Close()

	var out strings.Builder
	a, err := New(t.Context(), quietConfig(db, &out))
	if err != nil {
		t.Fatalf("the start failed: %v", err)
	}
	defer a.Close()
	if firstPasswordRE.MatchString(out.String()) || !strings.Contains(out.String(), "arqir user password HANDLE --role admin") {
		t.Fatalf("want no password and how to set one:\n%s", out.String())
	}
	if n, err := a.Store.CountLogins(t.Context()); err != nil || n != 0 {
		t.Fatalf("%d logins (%v), want none", n, err)
	}
}
