package testserver

import (
	"context"
	"sync/atomic"

	"github.com/arqir/arqir"
)

// Fail makes the store the API uses fail with err, as a database that
// stopped answering would; nil makes it answer again. Every route with a
// token fails at Authenticate, /readyz at Ping and the incident series of
// /metrics at Stats. Server.Store and Dump keep working.
func (s *Server) Fail(err error) { s.faults.err.Store(&err) }

// faultyStore is the real store with a switch on the calls that every
// request begins with.
type faultyStore struct {
	arqir.Store
	err atomic.Pointer[error]
}

func (s *faultyStore) fault() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Authenticate implements arqir.TokenService.
func (s *faultyStore) Authenticate(ctx context.Context, secret string) (*arqir.Token, error) {
	if err := s.fault(); err != nil {
		return nil, err
	}
	return s.Store.Authenticate(ctx, secret)
}

// Ping implements arqir.Store.
func (s *faultyStore) Ping(ctx context.Context) error {
	if err := s.fault(); err != nil {
		return err
	}
	return s.Store.Ping(ctx)
}

// Stats implements arqir.IncidentService.
func (s *faultyStore) Stats(ctx context.Context) (*arqir.IncidentStats, error) {
	if err := s.fault(); err != nil {
		return nil, err
	}
	return s.Store.Stats(ctx)
}
