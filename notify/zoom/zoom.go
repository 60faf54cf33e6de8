// Package zoom creates the incident's war-room call as a Zoom meeting (R5,
// T3), through a Server-to-Server OAuth app (wire-formats.md §7).
//
// Zoom's create-meeting call takes no idempotency key. A retry after an
// ambiguous failure (a timeout or a 5xx after the request went out) can
// therefore create a second meeting; the notifier marks such failures
// Ambiguous, and the incident keeps only the first join link recorded, so
// responders are never sent to two calls. When the incident already has a
// war-room link, Notify reports it and creates nothing.
package zoom

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// Config says how to reach Zoom and as which app.
type Config struct {
	// OAuthURL is where tokens come from; default https://zoom.us.
	OAuthURL string
	// APIURL is the REST API base; default https://api.zoom.us/v2.
	APIURL string
	// AccountID, ClientID and ClientSecret identify the Server-to-Server
	// OAuth app (Zoom App Marketplace → the app → App Credentials).
	AccountID    string
	ClientID     string
	ClientSecret string
	// UserID hosts the meetings: "me" (the default) or a user ID or
	// e-mail address, which needs scope meeting:write:meeting:admin.
	UserID string
	// HTTPClient sends the requests; default one with a 15 s timeout.
	HTTPClient *http.Client
	// Now is the clock token expiry is judged by; default time.Now.
	Now func() time.Time
}

// Defaults of Config.
const (
	DefaultOAuthURL = "https://zoom.us"
	DefaultAPIURL   = "https://api.zoom.us/v2"
	DefaultUserID   = "me"
)

// Notifier creates Zoom meetings for war-room notifications. Safe for
// concurrent use; one Notifier shares one cached token.
type Notifier struct {
	apiURL string
	userID string
	client *http.Client
	tokens *tokenSource
	// secret and basic (the Basic credentials as sent) never appear in
	// error text.
	secret string
	basic  string
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks cfg and returns a notifier. It makes no request: a wrong
// credential shows on the first meeting, with what to fix.
func New(cfg Config) (*Notifier, error) {
	if cfg.OAuthURL == "" {
		cfg.OAuthURL = DefaultOAuthURL
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.UserID == "" {
		cfg.UserID = DefaultUserID
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"account_id", cfg.AccountID}, {"client_id", cfg.ClientID}, {"client_secret", cfg.ClientSecret}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("zoom: %s not set: copy them from the Server-to-Server OAuth app's App Credentials in the Zoom App Marketplace", strings.Join(missing, ", "))
	}
	for _, f := range []struct{ name, url, def string }{{"oauth_url", cfg.OAuthURL, DefaultOAuthURL}, {"api_url", cfg.APIURL, DefaultAPIURL}} {
		if p, err := url.Parse(f.url); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return nil, fmt.Errorf("zoom: %s %q is not an http(s) URL: leave it empty for Zoom's own (%s)", f.name, f.url, f.def)
		}
	}
	return &Notifier{
		apiURL: strings.TrimRight(cfg.APIURL, "/"),
		userID: cfg.UserID,
		client: cfg.HTTPClient,
		tokens: newTokenSource(cfg),
		secret: cfg.ClientSecret,
		basic:  base64.StdEncoding.EncodeToString([]byte(cfg.ClientID + ":" + cfg.ClientSecret)),
	}, nil
}

// Channel is arqir.ChannelZoom.
func (n *Notifier) Channel() string { return arqir.ChannelZoom }

// Notify creates the war-room meeting of a PurposeWarRoom notification.
// Receipt.Ref is the meeting ID and Receipt.Refs[arqir.RefWarRoomURL] the
// join link; the host link (start_url) is never returned. A 401 from the
// API is answered by fetching a new token and trying once more.
func (n *Notifier) Notify(ctx context.Context, job *notify.Job) (notify.Receipt, error) {
	note := job.Notification
	if note.Purpose != arqir.PurposeWarRoom {
		return notify.Receipt{}, notify.Permanent("zoom creates the incident's war-room call only, not %s notifications: route %s to another channel in the policy", note.Purpose, note.Purpose)
	}
	if link := job.Refs[arqir.RefWarRoomURL]; link != "" {
		return notify.Receipt{Ref: meetingIDOf(link), Refs: map[string]string{arqir.RefWarRoomURL: link}}, nil
	}
	body := newMeetingRequest(job.Message())
	for attempt := 1; ; attempt++ {
		tok, err := n.tokens.token(ctx)
		if err != nil {
			return notify.Receipt{}, n.scrub(err)
		}
		m, err := n.createMeeting(ctx, tok, body)
		var expired *tokenRejected
		if errors.As(err, &expired) && attempt == 1 {
			n.tokens.invalidate(tok)
			continue
		}
		if err != nil {
			return notify.Receipt{}, n.scrub(err)
		}
		return notify.Receipt{
			Ref:  strconv.FormatInt(m.ID, 10),
			Refs: map[string]string{arqir.RefWarRoomURL: m.JoinURL},
		}, nil
	}
}

// meetingIDOf returns the meeting ID of a join link such as
// https://zoom.us/j/85746065432?pwd=…, or "" when it has none.
func meetingIDOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 2 && parts[0] == "j" {
		if _, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
			return parts[1]
		}
	}
	return ""
}

// scrub makes sure no error text carries the client secret or a token,
// whatever a server echoed back.
func (n *Notifier) scrub(err error) error {
	text := err.Error()
	secrets := append([]string{n.secret, n.basic}, n.tokens.known()...)
	leaked := false
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			text = strings.ReplaceAll(text, s, "[redacted]")
			leaked = true
		}
	}
	if !leaked {
		return err
	}
	e := notify.AsError(err)
	return &notify.Error{Retryable: e.Retryable, RetryAfter: e.RetryAfter, Ambiguous: e.Ambiguous, Err: errors.New(text)}
}
