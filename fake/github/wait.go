package github

import (
	"context"
	"fmt"
)

// WaitIssues waits until a repository has at least n issues and returns
// them all; it gives up when ctx is done. For code that files in the
// background (the dispatcher).
func (s *Server) WaitIssues(ctx context.Context, repo string, n int) ([]Issue, error) {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if got := s.Issues(repo); len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("fake GitHub: waited for %d issues in %s, have %d: %w", n, repo, len(s.Issues(repo)), ctx.Err())
		case <-ch:
		}
	}
}

// WaitState waits until an issue is in state (open or closed) and returns
// it; it gives up when ctx is done.
func (s *Server) WaitState(ctx context.Context, repo string, number int, state string) (Issue, error) {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		is, ok := s.Issue(repo, number)
		if ok && is.State == state {
			return is, nil
		}
		select {
		case <-ctx.Done():
			return Issue{}, fmt.Errorf("fake GitHub: waited for issue #%d of %s to be %s: %w", number, repo, state, ctx.Err())
		case <-ch:
		}
	}
}
