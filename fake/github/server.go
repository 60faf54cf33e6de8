// Package github is a fake GitHub REST API for issues: a real local HTTP
// server that files, lists, reads and closes issues the way
// https://docs.github.com/rest/issues/issues describes, refuses what GitHub
// refuses in GitHub's error shapes, and delivers signed `issues` webhooks
// (https://docs.github.com/webhooks) when an issue closes, so tests and
// `arqir dev` exercise the real notifier and the real inbound webhook.
//
// Routes, all under the base URL that stands in for https://api.github.com:
//
//	POST  /repos/{owner}/{repo}/issues           201 the issue
//	GET   /repos/{owner}/{repo}/issues           200 a page of issues (state, labels, creator, sort, direction, per_page, page)
//	GET   /repos/{owner}/{repo}/issues/{number}  200 the issue
//	PATCH /repos/{owner}/{repo}/issues/{number}  200 the issue (title, body, state, state_reason, labels)
//
// Answers carry GitHub's x-ratelimit-* headers. Refusals: 401 "Bad
// credentials" (or "Requires authentication"), 404 "Not Found" for a
// repository or issue the fake does not have, 400 "Problems parsing JSON",
// 422 "Validation Failed" with its errors, 403 "API rate limit exceeded"
// with x-ratelimit-remaining: 0 after ExhaustRateLimit. Faults queued on
// Faults are answered before anything else is looked at; an injected rate
// limit (429 with Retry-After) also says x-ratelimit-remaining: 0.
package github

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir/fake/fault"
)

// TokenOwner is the login of the user the fake's token belongs to: the
// author of the issues filed through the API.
const TokenOwner = "arqir-bot"

// APIVersion is the REST API version the fake speaks; a request naming
// another in X-GitHub-Api-Version is refused with 400, as GitHub refuses
// versions it does not know.
const APIVersion = "2022-11-28"

// RateLimit is the hourly request allowance the headers report.
const RateLimit = 5000

// Server is a running fake GitHub. Safe for concurrent use.
type Server struct {
	// Faults, when queued, answer the next requests before any check.
	Faults fault.Injector

	token string
	srv   *httptest.Server

	mu        sync.Mutex
	now       func() time.Time
	repos     map[string]*repository // by lower-case "owner/name"
	nextID    int64
	used      int
	exhausted int       // requests still to refuse with the primary rate limit
	resetAt   time.Time // when the primary rate limit resets
	requests  []Request
	hooks     []hook
	delivered []Delivery
	changed   chan struct{} // closed and replaced whenever something is recorded
}

// Request is one request the fake received, for assertions on headers.
type Request struct {
	Method, Path, Query string
	// Auth is the Authorization scheme ("Bearer", "token") or "" without one;
	// never the token.
	Auth       string
	Accept     string
	APIVersion string
	UserAgent  string
}

// New starts a fake GitHub on 127.0.0.1 that accepts token (as "Bearer
// <token>" or "token <token>") and holds the repositories named
// "owner/name". Close it when done.
func New(token string, repos ...string) *Server {
	s := &Server{
		token:   token,
		now:     time.Now,
		repos:   map[string]*repository{},
		changed: make(chan struct{}),
	}
	for _, r := range repos {
		s.AddRepo(r)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues", s.handleCreate)
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues", s.handleList)
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}", s.handleGet)
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/issues/{number}", s.handleUpdate)
	pages := http.NewServeMux()
	pages.HandleFunc("GET /{owner}/{repo}/issues/{number}", s.handlePage)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/repos/") {
			pages.ServeHTTP(w, r) // the web pages of html_url, not the API
			return
		}
		s.record(r)
		if s.Faults.Intercept(&rateLimitHeaders{ResponseWriter: w, s: s}, r) {
			return
		}
		s.setRateHeaders(w)
		if s.refuseRateLimited(w) {
			return
		}
		if !s.authorized(w, r) {
			return
		}
		if v := r.Header.Get("X-GitHub-Api-Version"); v != "" && v != APIVersion {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("Unsupported 'X-GitHub-Api-Version' provided: %s", v), docVersions)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	return s
}

// URL is the REST base URL, the stand-in for https://api.github.com.
func (s *Server) URL() string { return s.srv.URL }

// Close stops serving; requests held by a Hang fault are let go first.
func (s *Server) Close() {
	s.Faults.Release()
	s.srv.Close()
}

