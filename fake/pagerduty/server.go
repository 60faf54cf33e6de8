// Package pagerduty is a fake PagerDuty Events API v2: a real local HTTP
// server that accepts alert events at POST /v2/enqueue, checks them the way
// the public spec describes, answers in PagerDuty's shapes and keeps the
// alerts they open, acknowledge and resolve, so tests (and `arqir dev`) can
// see exactly what PagerDuty would have received.
//
// Spec: https://developer.pagerduty.com/docs/events-api-v2/overview/ and
// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
// (PagerDuty/developer-docs docs/events-API-v2/01-Overview.md and
// 02-Trigger-Events.md).
//
// Answers: 202 {"status":"success","message":"Event processed","dedup_key":…}
// for an accepted event (a trigger without dedup_key gets a generated one);
// 400 {"status":"invalid event","message":"Event object is invalid",
// "errors":[…]} for a malformed or invalid one. Faults queued on Faults are
// answered before anything else is looked at.
package pagerduty

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/arqir/arqir/fake/fault"
)

// MaxBody is PagerDuty's limit on the size of one event, in bytes (512 KB).
const MaxBody = 512 * 1024

// Server is the fake, serving on a local port from New until Close. It is
// also an http.Handler, to mount elsewhere. Safe for concurrent use.
type Server struct {
	// Faults, when queued, answer the next requests before any check.
	Faults fault.Injector

	keys map[string]bool

	mu       sync.Mutex
	events   []Event
	rejected []Rejection
	alerts   map[alertID]*Alert
	seq      int
	changed  chan struct{} // closed and replaced whenever something is recorded

	srv *httptest.Server
}

// Rejection is a request the fake refused with 400, and why.
type Rejection struct {
	Body   []byte
	Errors []string
}

// Response is the Events API's answer, success or error.
type Response struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key,omitempty"`
	Errors   []string `json:"errors,omitempty"`
}

// New starts a fake on a local port that accepts events for the given
// routing keys only; any other key is refused as PagerDuty refuses it
// ("Invalid routing key"). Close it when done.
func New(routingKeys ...string) *Server {
	s := &Server{keys: map[string]bool{}, alerts: map[alertID]*Alert{}, changed: make(chan struct{})}
	for _, k := range routingKeys {
		s.keys[k] = true
	}
	s.srv = httptest.NewServer(s)
	return s
}

// URL is the base URL to configure as PagerDuty's events endpoint, e.g.
// http://127.0.0.1:41234 (events go to URL + "/v2/enqueue").
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
	if r.URL.Path != "/v2/enqueue" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed: POST events to /v2/enqueue", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		s.reject(w, body, "could not read the request body: "+err.Error())
		return
	}
	if len(body) > MaxBody {
		s.reject(w, body[:0], "Event object exceeds the maximum size of 512 KB")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.reject(w, body, "Content-Type must be application/json")
		return
	}
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			s.reject(w, body, "Event object is not valid JSON")
		} else {
			s.reject(w, body, "Event object has a field of the wrong type: "+err.Error())
		}
		return
	}
	if errs := check(&ev, s.known); len(errs) > 0 {
		s.reject(w, body, errs...)
		return
	}
	key := s.apply(ev)
	reply(w, http.StatusAccepted, Response{Status: "success", Message: "Event processed", DedupKey: key})
}

func (s *Server) known(routingKey string) bool { return s.keys[routingKey] }

func (s *Server) reject(w http.ResponseWriter, body []byte, errs ...string) {
	s.mu.Lock()
	s.rejected = append(s.rejected, Rejection{Body: append([]byte(nil), body...), Errors: errs})
	s.notifyLocked()
	s.mu.Unlock()
	reply(w, http.StatusBadRequest, Response{Status: "invalid event", Message: "Event object is invalid", Errors: errs})
}

func reply(w http.ResponseWriter, status int, v Response) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Events returns the accepted events, oldest first.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// Rejected returns the requests refused as invalid, oldest first.
func (s *Server) Rejected() []Rejection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rejection(nil), s.rejected...)
}

// notifyLocked wakes the waiters; s.mu is held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
