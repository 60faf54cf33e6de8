// Package ingest turns inbound monitoring payloads into arqir.AlertEvents.
//
// One package per source (alertmanager, pagerduty, opsgenie, datadog,
// cloudwatch, generic) implements Source; ingest/sources is the one registry
// file. The packages are pure of storage: they read a Request, say which
// credential it carries, verify signatures, and return the events with the
// answer the sender expects. The HTTP handler that uses them stays generic
// and small:
//
//	src, ok := sources.Lookup(kind)               // 404 when !ok
//	body := read at most 1 MiB                     // 413 is the handler's job
//	req := &ingest.Request{Method: r.Method, Path: rest, Header: r.Header,
//		Query: r.URL.Query(), Body: body, Now: now}
//	auth := cache.Lookup()                        // an AuthCache in front of the integrations (not for a KeylessVerifier)
//	in, p, err := ingest.Process(ctx, src, req, auth)
//	if err == nil && (len(p.Events) == 0 || p.Control != nil) {
//		err = recheck(ctx, in)                     // still active, not rotated since
//	}
//	if err == nil && p.Control != nil {
//		err = p.Control.Confirm(ctx)              // SNS subscription confirmation
//	}
//	var res *arqir.IngestResult
//	if err == nil && len(p.Events) > 0 {
//		res, err = alerts.IngestAs(ctx, in, p.RequestKey, p.Events) // re-checks in
//	}
//	if err != nil {
//		status, body := defaultErrorReply(err)
//		if er, ok := src.(ingest.ErrorReplier); ok {
//			status, body = er.ReplyError(status, err)
//		}
//		write(status, body)
//		return
//	}
//	write(p.Reply(res))
//
// Recommended URL shapes, one prefix per kind so that Path is what the
// vendor's client appends to a configurable base URL:
//
//	POST /ingest/alertmanager                      Authorization: Bearer <credential> (or basic auth, credential as password)
//	POST|PUT /ingest/grafana                       same, plus HMAC headers (required once signing is configured)
//	POST /ingest/pagerduty/v2/enqueue              routing_key in the body is the credential
//	POST /ingest/opsgenie/v2/alerts                Authorization: GenieKey <credential>
//	POST /ingest/opsgenie/v2/alerts/{id}/close     same
//	POST /ingest/datadog                           Authorization: Bearer <credential> (a Datadog custom header)
//	POST /ingest/datadog/{credential}              when headers cannot be set
//	POST /ingest/cloudwatch/{credential}           SNS cannot send headers (or https://x:<credential>@host/ingest/cloudwatch)
//	POST /ingest/generic                           Authorization: Bearer <credential>, X-Signature-256 (unless require_signature=false)
//
// A path that carries a credential must never be logged: log the route
// pattern, not the URL.
package ingest

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/arqir/arqir"
)

// Request is what a parser sees of one inbound HTTP request. The handler has
// already limited the body to 1 MiB.
type Request struct {
	// Method is the HTTP method: POST, or PUT where a source allows it
	// (Grafana can be configured to PUT).
	Method string
	// Path is the rest of the URL path after /ingest/{kind}, escaped as in
	// the request line (r.URL.EscapedPath()) so that a segment may contain
	// an escaped "/": "" or "/…", e.g. "/v2/enqueue",
	// "/v2/alerts/my%2Falias/close" or "/{credential}".
	Path   string
	Header http.Header
	Query  url.Values
	Body   []byte
	// Now is when the request was received: the reference for signature
	// replay windows and for keys generated on the sender's behalf.
	Now time.Time
}

