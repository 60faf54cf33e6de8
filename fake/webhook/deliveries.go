package webhook

import (
	"context"
	"fmt"
)

// Deliveries returns the first delivery of every idempotency key, oldest
// first: what a receiver that deduplicates acted on.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uniqueLocked()
}

func (s *Server) uniqueLocked() []Delivery {
	var out []Delivery
	for _, d := range s.deliveries {
		if !d.Duplicate {
			out = append(out, d)
		}
	}
	return out
}

// Received returns every accepted request, duplicates included, oldest first.
func (s *Server) Received() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Count returns how many accepted requests carried the idempotency key.
func (s *Server) Count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, d := range s.deliveries {
		if d.IdempotencyKey == key {
			n++
		}
	}
	return n
}

// Duplicates counts accepted requests that repeated an earlier key.
func (s *Server) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.deliveries) - len(s.seen)
}

// Rejected returns the refused requests, oldest first.
func (s *Server) Rejected() []Rejection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rejection(nil), s.rejected...)
}

// Wait waits until at least n distinct deliveries arrived and returns
// them; it gives up when ctx is done.
func (s *Server) Wait(ctx context.Context, n int) ([]Delivery, error) {
	for {
		s.mu.Lock()
		if len(s.seen) >= n {
			out := s.uniqueLocked()
			s.mu.Unlock()
			return out, nil
		}
		have, ch := len(s.seen), s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("fake webhook: waited for %d deliveries, got %d: %w", n, have, ctx.Err())
		case <-ch:
		}
	}
}
