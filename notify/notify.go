// Package notify is the seam between arqir's outbox and the providers that
// carry messages (Slack, PagerDuty, Zoom, e-mail, webhooks). One Notifier per
// vendor package, registered by channel in registry.go; the dispatcher (jobs)
// knows only this package.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/arqir/arqir"
)

// Notifier delivers notifications of one channel.
type Notifier interface {
	// Channel is the arqir channel it delivers, e.g. arqir.ChannelSlackChannel.
	Channel() string
	// Notify sends one notification. A nil error means the provider accepted
	// it. An error is permanent unless it is (or wraps) a *Error with
	// Retryable set: the dispatcher retries only those.
	Notify(ctx context.Context, n *Job) (Receipt, error)
}

// Job is one notification to send, with what the incident knows that the
// notifier may need (the Slack message to update, the war-room link).
type Job struct {
	Notification *arqir.Notification
	// Refs are the incident's provider identities (arqir.RefSlackTS, …).
	Refs map[string]string
	// IdempotencyKey is stable across retries of this notification; pass
	// it to providers that accept one.
	IdempotencyKey string
}

// Message is the notification's message, for brevity at call sites.
func (j *Job) Message() arqir.Message { return j.Notification.Message }

// Receipt is what the provider said when it accepted a notification.
type Receipt struct {
	// Ref is the provider's name for what it did (Slack ts, SMTP ID, …).
	Ref string
	// Refs are incident refs learned (arqir.RefWarRoomURL, arqir.RefSlackTS, …).
	Refs map[string]string
}

// Error is a failed delivery with what the dispatcher should do about it.
type Error struct {
	// Retryable failures (5xx, 429, timeouts, connection errors) are tried
	// again with backoff; others fail the notification at once.
	Retryable bool
	// RetryAfter is the provider's Retry-After: no retry before it.
	RetryAfter time.Duration
	// Ambiguous says the request may have reached the provider (a timeout
	// after it was written): a retry may duplicate, with the same key.
	Ambiguous bool
	Err       error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Permanent wraps an error that retrying cannot fix (4xx, bad config).
func Permanent(format string, args ...any) error {
	return &Error{Err: fmt.Errorf(format, args...)}
}

// Retry wraps an error worth retrying after at least after.
func Retry(after time.Duration, format string, args ...any) error {
	return &Error{Retryable: true, RetryAfter: after, Err: fmt.Errorf(format, args...)}
}

// AsError returns err as an *Error; anything else is permanent.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Err: err}
}

// HTTPError classifies a provider's HTTP answer the way most vendors document
// it: 429 and 5xx are retryable (honouring Retry-After), other 4xx are not.
// body is a short excerpt of the answer for the reason; it must hold no secret.
func HTTPError(vendor string, resp *http.Response, body string) error {
	err := fmt.Errorf("%s answered %s: %s", vendor, resp.Status, body)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &Error{Retryable: true, RetryAfter: RetryAfter(resp.Header.Get("Retry-After")), Err: err}
	case resp.StatusCode >= 500:
		return &Error{Retryable: true, RetryAfter: RetryAfter(resp.Header.Get("Retry-After")), Err: err}
	default:
		return &Error{Err: err}
	}
}

// TransportError classifies a failed HTTP round trip: retryable, and
// ambiguous unless the request certainly never left (the connection was
// refused).
func TransportError(vendor string, err error) error {
	return &Error{Retryable: true, Ambiguous: !refused(err), Err: fmt.Errorf("%s: %w", vendor, err)}
}

// RetryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func RetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
