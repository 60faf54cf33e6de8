package jobs

import "sync"

// shared runs one lookup per key at a time: a caller that asks for a key
// while its lookup runs waits for that lookup's answer instead of starting
// its own. In an alert storm every page of a claim batch resolves the same
// schedule within the same milliseconds; one read of the rotation then
// answers them all. Nothing is kept once the lookup ends, so no answer is
// older than the lookup its caller waited for: a page is resolved to
// whoever was on call at most one lookup earlier, as if it had been
// claimed that much sooner.
type shared[T any] struct {
	mu    sync.Mutex
	calls map[string]*lookup[T]
}

type lookup[T any] struct {
	done    chan struct{}
	joiners int // callers waiting for this lookup (tests watch it)
	v       T
	err     error
}

// do returns fn's answer for key, or the answer of the lookup of key
// already running. Callers must not modify what a shared answer points to.
func (s *shared[T]) do(key string, fn func() (T, error)) (T, error) {
	s.mu.Lock()
	if l, ok := s.calls[key]; ok {
		l.joiners++
		s.mu.Unlock()
		<-l.done
		return l.v, l.err
	}
	if s.calls == nil {
		s.calls = map[string]*lookup[T]{}
	}
	l := &lookup[T]{done: make(chan struct{})}
	s.calls[key] = l
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.calls, key)
		s.mu.Unlock()
		close(l.done)
	}()
	l.v, l.err = fn()
	return l.v, l.err
}

// waiting returns how many callers wait for the running lookup of key.
func (s *shared[T]) waiting(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.calls[key]; ok {
		return l.joiners
	}
	return 0
}
