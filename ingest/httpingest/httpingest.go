// Package httpingest is the HTTP endpoint of inbound alerts: POST (or PUT)
// /ingest/{kind} and /ingest/{kind}/{rest...}, one prefix per integration
// kind (see package ingest for the URL shapes).
//
// It is the one exception to "every route needs an API token": the
// integration's credential (bearer, basic auth, PagerDuty routing key,
// GenieKey, path token) authenticates the sender, and a signature, where the
// source has a scheme, proves the body. The recipe of one request:
//
//  1. find the Source of {kind} (404 when there is none);
//  2. read at most 1 MiB of body (413 beyond);
//  3. ingest.Process: credential → integration → signature → parse, the
//     integration found through a short-lived cache of authentications
//     (ingest.AuthCache) rather than a store read per request;
//  4. a control message (SNS subscription confirmation) is carried out
//     before the answer, and its failure is a 500 so that the sender retries;
//  5. the events are stored with AlertService.IngestAs, which commits them
//     durably before it returns: a 2xx always means committed;
//  6. the answer is the one the sender's protocol expects (Parsed.Reply), and
//     refusals are arqir's {"error":{code,message,field}} or the source's own
//     shape (ingest.ErrorReplier).
//
// A cached authentication is re-checked before anything is acted on: IngestAs
// refuses, in the transaction that would store the events, a credential
// whose integration was revoked or rotated since it was checked, and a
// request that stores nothing (a control message, no events) is re-checked
// against the store before it is carried out or answered. So a revoked or
// rotated-away credential never gets a 2xx, on any replica, while a
// sender's steady stream of alerts costs no lookup of its credential.
//
// A refused request stores nothing. The URL path beyond the kind may hold a
// credential (/ingest/cloudwatch/{credential}), so it is never logged, nor
// are headers; logs and metrics carry the kind only.
package httpingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/sources"
)

// Prefix is the path under which the handler serves; mount it there.
const Prefix = "/ingest/"

// MaxBodyBytes bounds a request body. Alertmanager sends every alert of a
// group in one request; 1 MiB holds hundreds of them, and a generic batch
// of 1000 alerts, while keeping one sender from making arqir buffer without
// end.
const MaxBodyBytes = 1 << 20

// Ingester stores the events of one request; arqir.AlertService is one.
type Ingester interface {
	IngestAs(ctx context.Context, in *arqir.Integration, requestKey string, events []arqir.AlertEvent) (*arqir.IngestResult, error)
}

// Integrations authenticates senders and reads an integration as stored
// now, to re-check a cached authentication; arqir.IntegrationService is
// one.
type Integrations interface {
	ingest.Authenticator
	Integration(ctx context.Context, id int64) (*arqir.Integration, error)
}

// Config is what the handler needs.
type Config struct {
	// Integrations authenticates senders (arqir.IntegrationService). Required.
	Integrations Integrations
	// Alerts stores what senders send. Required.
	Alerts Ingester
	// Sources replace the registry's Source of the same kind; tests use it
	// for a CloudWatch source that trusts a local SNS. Empty: the registry.
	Sources []ingest.Source
	// Logger receives one line per request (kind, status, integration;
	// never the path or headers) and internal errors. Default slog.Default().
	Logger *slog.Logger
	// Registry receives the ingest metrics; default a new registry. New
	// registers on it, so pass a given registry to New only once.
	Registry prometheus.Registerer
	// Now is the receive time of a request: the reference of signature
	// replay windows. Default time.Now.
	Now func() time.Time
	// AuthCacheTTL is how long a successful authentication is reused
	// (ingest.AuthCacheConfig.TTL): 0 is ingest.DefaultAuthCacheTTL, a
	// negative value looks every credential up.
	AuthCacheTTL time.Duration
}

// handler serves the ingest endpoints.
type handler struct {
	integrations Integrations
	auth         *ingest.AuthCache // in front of integrations
	alerts       Ingester
	overrides    map[arqir.IntegrationKind]ingest.Source
	logger       *slog.Logger
	metrics      *metrics
	now          func() time.Time
}

