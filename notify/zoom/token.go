package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir/notify"
)

// refreshMargin is how long before its expiry a token is replaced, so a
// request never starts with a token about to lapse in flight.
const refreshMargin = 60 * time.Second

// tokenSource hands out a cached Server-to-Server OAuth access token. Zoom
// issues no refresh token: a new one is requested with the app's
// credentials when the cached one nears expiry or the API refuses it.
type tokenSource struct {
	endpoint  string
	accountID string
	clientID  string
	secret    string
	client    *http.Client
	now       func() time.Time

	// fetching holds one slot: whoever holds it requests the token, the
	// others wait for it (or for their context) and reuse the result, so
	// N concurrent meetings cost one token request.
	fetching chan struct{}

	mu      sync.Mutex
	tok     string
	expires time.Time
}

// tokenAnswer is Zoom's token response.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// oauthError is Zoom's OAuth error shape.
type oauthError struct {
	Reason string `json:"reason"`
	Error  string `json:"error"`
}

// newTokenSource returns an empty cache for the app of cfg.
func newTokenSource(cfg Config) *tokenSource {
	return &tokenSource{
		endpoint:  strings.TrimRight(cfg.OAuthURL, "/") + "/oauth/token",
		accountID: cfg.AccountID,
		clientID:  cfg.ClientID,
		secret:    cfg.ClientSecret,
		client:    cfg.HTTPClient,
		now:       cfg.Now,
		fetching:  make(chan struct{}, 1),
	}
}

// token returns a token valid for at least refreshMargin, requesting one
// when the cache has none.
func (ts *tokenSource) token(ctx context.Context) (string, error) {
	if tok := ts.cached(); tok != "" {
		return tok, nil
	}
	select {
	case ts.fetching <- struct{}{}:
	case <-ctx.Done():
		return "", &notify.Error{Retryable: true, Err: fmt.Errorf("zoom: waiting for an access token: %w", ctx.Err())}
	}
	defer func() { <-ts.fetching }()
	if tok := ts.cached(); tok != "" {
		return tok, nil
	}
	start := ts.now()
	tok, lifetime, err := ts.fetch(ctx)
	if err != nil {
		return "", err
	}
	margin := min(refreshMargin, lifetime/2)
	ts.mu.Lock()
	ts.tok, ts.expires = tok, start.Add(lifetime-margin)
	ts.mu.Unlock()
	return tok, nil
}

// cached returns the cached token if it is still good, else "".
func (ts *tokenSource) cached() string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.tok != "" && ts.now().Before(ts.expires) {
		return ts.tok
	}
	return ""
}

// invalidate drops tok from the cache after the API refused it, unless a
// newer token already replaced it.
func (ts *tokenSource) invalidate(tok string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.tok == tok {
		ts.tok = ""
	}
}

// known returns the token held, for scrubbing error text.
func (ts *tokenSource) known() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.tok == "" {
		return nil
	}
	return []string{ts.tok}
}

// fetch requests a token: POST /oauth/token?grant_type=account_credentials&account_id=…
// with Basic client_id:client_secret. A failed token request created
// nothing at Zoom, so none of its errors is ambiguous.
func (ts *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	q := url.Values{"grant_type": {"account_credentials"}, "account_id": {ts.accountID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.endpoint+"?"+q.Encode(), nil)
	if err != nil {
		return "", 0, notify.Permanent("zoom: build the token request: %v: check oauth_url", err)
	}
	req.SetBasicAuth(ts.clientID, ts.secret)
	req.Header.Set("Accept", "application/json")
	resp, err := ts.client.Do(req)
	if err != nil {
		return "", 0, &notify.Error{Retryable: true, Err: fmt.Errorf("zoom: request an access token from %s: %w", req.URL.Host, bareTransport(err))}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return "", 0, tokenError(resp, body)
	}
	var a tokenAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.AccessToken == "" {
		return "", 0, notify.Retry(0, "zoom: the token answer from %s held no access_token: Zoom may be degraded; arqir will retry", req.URL.Host)
	}
	if !strings.EqualFold(a.TokenType, "bearer") {
		return "", 0, notify.Permanent("zoom: the token answer is of type %q, not bearer: check oauth_url points at Zoom's OAuth server (https://zoom.us)", a.TokenType)
	}
	if a.ExpiresIn <= 0 {
		a.ExpiresIn = 3600
	}
	return a.AccessToken, time.Duration(a.ExpiresIn) * time.Second, nil
}

// tokenError classifies a refused token request.
func tokenError(resp *http.Response, body []byte) error {
	var e oauthError
	_ = json.Unmarshal(body, &e)
	detail := excerpt(body)
	if e.Error != "" || e.Reason != "" {
		detail = e.Error + ": " + e.Reason
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return &notify.Error{Retryable: true, RetryAfter: notify.RetryAfter(resp.Header.Get("Retry-After")),
			Err: fmt.Errorf("zoom: the token request was answered %s (%s): arqir will retry", resp.Status, detail)}
	case e.Error == "invalid_client" || resp.StatusCode == http.StatusUnauthorized:
		return notify.Permanent("zoom: Zoom refused the app's credentials (%s %s): check the client ID and client secret of the Server-to-Server OAuth app, and that the app is activated", resp.Status, detail)
	case strings.Contains(strings.ToLower(e.Reason), "account"):
		return notify.Permanent("zoom: Zoom refused the account ID (%s %s): copy the Account ID from the app's App Credentials", resp.Status, detail)
	default:
		return notify.Permanent("zoom: Zoom refused the token request (%s %s): check the app is a Server-to-Server OAuth app and its account ID, client ID and secret", resp.Status, detail)
	}
}
