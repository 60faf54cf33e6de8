package webhook

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/arqir/arqir/notify"
)

// classify turns a non-2xx answer into a delivery error:
//
//	408 Request Timeout, 425 Too Early,
//	429 Too Many Requests, 5xx      retried, no sooner than Retry-After
//	3xx                             permanent: redirects are not followed
//	other 4xx                       permanent: the same request would be refused again
func (n *Notifier) classify(resp *http.Response, raw []byte) error {
	what := "webhook " + n.host + " answered " + resp.Status + ": " + n.reason(raw)
	switch c := resp.StatusCode; {
	case c == http.StatusRequestTimeout, c == http.StatusTooEarly, c == http.StatusTooManyRequests, c >= 500:
		return notify.Retry(notify.RetryAfter(resp.Header.Get("Retry-After")), "%s: retrying", what)
	case c/100 == 3:
		return notify.Permanent("%s: redirects are not followed: set the webhook URL to where it points", what)
	case c == http.StatusUnauthorized || c == http.StatusForbidden:
		return notify.Permanent("%s: check that the receiver and arqir share the same signing secret", what)
	default:
		return notify.Permanent("%s: the receiver refused the request; retrying it will not help", what)
	}
}

// reason is a one-line excerpt of an answer, with anything secret redacted.
func (n *Notifier) reason(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	for _, secret := range n.redact {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	if s == "" {
		return "no details"
	}
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

// secretsOf lists what an answer must not carry into an error: the signing
// secret and the credentials a URL may hold (password, query values, and
// long path segments, where gateways put tokens: /hooks/<token>).
func secretsOf(u *url.URL, secret string) []string {
	out := []string{secret}
	for _, seg := range strings.Split(u.Path, "/") {
		if len(seg) >= 16 {
			out = append(out, seg)
		}
	}
	if p, ok := u.User.Password(); ok && p != "" {
		out = append(out, p)
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			if len(v) >= 4 {
				out = append(out, v)
			}
		}
	}
	return out
}

// scrubURL drops the URL a *url.Error prints: it may hold a token.
func scrubURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: "(webhook URL)", Err: ue.Err}
	}
	return err
}
