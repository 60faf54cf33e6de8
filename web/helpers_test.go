package web_test

import (
	"context"
	"flag"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/internal/testserver"
	"github.com/arqir/arqir/policy"
	"github.com/arqir/arqir/web"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// policySource adapts the app's policy manager as app/web.go does.
type policySource struct{ p *app.Policies }

func (s policySource) Active() *arqir.PolicyRecord { return s.p.Active() }
func (s policySource) Rules() arqir.Rules          { return s.p.Rules() }
func (s policySource) Policy() *policy.Policy      { return s.p.Policy() }
func (s policySource) Markdown() string            { return s.p.Policy().Render() }
func (s policySource) History(ctx context.Context) ([]*arqir.PolicyRecord, error) {
	return s.p.History(ctx)
}

// fakeSessions keeps logins in memory, with fixed secrets and CSRF tokens
// so pages render the same every run.
type fakeSessions struct {
	mu       sync.Mutex
	now      func() time.Time
	logins   map[string]*arqir.Login
	password map[string]string
	sessions map[string]*arqir.Session
}

func (f *fakeSessions) SetPassword(_ context.Context, handle, password string, role arqir.Role, mustChange bool) (*arqir.Login, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(password) < arqir.MinPasswordLen {
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "password too short")
	}
	l := &arqir.Login{Handle: handle, Role: role, MustChange: mustChange}
	f.logins[handle], f.password[handle] = l, password
	return l, nil
}

func (f *fakeSessions) CheckPassword(_ context.Context, handle, password string) (*arqir.Login, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if l, ok := f.logins[handle]; ok && f.password[handle] == password {
		return l, nil
	}
	return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "wrong handle or password")
}

func (f *fakeSessions) CountLogins(context.Context) (int, error) { return len(f.logins), nil }

func (f *fakeSessions) CreateSession(_ context.Context, handle string, ttl time.Duration) (string, *arqir.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	secret := "secret-" + handle
	s := &arqir.Session{ID: secret, Handle: handle, Role: f.logins[handle].Role, CSRF: "csrf-" + handle, CreatedAt: f.now(), ExpiresAt: f.now().Add(ttl)}
	f.sessions[secret] = s
	return secret, s, nil
}

func (f *fakeSessions) Session(_ context.Context, secret string) (*arqir.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sessions[secret]; ok && f.now().Before(s.ExpiresAt) {
		return s, nil
	}
	return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "no session")
}

func (f *fakeSessions) DeleteSession(_ context.Context, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, secret)
	return nil
}

// env is one test's UI over a real SQLite store under the default policy.
type env struct {
	t        testing.TB
	ts       *testserver.Server
	sessions *fakeSessions
	srv      *httptest.Server
}

const password = "correct horse battery"

func setup(t testing.TB) *env {
	ts := testserver.New(t)
	f := &fakeSessions{now: ts.Now, logins: map[string]*arqir.Login{}, password: map[string]string{}, sessions: map[string]*arqir.Session{}}
	for handle, role := range map[string]arqir.Role{"alice": arqir.RoleResponder, "victor": arqir.RoleViewer} {
		f.SetPassword(context.Background(), handle, password, role, false)
	}
	h := web.New(web.Config{Store: ts.Store, Sessions: f, Policy: policySource{ts.Policies}, Now: ts.Now})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, ts: ts, sessions: f, srv: srv}
}

// client is a browser signed in as handle ("" for none) that does not
// follow redirects.
func (e *env) client(handle string) *http.Client {
	jar, _ := cookiejar.New(nil)
	if handle != "" {
		secret, _, _ := e.sessions.CreateSession(context.Background(), handle, time.Hour)
		u, _ := url.Parse(e.srv.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "arqir_session", Value: secret}})
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get fetches a page and returns the response and body.
func (e *env) get(c *http.Client, path string) (*http.Response, string) {
	e.t.Helper()
	resp, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := ioCopy(&b, resp); err != nil {
		e.t.Fatal(err)
	}
	return resp, b.String()
}

// post sends a form with this site's Origin.
func (e *env) post(c *http.Client, path string, form url.Values, header ...string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.srv.URL)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	ioCopy(&b, resp)
	return resp, b.String()
}

// declare opens an incident through the store as alice.
func (e *env) declare(title, sev string, services ...string) *arqir.Incident {
	e.t.Helper()
	inc, err := e.ts.Store.Declare(context.Background(), arqir.Declaration{Title: title, Severity: sev, Services: services},
		arqir.Actor{Name: "alice", Source: arqir.SourceWeb})
	if err != nil {
		e.t.Fatal(err)
	}
	return inc
}

var (
	assetURL  = regexp.MustCompile(`/static/[0-9a-f]{12}/`)
	loginCSRF = regexp.MustCompile(`name="csrf" value="[A-Za-z0-9_-]{43}"`)
)

// golden compares a page with testdata/<name>.golden.html; -update rewrites it.
func golden(t *testing.T, name, body string) {
	t.Helper()
	body = assetURL.ReplaceAllString(body, "/static/VERSION/")
	body = loginCSRF.ReplaceAllString(body, `name="csrf" value="LOGIN-CSRF"`)
	path := filepath.Join("testdata", name+".golden.html")
	if *update {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./web -update to create it)", err)
	}
	if string(want) != body {
		t.Errorf("%s differs from %s; run go test ./web -update and review the diff.\ngot:\n%s", name, path, body)
	}
}