// Source is one kind of alert sender.
type Source interface {
	// Kind is the integration kind this source serves.
	Kind() arqir.IntegrationKind
	// Credential returns the integration credential the request carries
	// (bearer token, basic-auth password, GenieKey, PagerDuty routing_key,
	// path token). Returns EUNAUTHORIZED, saying how to send it, when there
	// is none; a source that carries it in the body returns EINVALID when the
	// body cannot be read.
	Credential(r *Request) (string, error)
	// Parse validates and normalises the payload. Returns EINVALID for a
	// wrong method, path or content type, malformed JSON (the message names
	// line and column), JSON nested deeper than MaxDepth or too many or too
	// large labels; EUNPROCESSABLE for missing or bad required fields.
	// Errors are *arqir.Error with Field set where one field is at fault, or
	// a *BatchError listing every bad item.
	Parse(r *Request, in *arqir.Integration) (*Parsed, error)
}

// Verifier is implemented by sources with a signature scheme. Process calls
// it after authentication and before Parse.
type Verifier interface {
	// Verify checks the request's signature with the integration's signing
	// secret. Returns EUNAUTHORIZED for a missing (when required) or bad
	// signature or a timestamp outside the replay window, EFORBIDDEN when
	// the integration's settings refuse the sender (SNS topic allow-list),
	// EINVALID for an unreadable envelope, and a plain (internal) error when
	// a dependency such as the certificate fetch fails.
	Verify(ctx context.Context, r *Request, in *arqir.Integration, signingSecret []byte) error
}

// ErrorReplier is implemented by sources whose senders expect errors in the
// vendor's shape (PagerDuty, Opsgenie) or with more detail than one message
// (generic batches). status and the result are HTTP status and JSON body;
// status is the handler's default for the error's code.
type ErrorReplier interface {
	ReplyError(status int, err error) (int, any)
}

// Parsed is the outcome of parsing one request.
type Parsed struct {
	// Events are the alerts to store, all or none (see AlertService.Ingest).
	// Empty for control messages.
	Events []arqir.AlertEvent
	// RequestKey identifies the request for idempotency: the same key again
	// is a retry of the same request. It is the source's own message id
	// where one exists (SNS MessageId, Datadog event id, Idempotency-Key
	// header; IDKey), kept 24 h, and otherwise a hash of kind and body
	// (BodyKey). A body hash also matches a deliberate repeat of an
	// identical body (a trigger again after a resolve), so the store keeps
	// it only arqir.RetryKeyRetention, the span of sender retries.
	RequestKey string
	// Reply is the answer the sender expects once the events are committed.
	// result is nil when nothing was stored (no events, or a control
	// message).
	Reply func(result *arqir.IngestResult) (status int, body any)
	// Control, when set, is an action to take instead of storing events.
	Control *Control
}

// Control is a protocol message that asks the receiver to act, such as an
// SNS SubscriptionConfirmation.
type Control struct {
	// Action names the action, e.g. "confirm_subscription".
	Action string
	// URL is the address the action visits; it has already passed the
	// source's host check.
	URL string
	// Confirm performs the action. Its error is internal (answer 5xx so
	// that the sender retries).
	Confirm func(ctx context.Context) error
}

// Authenticator finds the active integration of a kind by its credential
// and gives its signing secret; arqir.IntegrationService implements it.
type Authenticator interface {
	AuthenticateIntegration(ctx context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, error)
	IntegrationSigningSecret(ctx context.Context, id int64) ([]byte, error)
}

// SignedAuthenticator is an Authenticator that reads the signing secret in
// the same lookup as the integration (arqir.IntegrationService does):
// Process then verifies a signed request with one read instead of two, on
// the path every alert takes. A wrapper of a store (a cache, a fault
// injector) must implement both methods: one that embeds the store and
// overrides only AuthenticateIntegration is bypassed for signed kinds.
type SignedAuthenticator interface {
	Authenticator
	AuthenticateIntegrationSigned(ctx context.Context, kind arqir.IntegrationKind, credential string) (*arqir.Integration, []byte, error)
}

// KeylessVerifier is a Verifier that checks signatures with a public key it
// finds itself (SNS's certificate) and needs no signing secret; Process does
// not look one up for it.
type KeylessVerifier interface {
	Verifier
	Keyless()
}
