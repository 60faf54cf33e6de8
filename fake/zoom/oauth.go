package zoom

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// tokenAnswer is Zoom's Server-to-Server OAuth token response.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	APIURL      string `json:"api_url"`
}

// oauthError is the shape of Zoom's OAuth errors, e.g.
// {"reason":"Invalid client_id or client_secret","error":"invalid_client"}.
type oauthError struct {
	Reason string `json:"reason"`
	Error  string `json:"error"`
}

// handleToken serves POST /oauth/token?grant_type=account_credentials&account_id=…
// with HTTP Basic client_id:client_secret. Zoom documents the parameters in
// the query; clients that send them form-encoded are accepted too.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, oauthError{Reason: "Method not allowed", Error: "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || !equal(id, s.creds.ClientID) || !equal(secret, s.creds.ClientSecret) {
		writeJSON(w, http.StatusUnauthorized, oauthError{Reason: "Invalid client_id or client_secret", Error: "invalid_client"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthError{Reason: "Invalid request", Error: "invalid_request"})
		return
	}
	switch {
	case r.Form.Get("grant_type") != "account_credentials":
		writeJSON(w, http.StatusBadRequest, oauthError{Reason: "Unsupported grant type", Error: "unsupported_grant_type"})
		return
	case r.Form.Get("account_id") == "":
		writeJSON(w, http.StatusBadRequest, oauthError{Reason: "Missing account_id", Error: "invalid_request"})
		return
	case r.Form.Get("account_id") != s.creds.AccountID:
		writeJSON(w, http.StatusBadRequest, oauthError{Reason: "Invalid account_id", Error: "invalid_request"})
		return
	}

	tok := newToken()
	s.mu.Lock()
	lifetime, scope := s.lifetime, s.scope
	s.tokens[tok] = token{expires: s.now().Add(lifetime), scope: scope}
	s.tokenRequests++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, tokenAnswer{
		AccessToken: tok,
		TokenType:   "bearer",
		ExpiresIn:   int(lifetime / time.Second),
		Scope:       scope,
		APIURL:      s.srv.URL,
	})
}

// bearer returns the token of an API request if it is one the fake issued
// and it has not expired.
func (s *Server) bearer(r *http.Request) (token, bool) {
	h := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return token{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[h[len(prefix):]]
	if !ok || !s.now().Before(t.expires) {
		return token{}, false
	}
	return t, true
}

// newToken returns an unguessable access token.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// equal compares a presented credential with the expected one in constant time.
func equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