// New returns the ingest handler; mount it at Prefix. It panics on a wiring
// mistake: Integrations or Alerts missing, or a Registry that already holds
// the ingest metrics.
func New(cfg Config) http.Handler {
	if cfg.Integrations == nil || cfg.Alerts == nil {
		panic("httpingest.New: Config.Integrations and Config.Alerts are required")
	}
	h := &handler{
		integrations: cfg.Integrations,
		auth:         ingest.NewAuthCache(cfg.Integrations, ingest.AuthCacheConfig{TTL: cfg.AuthCacheTTL}),
		alerts:       cfg.Alerts,
		overrides:    map[arqir.IntegrationKind]ingest.Source{},
		logger:       cfg.Logger,
		now:          cfg.Now,
	}
	for _, s := range cfg.Sources {
		h.overrides[s.Kind()] = s
	}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	h.metrics = newMetrics(reg)
	return h
}

// lookup returns the Source of kind: an override, else the registry's.
func (h *handler) lookup(kind arqir.IntegrationKind) (ingest.Source, bool) {
	if s, ok := h.overrides[kind]; ok {
		return s, true
	}
	return sources.Lookup(kind)
}

// outcome is what the request log and the metrics say about one request.
type outcome struct {
	kind        string // the metric label: a known kind or "unknown"
	status      int
	integration *arqir.Integration
	alerts      int
	replayed    bool
	err         error
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	out := &outcome{kind: "unknown"}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			out.err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			out.status = h.writeError(w, nil, out.err)
		}
		h.record(r.Context(), out, time.Since(start))
	}()
	h.serve(w, r, out)
}

// serve runs the recipe of the package doc and fills in out.
func (h *handler) serve(w http.ResponseWriter, r *http.Request, out *outcome) {
	setSecurityHeaders(w)
	kind, rest, ok := splitPath(r.URL.EscapedPath())
	src, found := h.lookup(kind)
	if !ok || !found {
		out.err = unknownKind(kind)
		out.status = h.writeError(w, nil, out.err)
		return
	}
	out.kind = string(kind)
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		out.err = arqir.Errorf(codeMethodNotAllowed, "method %s is not accepted on the %s endpoint: send alerts with POST", r.Method, kind)
		out.status = h.writeError(w, src, out.err)
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		out.err = err
		out.status = h.writeError(w, src, err)
		return
	}
	req := &ingest.Request{Method: r.Method, Path: rest, Header: r.Header, Query: r.URL.Query(), Body: body, Now: h.now()}
	status, reply, err := h.process(r.Context(), src, req, out)
	if err != nil {
		out.err = err
		out.status = h.writeError(w, src, err)
		return
	}
	out.status = status
	writeJSON(w, status, reply)
}

// process authenticates, verifies, parses, confirms and stores one request
// and returns the sender's answer.
func (h *handler) process(ctx context.Context, src ingest.Source, req *ingest.Request, out *outcome) (int, any, error) {
	var auth ingest.Authenticator = h.integrations
	var lookup *ingest.AuthLookup
	if _, keyless := src.(ingest.KeylessVerifier); !keyless {
		// A source that verifies with a key it fetches itself (SNS's
		// certificate, an outbound request) is never authenticated from
		// the cache: a revoked credential must not make arqir fetch
		// anything. Those senders are few and slow anyway.
		lookup = h.auth.Lookup()
		auth = lookup
	}
	in, p, err := ingest.Process(ctx, src, req, auth)
	if err != nil {
		if lookup != nil && lookup.Cached() {
			lookup.Forget() // a bad request on a cached credential asks the store next time
		}
		return 0, nil, err
	}
	out.integration = in
	if len(p.Events) == 0 || p.Control != nil {
		// Nothing goes through IngestAs, whose transaction would re-check
		// the integration, or a control message is carried out before it:
		// check it here before acting or answering 2xx, cached or not (a
		// revocation may have committed while the request was verified).
		if err := h.recheck(ctx, in); err != nil {
			if lookup != nil {
				lookup.Forget()
			}
			return 0, nil, err
		}
	}
	if p.Control != nil && p.Control.Confirm != nil {
		if err := p.Control.Confirm(ctx); err != nil {
			return 0, nil, fmt.Errorf("%s for integration %d: %w", p.Control.Action, in.ID, err)
		}
	}
	var res *arqir.IngestResult
	if len(p.Events) > 0 {
		res, err = h.alerts.IngestAs(ctx, in, p.RequestKey, p.Events)
		if arqir.ErrorCode(err) == arqir.EUNAUTHORIZED {
			// Revoked or rotated since the credential was checked: its next
			// request asks the store, which refuses it without a batch.
			if lookup != nil {
				lookup.Forget()
			}
			return 0, nil, err
		} else if err != nil {
			return 0, nil, err
		}
		out.alerts, out.replayed = len(p.Events), res.Replayed
	}
	status, reply := p.Reply(res)
	return status, reply, nil
}

