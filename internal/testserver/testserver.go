// Package testserver runs the real arqir API for the tests of the api,
// client and cli packages, the way net/http/httptest serves net/http: the
// handler of package api, and the inbound alert endpoints of
// ingest/httpingest under /ingest/, over a SQLite database in the test's
// temporary directory, under the embedded default policy, wired by package
// app exactly as `arqir serve` wires it, with a clock the test moves.
//
// Nothing here is a fake: a message, a page cursor or a refusal a test sees
// is the one users see. Only tests import this package.
package testserver

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/ingest/httpingest"
)

// Epoch is where the clock starts: a fixed time keeps printed output and
// deadlines the same on every run.
var Epoch = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// Server is the API on a local port over a fresh database holding one token
// of each role.
type Server struct {
	*httptest.Server
	// Store is the real store, for reading what a request did; it never
	// fails on purpose (see Fail).
	Store arqir.Store
	// Policies is the policy manager of `arqir serve`.
	Policies *app.Policies
	// Registry is what /metrics serves.
	Registry *prometheus.Registry
	// Logs holds everything the API logged, at debug level and up.
	Logs *Buffer

	// Secrets of the tokens named admin (the first-start token), alice
	// (responder) and victor (viewer).
	Admin, Responder, Viewer string

	app    *app.App
	clock  *clock
	faults *faultyStore
}

// New starts a server that the test's cleanup stops. configure, if given,
// may change the api.Config before the handler is built.
func New(t testing.TB, configure ...func(*api.Config)) *Server {
	t.Helper()
	ctx := context.Background()
	s := &Server{clock: &clock{now: Epoch}, Registry: prometheus.NewRegistry(), Logs: &Buffer{}}
	logger := slog.New(slog.NewTextHandler(s.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	// app.New opens and migrates the database, applies the default policy,
	// installs its rules in the store and creates the first admin token:
	// the start of `arqir serve`, minus the listener.
	var banner bytes.Buffer
	a, err := app.New(ctx, app.Config{
		DB:     filepath.Join(t.TempDir(), "arqir.db"),
		Now:    s.clock.Now,
		Logger: logger,
		Out:    &banner,
	})
	if err != nil {
		t.Fatalf("start arqir: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close arqir: %v", err)
		}
	})
	s.app, s.Store, s.Policies = a, a.Store, a.Policies
	s.Admin = firstAdminToken(t, banner.String())
	s.Responder = s.token(t, "alice", arqir.RoleResponder)
	s.Viewer = s.token(t, "victor", arqir.RoleViewer)

	// The handler is built again rather than taken from the app so that the
	// test has the registry, the logs and a store it can make fail.
	s.faults = &faultyStore{Store: a.Store}
	cfg := api.Config{Store: s.faults, Policies: a.Policies, Logger: logger, Registry: s.Registry}
	for _, c := range configure {
		c(&cfg)
	}
	ingestHandler := httpingest.New(httpingest.Config{
		Integrations: s.faults, Alerts: s.faults, Logger: logger, Registry: s.Registry, Now: s.clock.Now,
	})
	s.Server = httptest.NewServer(app.Mount(api.New(cfg), ingestHandler))
	t.Cleanup(s.Close)
	return s
}

// firstAdminToken reads the secret that the first start prints once: it is
// the only way anyone ever learns it.
func firstAdminToken(t testing.TB, banner string) string {
	t.Helper()
	for line := range strings.Lines(banner) {
		if secret, ok := strings.CutPrefix(strings.TrimSpace(line), "Use it with:  export ARQIR_TOKEN="); ok && secret != "" {
			return secret
		}
	}
	t.Fatalf("the first start printed no admin token:\n%s", banner)
	return ""
}

// Token creates another token and returns its secret, e.g. a reporter's.
func (s *Server) Token(t testing.TB, name string, role arqir.Role) string {
	t.Helper()
	return s.token(t, name, role)
}

func (s *Server) token(t testing.TB, name string, role arqir.Role) string {
	t.Helper()
	secret, _, err := s.Store.CreateToken(context.Background(), name, role)
	if err != nil {
		t.Fatalf("create token %s: %v", name, err)
	}
	return secret
}

// Now is the server's clock.
func (s *Server) Now() time.Time { return s.clock.Now() }

// Advance moves the server's clock forward.
func (s *Server) Advance(d time.Duration) { s.clock.Advance(d) }

// Sweep runs one tick of the scheduler at the clock's now and returns how
// many deadlines it breached.
func (s *Server) Sweep(t testing.TB) int {
	t.Helper()
	n, err := s.app.Sweep(context.Background())
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	return n
}

// clock is the time the store stamps changes with; tests move it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Buffer is a bytes.Buffer safe for the concurrent writes of a server.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
