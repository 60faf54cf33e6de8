// Package fault lets a fake vendor server misbehave on purpose, the way real
// providers do during an outage: answer 500, hang, or rate-limit with
// Retry-After, for the next n requests.
package fault

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Kind is one way to misbehave.
type Kind int

// Kinds of fault.
const (
	None        Kind = iota
	ServerError      // 500 with a short body
	Hang             // hold the request until the client gives up or Release
	RateLimit        // 429 with Retry-After
	BadRequest       // 400: a permanent refusal
)

// Injector is a queue of faults shared by a fake's handlers. The zero value
// injects nothing. Safe for concurrent use.
type Injector struct {
	mu         sync.Mutex
	queue      []Kind
	retryAfter time.Duration
	release    chan struct{}
	hits       int
}

// Next makes the next n requests fail with kind; for RateLimit, retryAfter
// is the Retry-After sent (rounded up to whole seconds).
func (f *Injector) Next(kind Kind, n int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.queue = append(f.queue, kind)
	}
	f.retryAfter = retryAfter
	if f.release == nil {
		f.release = make(chan struct{})
	}
}

// Release lets every hanging request go (they then fail with 503).
func (f *Injector) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.release != nil {
		close(f.release)
		f.release = make(chan struct{})
	}
}

// Injected counts requests that were answered with a fault.
func (f *Injector) Injected() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits
}

// Intercept answers r with the next queued fault and reports true, or
// reports false when the request should be served normally.
func (f *Injector) Intercept(w http.ResponseWriter, r *http.Request) bool {
	f.mu.Lock()
	if len(f.queue) == 0 {
		f.mu.Unlock()
		return false
	}
	k := f.queue[0]
	f.queue = f.queue[1:]
	f.hits++
	ra, release := f.retryAfter, f.release
	f.mu.Unlock()
	switch k {
	case ServerError:
		http.Error(w, "internal error (injected)", http.StatusInternalServerError)
	case RateLimit:
		secs := int((ra + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		http.Error(w, "rate limited (injected)", http.StatusTooManyRequests)
	case BadRequest:
		http.Error(w, "bad request (injected)", http.StatusBadRequest)
	case Hang:
		select {
		case <-r.Context().Done():
		case <-release:
			http.Error(w, "unavailable (injected)", http.StatusServiceUnavailable)
		}
	default:
		return false
	}
	return true
}
