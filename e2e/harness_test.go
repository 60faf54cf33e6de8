// Package e2e runs the whole of arqir in-process — the real app, database,
// HTTP server and client — with a clock the test moves, so "a SEV 1 left
// unacknowledged for five minutes is breached" runs in milliseconds.
package e2e

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/client"
)

// start is a Monday night in New York, when pages matter most.
var start = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

// clock is the controllable time of one test.
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

// harness is one running arqir with an admin client.
type harness struct {
	t      *testing.T
	App    *app.App
	Clock  *clock
	Admin  *client.Client
	Token  string // the admin secret printed on first start
	Banner string
	cfg    app.Config
}

var tokenRE = regexp.MustCompile(`arq_[a-z0-9]+`)

// newHarness starts arqir on a fresh SQLite database in a temp dir.
func newHarness(t *testing.T, opts ...func(*app.Config)) *harness {
	t.Helper()
	h := &harness{t: t, Clock: &clock{now: start}}
	h.cfg = app.Config{
		Addr:          "127.0.0.1:0",
		DB:            filepath.Join(t.TempDir(), "arqir.db"),
		SweepInterval: time.Hour, // tests sweep explicitly with the fake clock
		// and send notifications explicitly (pager.dispatch), so that what
		// a test sees never depends on a background goroutine's timing.
		ManualDispatch: true,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:            h.Clock.Now,
	}
	for _, o := range opts {
		o(&h.cfg)
	}
	h.boot()
	return h
}

// boot starts the app on h.cfg (again, after a restart).
func (h *harness) boot() {
	t := h.t
	var out bytes.Buffer
	h.cfg.Out = &out
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, h.cfg)
	if err != nil {
		cancel()
		t.Fatalf("start arqir: %v", err)
	}
	if err := a.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	h.App = a
	t.Cleanup(func() { cancel(); a.Close() })
	h.Banner = out.String()
	if tok := tokenRE.FindString(h.Banner); tok != "" {
		h.Token = tok
		h.Admin = client.New(a.URL(), tok, client.WithSource("api"))
	}
}

// restart closes the app and starts it again on the same database.
func (h *harness) restart() {
	h.App.Close()
	h.boot()
	h.Admin = client.New(h.App.URL(), h.Token)
}

// clientAs creates a token with the role and returns a client using it.
func (h *harness) clientAs(name string, role arqir.Role, source string) *client.Client {
	h.t.Helper()
	secret, _, err := h.Admin.CreateToken(context.Background(), name, role)
	if err != nil {
		h.t.Fatal(err)
	}
	return client.New(h.App.URL(), secret, client.WithSource(source))
}

// sweepAt moves the clock to start+d and runs one scheduler tick.
func (h *harness) sweepAt(since time.Time, d time.Duration) int {
	h.t.Helper()
	if target := since.Add(d); target.After(h.Clock.Now()) {
		h.Clock.Advance(target.Sub(h.Clock.Now()))
	}
	n, err := h.App.Sweep(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func (h *harness) declare(c *client.Client, title, severity string) *arqir.Incident {
	h.t.Helper()
	inc, err := c.Declare(context.Background(), client.DeclareRequest{Title: title, Severity: severity, Services: []string{"checkout"}})
	if err != nil {
		h.t.Fatalf("declare: %v", err)
	}
	return inc
}

func (h *harness) incident(id arqir.IncidentID) *arqir.Incident {
	h.t.Helper()
	inc, err := h.Admin.Incident(context.Background(), id.String())
	if err != nil {
		h.t.Fatal(err)
	}
	return inc
}

func (h *harness) timeline(id arqir.IncidentID) []arqir.TimelineEvent {
	h.t.Helper()
	ev, err := h.Admin.Timeline(context.Background(), id.String())
	if err != nil {
		h.t.Fatal(err)
	}
	return ev
}

func kinds(events []arqir.TimelineEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}