// SetNow sets the clock issues are stamped with; default time.Now.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// AddRepo makes a repository "owner/name" exist.
func (s *Server) AddRepo(fullName string) {
	owner, name, _ := strings.Cut(fullName, "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(fullName)
	if s.repos[key] == nil {
		s.nextID++
		s.repos[key] = &repository{id: s.nextID, owner: owner, name: name, labels: map[string]Label{}}
	}
}

// ExhaustRateLimit makes the next n requests fail as GitHub answers a
// spent primary rate limit: 403 with x-ratelimit-remaining: 0 and
// x-ratelimit-reset at reset.
func (s *Server) ExhaustRateLimit(n int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exhausted, s.resetAt = n, reset
}

// Requests returns every request received, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) record(r *http.Request) {
	scheme, _, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used++
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: scheme,
		Accept: r.Header.Get("Accept"), APIVersion: r.Header.Get("X-GitHub-Api-Version"), UserAgent: r.Header.Get("User-Agent"),
	})
	s.notifyLocked()
}

// notifyLocked wakes the waiters; s.mu is held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// authorized checks the Authorization header as GitHub does: no header is
// "Requires authentication", a wrong token "Bad credentials".
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		writeError(w, http.StatusUnauthorized, "Requires authentication", docAuth)
		return false
	}
	scheme, secret, _ := strings.Cut(h, " ")
	if (!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "token")) || strings.TrimSpace(secret) != s.token || s.token == "" {
		writeError(w, http.StatusUnauthorized, "Bad credentials", docAuth)
		return false
	}
	return true
}

// setRateHeaders writes the x-ratelimit-* headers GitHub sends on every answer.
func (s *Server) setRateHeaders(w http.ResponseWriter) {
	s.mu.Lock()
	used, reset, exhausted := s.used, s.resetAt, s.exhausted > 0
	if reset.IsZero() || !exhausted {
		reset = s.now().Add(time.Hour).Truncate(time.Hour)
	}
	s.mu.Unlock()
	remaining := max(RateLimit-used, 0)
	if exhausted {
		remaining = 0
	}
	h := w.Header()
	h.Set("x-ratelimit-limit", strconv.Itoa(RateLimit))
	h.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
	h.Set("x-ratelimit-used", strconv.Itoa(min(used, RateLimit)))
	h.Set("x-ratelimit-reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("x-ratelimit-resource", "core")
}

// refuseRateLimited answers a request made while the primary rate limit is
// spent (ExhaustRateLimit).
func (s *Server) refuseRateLimited(w http.ResponseWriter) bool {
	s.mu.Lock()
	if s.exhausted == 0 {
		s.mu.Unlock()
		return false
	}
	s.exhausted--
	s.mu.Unlock()
	writeError(w, http.StatusForbidden, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.", docRateLimits)
	return true
}

// rateLimitHeaders adds x-ratelimit-remaining: 0 to an injected 429, as
// GitHub's answers to a spent limit carry it.
type rateLimitHeaders struct {
	http.ResponseWriter
	s *Server
}

// WriteHeader implements http.ResponseWriter.
func (w *rateLimitHeaders) WriteHeader(code int) {
	if code == http.StatusTooManyRequests {
		w.s.setRateHeaders(w.ResponseWriter)
		w.Header().Set("x-ratelimit-remaining", "0")
	}
	w.ResponseWriter.WriteHeader(code)
}

// Documentation links GitHub puts in its errors.
const (
	docAuth       = "https://docs.github.com/rest"
	docCreate     = "https://docs.github.com/rest/issues/issues#create-an-issue"
	docUpdate     = "https://docs.github.com/rest/issues/issues#update-an-issue"
	docList       = "https://docs.github.com/rest/issues/issues#list-repository-issues"
	docGet        = "https://docs.github.com/rest/issues/issues#get-an-issue"
	docRateLimits = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
	docVersions   = "https://docs.github.com/rest/overview/api-versions"
)

// ErrorBody is GitHub's error document.
type ErrorBody struct {
	Message          string            `json:"message"`
	Errors           []ValidationError `json:"errors,omitempty"`
	DocumentationURL string            `json:"documentation_url"`
	Status           string            `json:"status"`
}

// ValidationError is one entry of a 422's errors.
type ValidationError struct {
	Resource string `json:"resource"`
	Code     string `json:"code"` // missing_field, invalid, custom, …
	Field    string `json:"field"`
	Message  string `json:"message,omitempty"`
}

func writeError(w http.ResponseWriter, status int, message, doc string, errs ...ValidationError) {
	writeJSON(w, status, ErrorBody{Message: message, Errors: errs, DocumentationURL: doc, Status: strconv.Itoa(status)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
