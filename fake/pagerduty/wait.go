package pagerduty

import (
	"context"
	"fmt"
)

// WaitEvents waits until at least n events were accepted and returns them
// all; it gives up when ctx is done. For code that pages in the background.
func (s *Server) WaitEvents(ctx context.Context, n int) ([]Event, error) {
	for {
		s.mu.Lock()
		if len(s.events) >= n {
			out := append([]Event(nil), s.events...)
			s.mu.Unlock()
			return out, nil
		}
		have, ch := len(s.events), s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("fake PagerDuty: waited for %d events, got %d: %w", n, have, ctx.Err())
		case <-ch:
		}
	}
}

// WaitAlert waits until the alert with the dedup key is in state and
// returns it; it gives up when ctx is done.
func (s *Server) WaitAlert(ctx context.Context, dedupKey, state string) (Alert, error) {
	for {
		s.mu.Lock()
		a, ok := s.alertLocked(dedupKey)
		ch := s.changed
		s.mu.Unlock()
		if ok && a.State == state {
			return a, nil
		}
		select {
		case <-ctx.Done():
			got := "no alert"
			if ok {
				got = a.State
			}
			return Alert{}, fmt.Errorf("fake PagerDuty: waited for alert %q to be %s, it is %s: %w", dedupKey, state, got, ctx.Err())
		case <-ch:
		}
	}
}
