// Package web is the browser interface of arqir: sign-in, the dashboard,
// the incident pages and the public status page, rendered on the server
// with html/template and refreshed in place with htmx. Templates and
// assets are embedded, so the binary is the whole UI.
//
// Every page but sign-in, /status and /static/ needs a session; every POST
// carries the session's CSRF token and must not come from another origin.
// HANDBOOK.md tells how to add a page.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
)

// PolicySource is the active procedures-as-code policy as the pages need it.
// app adapts its policy manager to it.
type PolicySource interface {
	// Active is the record of the active policy; nil if none was applied.
	Active() *arqir.PolicyRecord
	// Rules are the severities, checklist and KPI targets of the active policy.
	Rules() arqir.Rules
	// Policy is the parsed active policy (runbooks, detection rules); nil if none.
	Policy() *policy.Policy
	// Markdown is the active policy rendered as the procedures document.
	Markdown() string
	// History lists the applied policies, newest first.
	History(ctx context.Context) ([]*arqir.PolicyRecord, error)
}

// Config is what the web UI needs.
type Config struct {
	// Store is the database. Required.
	Store arqir.Store
	// Sessions keeps sign-ins; nil uses Store when it implements
	// arqir.SessionService.
	Sessions arqir.SessionService
	// Policy is the active policy. Required.
	Policy PolicySource
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives internal errors; default slog.Default().
	Logger *slog.Logger
	// PublicURL is where people reach arqir, e.g. https://arqir.example.com;
	// an https URL makes the session cookie Secure, and its host is an
	// origin POSTs may come from.
	PublicURL string
	// SessionTTL is how long a sign-in lasts; default 12h.
	SessionTTL time.Duration
}

// DefaultSessionTTL is how long a sign-in lasts unless configured.
const DefaultSessionTTL = 12 * time.Hour

// server holds the dependencies every handler reads.
type server struct {
	store      arqir.Store
	sessions   arqir.SessionService
	policy     PolicySource
	now        func() time.Time
	log        *slog.Logger
	publicURL  string
	secureURL  bool
	ttl        time.Duration
	pages      *pages
	loginLimit *limiter
}

// New returns the handler of the web UI. It panics on a wiring mistake
// (Store or Policy missing).
func New(cfg Config) http.Handler {
	if cfg.Store == nil || cfg.Policy == nil {
		panic("web.New: Config.Store and Config.Policy are required")
	}
	s := &server{
		store:     cfg.Store,
		sessions:  cfg.Sessions,
		policy:    cfg.Policy,
		now:       cfg.Now,
		log:       cfg.Logger,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		ttl:       cfg.SessionTTL,
	}
	if s.sessions == nil {
		if ss, ok := cfg.Store.(arqir.SessionService); ok {
			s.sessions = ss
		} else {
			s.sessions = noSessions{}
		}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.ttl <= 0 {
		s.ttl = DefaultSessionTTL
	}
	s.secureURL = strings.HasPrefix(s.publicURL, "https://")
	s.pages = mustParsePages()
	s.loginLimit = newLimiter(loginAttempts, loginWindow, s.now)
	return securityHeaders(s.routes())
}

// noSessions answers for a store without sign-in support: nobody can sign in.
type noSessions struct{}

var errNoSessions = arqir.Errorf(arqir.EINTERNAL, "this database cannot keep web sign-ins yet: upgrade arqir")

func (noSessions) SetPassword(context.Context, string, string, arqir.Role, bool) (*arqir.Login, error) {
	return nil, errNoSessions
}
func (noSessions) CheckPassword(context.Context, string, string) (*arqir.Login, error) {
	return nil, errNoSessions
}
func (noSessions) CountLogins(context.Context) (int, error) { return 0, errNoSessions }
func (noSessions) CreateSession(context.Context, string, time.Duration) (string, *arqir.Session, error) {
	return "", nil, errNoSessions
}
func (noSessions) Session(context.Context, string) (*arqir.Session, error) {
	return nil, arqir.Errorf(arqir.EUNAUTHORIZED, "not signed in")
}
func (noSessions) DeleteSession(context.Context, string) error { return nil }