// recheck returns EUNAUTHORIZED when the credential that authenticated in
// from the cache no longer works: the integration was revoked or rotated
// since.
func (h *handler) recheck(ctx context.Context, in *arqir.Integration) error {
	current, err := h.integrations.Integration(ctx, in.ID)
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		current, err = nil, nil
	}
	if err != nil {
		return fmt.Errorf("re-check integration %d: %w", in.ID, err)
	}
	return arqir.CheckedCredentialStale(current, in)
}

// splitPath splits an escaped request path /ingest/{kind}[/rest] into the
// kind (unescaped) and the rest (escaped, "" or "/…"), as ingest.Request
// wants it.
func splitPath(escaped string) (arqir.IntegrationKind, string, bool) {
	tail, ok := strings.CutPrefix(escaped, Prefix)
	if !ok {
		return "", "", false
	}
	seg, rest, hasRest := strings.Cut(tail, "/")
	kind, err := url.PathUnescape(seg)
	if err != nil || kind == "" {
		return "", "", false
	}
	if hasRest {
		rest = "/" + rest
	}
	return arqir.IntegrationKind(kind), rest, true
}

// unknownKind is the 404 of a path that names no integration kind.
func unknownKind(kind arqir.IntegrationKind) error {
	var kinds []string
	for _, k := range arqir.IntegrationKinds {
		if _, ok := sources.Lookup(k); ok {
			kinds = append(kinds, string(k))
		}
	}
	return arqir.Errorf(arqir.ENOTFOUND, "no ingest endpoint for %q: send to /ingest/<kind> with kind one of %s (GET /api/v1/integrations/kinds lists each URL)",
		ingest.Truncate(string(kind), 40), strings.Join(kinds, ", "))
}

// readBody reads at most MaxBodyBytes. Returns ETOOLARGE beyond.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, arqir.Errorf(arqir.ETOOLARGE, "the request body is over the 1 MiB limit: send fewer alerts per request (split the batch) or shorter annotations")
	} else if err != nil {
		return nil, arqir.Errorf(arqir.EINVALID, "could not read the request body: %v", err)
	}
	return data, nil
}

// record logs and measures one request.
func (h *handler) record(ctx context.Context, out *outcome, elapsed time.Duration) {
	h.metrics.observe(out, elapsed)
	attrs := []slog.Attr{
		slog.String("kind", out.kind), slog.Int("status", out.status), slog.Duration("duration", elapsed),
	}
	if out.integration != nil {
		attrs = append(attrs, slog.Int64("integration_id", out.integration.ID), slog.String("integration", out.integration.Name))
	}
	level := slog.LevelDebug // thousands a second when accepted: the metrics count them
	switch {
	case out.status >= 500:
		level = slog.LevelError
		attrs = append(attrs, slog.Any("err", out.err))
	case out.status >= 400:
		level = slog.LevelInfo
		attrs = append(attrs, slog.String("code", arqir.ErrorCode(out.err)), slog.String("reason", arqir.ErrorMessage(out.err)))
	default:
		attrs = append(attrs, slog.Int("alerts", out.alerts), slog.Bool("replayed", out.replayed))
	}
	h.logger.LogAttrs(ctx, level, "ingest request", attrs...)
}
