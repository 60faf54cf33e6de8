// Package zoom is a fake Zoom: a real local HTTP server that speaks the two
// calls arqir makes (wire-formats.md §7): the Server-to-Server OAuth token
// request and "create a meeting". It checks credentials and tokens the way
// Zoom does and refuses malformed requests with Zoom's error shapes, so
// tests and `arqir dev` exercise the real client code.
package zoom

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/arqir/arqir/fake/fault"
)

// Credentials are the Server-to-Server OAuth app's identity the fake accepts.
type Credentials struct {
	AccountID    string
	ClientID     string
	ClientSecret string
}

// DefaultScope is what tokens grant unless SetScopes says otherwise: enough
// to create meetings for the app's own user ("me").
const DefaultScope = "meeting:write:meeting"

// Server is a running fake Zoom. The OAuth endpoint is at URL() and the REST
// API at APIURL(). Safe for concurrent use.
type Server struct {
	// Faults is consulted before every request is served.
	Faults fault.Injector

	creds Credentials
	srv   *httptest.Server

	mu            sync.Mutex
	now           func() time.Time
	lifetime      time.Duration
	scope         string
	tokens        map[string]token
	users         []string
	tokenRequests int
	meetings      []Meeting
}

// token is an access token the fake issued.
type token struct {
	expires time.Time
	scope   string
}

// New starts a fake Zoom on 127.0.0.1 that accepts creds. Close it when done.
func New(creds Credentials) *Server {
	s := &Server{
		creds:    creds,
		now:      time.Now,
		lifetime: time.Hour,
		scope:    DefaultScope,
		tokens:   map[string]token{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/token", s.handleToken)
	mux.HandleFunc("/v2/users/{user}/meetings", s.handleCreateMeeting)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Faults.Intercept(w, r) {
			return
		}
		mux.ServeHTTP(w, r)
	}))
	return s
}

// URL is the OAuth base URL, the stand-in for https://zoom.us.
func (s *Server) URL() string { return s.srv.URL }

// APIURL is the REST base URL, the stand-in for https://api.zoom.us/v2.
func (s *Server) APIURL() string { return s.srv.URL + "/v2" }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// SetTokenLifetime sets expires_in of tokens issued from now on; they stop
// working after it, measured by the fake's clock.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
}

// SetClock replaces the clock the fake judges token expiry by, so a test
// can age tokens without waiting.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetScopes sets the scope string of tokens issued from now on, e.g.
// "meeting:read:meeting" to play an app that lacks meeting:write:meeting.
func (s *Server) SetScopes(scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scope = scope
}

// ExpireTokens makes every token issued so far invalid, as when Zoom
// revokes them early: the next API call with one answers 401 code 124.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// AddUser makes a user ID or e-mail address known, so meetings can be
// created for it (with the :admin scope); "me" is always known.
func (s *Server) AddUser(idOrEmail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = append(s.users, idOrEmail)
}

// TokenRequests counts token requests that were answered with a token.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// Meetings returns the meetings created so far, oldest first.
func (s *Server) Meetings() []Meeting {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.meetings)
}

// knownUser reports whether meetings can be created for user.
func (s *Server) knownUser(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return user == "me" || slices.Contains(s.users, user)
}
