package apitest

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
)

// Server is the API running on a local port over a fresh Store, with one
// token of each role.
type Server struct {
	*httptest.Server
	Store    *Store
	Policies *Policies
	Registry *prometheus.Registry
	Logs     *Buffer // everything the API logged, at debug level and up

	// Secrets of the tokens named admin, alice (responder) and victor (viewer).
	Admin, Responder, Viewer string
}

// NewServer starts a server that the test's cleanup stops. configure, if
// given, may change the api.Config before the handler is built.
func NewServer(t testing.TB, configure ...func(*api.Config)) *Server {
	t.Helper()
	store := NewStore(Rules())
	s := &Server{Store: store, Policies: NewPolicies(store, Rules()), Registry: prometheus.NewRegistry(), Logs: &Buffer{}}
	s.Admin = s.token(t, "admin", arqir.RoleAdmin)
	s.Responder = s.token(t, "alice", arqir.RoleResponder)
	s.Viewer = s.token(t, "victor", arqir.RoleViewer)
	cfg := api.Config{
		Store:    store,
		Policies: s.Policies,
		Logger:   slog.New(slog.NewTextHandler(s.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registry: s.Registry,
	}
	for _, c := range configure {
		c(&cfg)
	}
	s.Server = httptest.NewServer(api.New(cfg))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) token(t testing.TB, name string, role arqir.Role) string {
	secret, _, err := s.Store.CreateToken(context.Background(), name, role)
	if err != nil {
		t.Fatalf("create token %s: %v", name, err)
	}
	return secret
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
