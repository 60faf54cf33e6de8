// Package webhook is a fake receiver of arqir's signed webhooks (the
// notify/webhook format): a real local HTTP server that checks each
// request's signature with the shared secret, checks the body is arqir's
// versioned JSON, deduplicates on Idempotency-Key and records what it got,
// so tests (and `arqir dev`) see what an SMS gateway or any other receiver
// would have been sent.
//
// It verifies the signature with its own code, written from the scheme the
// notify/webhook package documents rather than by calling it: a test then
// checks the documented scheme, not that the sender agrees with itself
// (and fakes may not import notifiers; see layout_test.go).
//
// Answers: 200 {"ok":true,"id":…,"duplicate":…}; 401 {"error":…} for a
// missing, wrong or stale signature; 400 {"error":…} for a body that is not
// arqir's JSON; 405 for anything but POST. Faults queued on Faults are
// answered before anything else is looked at.
package webhook

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/arqir/arqir/fake/fault"
)

// MaxBody is the largest body the fake reads.
const MaxBody = 1 << 20

// Server is the fake receiver, serving on a local port from New until
// Close. It is also an http.Handler, to mount elsewhere. Safe for
// concurrent use.
type Server struct {
	// Faults, when queued, answer the next requests before any check.
	Faults fault.Injector

	secret string

	mu         sync.Mutex
	now        func() time.Time
	tolerance  time.Duration
	deliveries []Delivery // accepted requests, duplicates included
	seen       map[string]int
	rejected   []Rejection
	changed    chan struct{}

	srv *httptest.Server
}

// Delivery is one accepted request.
type Delivery struct {
	IdempotencyKey string
	// Timestamp is the signed X-Arqir-Timestamp.
	Timestamp time.Time
	Header    http.Header
	Body      []byte
	// Payload is the body decoded.
	Payload map[string]any
	// Duplicate says an earlier delivery had the same idempotency key:
	// the receiver acknowledged it again and acted once.
	Duplicate  bool
	ReceivedAt time.Time
}

// Rejection is a request the fake refused, with the status and why.
type Rejection struct {
	Status int
	Reason string
}

// New starts a receiver on a local port that accepts requests signed with
// secret. Close it when done.
func New(secret string) *Server {
	s := &Server{secret: secret, now: time.Now, tolerance: DefaultTolerance, seen: map[string]int{}, changed: make(chan struct{})}
	s.srv = httptest.NewServer(s)
	return s
}

// DefaultTolerance is how far a signature timestamp may be from the
// receiver's clock, as notify/webhook documents it.
const DefaultTolerance = 5 * time.Minute

// SetClock sets the clock signature timestamps are checked against, for
// senders on a fake clock.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetTolerance sets how far a signature timestamp may be from the clock.
func (s *Server) SetTolerance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tolerance = d
}

// URL is the address to configure as the webhook URL; any path is accepted.
func (s *Server) URL() string { return s.srv.URL }

// Close stops serving; requests held by a Hang fault are let go first.
func (s *Server) Close() {
	s.Faults.Release()
	s.srv.Close()
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.Faults.Intercept(w, r) {
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.refuse(w, http.StatusMethodNotAllowed, "arqir webhooks are POSTed")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil || len(body) > MaxBody {
		s.refuse(w, http.StatusBadRequest, "the body could not be read or is over 1 MiB")
		return
	}
	ts, err := s.verify(r.Header, body)
	if err != nil {
		s.refuse(w, http.StatusUnauthorized, err.Error())
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.refuse(w, http.StatusBadRequest, "Content-Type must be application/json")
		return
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		s.refuse(w, http.StatusBadRequest, "the body is not a JSON object")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if reason := checkPayload(p, key); reason != "" {
		s.refuse(w, http.StatusBadRequest, reason)
		return
	}
	id, dup := s.record(Delivery{IdempotencyKey: key, Timestamp: ts, Header: r.Header.Clone(), Body: body, Payload: p, ReceivedAt: time.Now()})
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "id": "msg-" + strconv.Itoa(id), "duplicate": dup})
}

// checkPayload holds the body to arqir's documented shape, version "1".
func checkPayload(p map[string]any, key string) string {
	switch {
	case p["version"] != "1":
		return fmt.Sprintf("version %v is not one this receiver knows: want \"1\"", p["version"])
	case key == "":
		return "the Idempotency-Key header is missing"
	case p["idempotency_key"] != key:
		return "idempotency_key in the body differs from the Idempotency-Key header"
	}
	for _, obj := range []string{"notification", "incident", "message"} {
		if _, ok := p[obj].(map[string]any); !ok {
			return obj + " is missing or not an object"
		}
	}
	if _, ok := p["sent_at"].(string); !ok {
		return "sent_at is missing"
	}
	return ""
}

func (s *Server) refuse(w http.ResponseWriter, status int, reason string) {
	s.mu.Lock()
	s.rejected = append(s.rejected, Rejection{Status: status, Reason: reason})
	s.notifyLocked()
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": reason})
}

// record keeps an accepted delivery and returns the number of the first
// delivery with its key (the receiver's message ID, stable across repeats)
// and whether it repeats one.
func (s *Server) record(d Delivery) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	first, dup := s.seen[d.IdempotencyKey]
	if !dup {
		first = len(s.seen) + 1
		s.seen[d.IdempotencyKey] = first
	}
	d.Duplicate = dup
	s.deliveries = append(s.deliveries, d)
	s.notifyLocked()
	return first, dup
}

// notifyLocked wakes the waiters; s.mu is held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
