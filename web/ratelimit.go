package web

import (
	"sync"
	"time"
)

// Sign-in guessing is slowed per handle and address: after loginAttempts
// failures within loginWindow, further tries wait for the window to pass.
const (
	loginAttempts = 5
	loginWindow   = 15 * time.Minute
)

// limiter counts failures per key in a fixed window, in memory: a restart
// forgets them, which is fine for slowing guessing.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	seen   map[string]*failures
}

type failures struct {
	n     int
	since time.Time
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, seen: map[string]*failures{}}
}

// Allowed reports whether key may try again.
func (l *limiter) Allowed(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.seen[key]
	if !ok {
		return true
	}
	if l.now().Sub(f.since) >= l.window {
		delete(l.seen, key)
		return true
	}
	return f.n < l.max
}

// Fail records a failed try of key.
func (l *limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.seen) > 100_000 { // bound memory under a flood: forget expired entries
		for k, f := range l.seen {
			if now.Sub(f.since) >= l.window {
				delete(l.seen, k)
			}
		}
	}
	f, ok := l.seen[key]
	if !ok || now.Sub(f.since) >= l.window {
		f = &failures{since: now}
		l.seen[key] = f
	}
	f.n++
}

// Reset forgets key's failures after a success.
func (l *limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.seen, key)
}
