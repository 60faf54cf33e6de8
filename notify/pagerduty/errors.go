package pagerduty

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/arqir/arqir/notify"
)

// minRateLimitWait is the least wait after a 429 without Retry-After:
// PagerDuty suggests retrying "with each request being 30 seconds apart"
// (https://developer.pagerduty.com/docs/events-api-v2/rate-limits/).
const minRateLimitWait = 30 * time.Second

// classify turns a non-2xx answer into a delivery error. Retry codes, from
// https://developer.pagerduty.com/docs/events-api-v2/overview/#response-codes--retry-logic:
//
//	400          invalid event: do not retry (the errors say why)
//	429          too many events for the integration: retry after a while
//	5xx          PagerDuty failed: retry
//	other 4xx    not PagerDuty's documented answers (a proxy's 403, 413, …):
//	             retrying the same event cannot help
func (n *Notifier) classify(resp *http.Response, raw []byte, ev *event) error {
	what := "PagerDuty " + ev.EventAction + " of " + ev.DedupKey
	switch {
	case resp.StatusCode == http.StatusBadRequest:
		return notify.Permanent("%s refused as invalid (%s): %s: fix the routing key or the event; retrying the same event will not help", what, resp.Status, n.reason(raw))
	case resp.StatusCode == http.StatusTooManyRequests:
		wait := notify.RetryAfter(resp.Header.Get("Retry-After"))
		if wait < minRateLimitWait {
			wait = minRateLimitWait
		}
		return notify.Retry(wait, "%s rate-limited (%s): retrying in %s", what, resp.Status, wait)
	case resp.StatusCode >= 500:
		return notify.Retry(notify.RetryAfter(resp.Header.Get("Retry-After")), "%s failed at PagerDuty (%s): %s: retrying", what, resp.Status, n.reason(raw))
	default:
		return notify.Permanent("%s answered %s: %s: check the events base URL and any proxy in between", what, resp.Status, n.reason(raw))
	}
}

// reason is the gist of an answer for the timeline: PagerDuty's message
// and errors when it sent its JSON, else a short excerpt; the routing key
// is redacted should the answer repeat it.
func (n *Notifier) reason(raw []byte) string {
	var a answer
	var s string
	if err := json.Unmarshal(raw, &a); err == nil && (a.Message != "" || len(a.Errors) > 0) {
		s = a.Message
		if len(a.Errors) > 0 {
			s += " (" + strings.Join(a.Errors, "; ") + ")"
		}
	} else {
		s = strings.Join(strings.Fields(string(raw)), " ")
	}
	s = strings.ReplaceAll(s, n.routingKey, "[routing key]")
	if s == "" {
		return "no details"
	}
	return truncate(s, 300)
}
