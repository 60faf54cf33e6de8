package github

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir/notify"
)

// Answer size bounds: an error is small; a page of 50 issues may carry
// bodies of up to 64 KiB each.
const (
	maxError  = 64 << 10
	maxAnswer = 8 << 20
)

// recentIssues is how many of the newest "arqir" issues a retry looks
// through for the one a previous attempt may have filed: retries come
// minutes after the attempt, so the issue is among the newest.
const recentIssues = 50

// call sends one request to the REST API and decodes a 2xx answer into
// out (nil to ignore it). Anything else becomes a notify error saying what
// was being done (what) and what to fix.
func (n *Notifier) call(ctx context.Context, method, path string, query url.Values, in, out any, what string) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return notify.Permanent("%s: encode the request: %v", what, err)
		}
		body = bytes.NewReader(b)
	}
	u := n.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return notify.Permanent("%s: %v", what, err)
	}
	req.Header.Set("Authorization", "Bearer "+n.token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", APIVersion)
	req.Header.Set("User-Agent", "arqir") // GitHub refuses requests without one
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return notify.TransportError(what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxError))
		return n.classify(resp, raw, what)
	}
	if out == nil {
		return nil
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return notify.TransportError(what, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return notify.Permanent("%s: GitHub answered %s with something that is not its JSON (%s): check the base URL points at the REST API", what, resp.Status, n.excerpt(raw))
	}
	return nil
}

// find returns the newest of the repository's recent "arqir" issues that
// match, or nil.
func (n *Notifier) find(ctx context.Context, match func(*issue) bool) (*issue, error) {
	q := url.Values{
		"state": {"all"}, "labels": {Labels[0]}, "per_page": {strconv.Itoa(recentIssues)},
		"sort": {"created"}, "direction": {"desc"},
	}
	var list []issue
	what := fmt.Sprintf("looking for an issue filed by an earlier attempt in %s/%s", n.owner, n.repo)
	if err := n.call(ctx, http.MethodGet, n.repoPath("issues"), q, nil, &list, what); err != nil {
		return nil, err
	}
	for i := range list {
		if match(&list[i]) {
			return &list[i], nil
		}
	}
	return nil, nil
}

// defaultRateLimitWait is the wait after a rate limit that says nothing
// about when to come back: GitHub asks to "wait for at least one minute".
const defaultRateLimitWait = time.Minute

// classify turns a non-2xx answer into a delivery error. GitHub's
// documented answers (https://docs.github.com/rest/issues/issues,
// https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
//
//	401          bad or expired token: fix the token
//	403 / 429    rate limited when x-ratelimit-remaining is 0 (wait until
//	             x-ratelimit-reset) or Retry-After is set (a secondary limit):
//	             retry; any other 403 is a token without write access
//	404          no such repository or issue, or the token cannot see it
//	410          issues are disabled in the repository
//	422          the issue is invalid (Validation Failed)
//	3xx          the repository moved (renamed or transferred)
//	5xx          GitHub failed: retry
func (n *Notifier) classify(resp *http.Response, raw []byte, what string) error {
	repo := n.owner + "/" + n.repo
	status := resp.Status
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		return notify.Permanent("%s: GitHub refused the token (%s: %s): set a valid token allowed to write the issues of %s", what, status, n.reason(raw), repo)
	case code == http.StatusForbidden || code == http.StatusTooManyRequests:
		if wait, limited := rateLimitWait(resp, raw); limited {
			return notify.Retry(wait, "%s: GitHub rate limit reached (%s: %s): retrying in %s", what, status, n.reason(raw), wait.Round(time.Second))
		}
		return notify.Permanent("%s: GitHub refused (%s: %s): give the token write access to the issues of %s", what, status, n.reason(raw), repo)
	case code == http.StatusNotFound:
		return notify.Permanent("%s: GitHub answered %s: the repository %s (or the issue) does not exist, or the token cannot see it: check the repository name and the token's repository access", what, status, repo)
	case code == http.StatusGone:
		return notify.Permanent("%s: GitHub answered %s: issues are disabled in %s: enable them in the repository's settings or export to another repository", what, status, repo)
	case code == http.StatusUnprocessableEntity:
		return notify.Permanent("%s: GitHub refused the issue as invalid (%s: %s): retrying the same issue will not help", what, status, n.reason(raw))
	case code >= 300 && code < 400:
		return notify.Permanent("%s: GitHub answered %s: the repository %s moved (renamed or transferred): set arqir's GitHub repository to its new owner/name", what, status, repo)
	case code >= 500:
		return notify.Retry(notify.RetryAfter(resp.Header.Get("Retry-After")), "%s: GitHub failed (%s: %s): retrying", what, status, n.reason(raw))
	default:
		return notify.Permanent("%s: GitHub answered %s: %s: check the base URL and any proxy in between", what, status, n.reason(raw))
	}
}

// rateLimitWait reports whether a 403 or 429 is a rate limit and how long
// to wait: Retry-After if given, else until x-ratelimit-reset when
// x-ratelimit-remaining is 0, else a minute.
func rateLimitWait(resp *http.Response, raw []byte) (time.Duration, bool) {
	h := resp.Header
	if v := h.Get("Retry-After"); v != "" {
		return max(notify.RetryAfter(v), time.Second), true
	}
	if h.Get("X-Ratelimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			return max(time.Until(time.Unix(reset, 0)), time.Second), true
		}
		return defaultRateLimitWait, true
	}
	if resp.StatusCode == http.StatusTooManyRequests || strings.Contains(strings.ToLower(string(raw)), "rate limit") {
		return defaultRateLimitWait, true
	}
	return 0, false
}

// errorAnswer is GitHub's error document.
type errorAnswer struct {
	Message string `json:"message"`
	Errors  []struct {
		Resource string `json:"resource"`
		Field    string `json:"field"`
		Code     string `json:"code"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// reason is the gist of an error answer for the timeline: GitHub's
// message and validation errors, else a short excerpt; the token is
// redacted should the answer repeat it.
func (n *Notifier) reason(raw []byte) string {
	var a errorAnswer
	if err := json.Unmarshal(raw, &a); err != nil || a.Message == "" {
		return n.excerpt(raw)
	}
	s := a.Message
	var details []string
	for _, e := range a.Errors {
		d := strings.TrimSpace(e.Message)
		if d == "" {
			d = strings.TrimSpace(e.Field + " " + e.Code)
		}
		details = append(details, d)
	}
	if len(details) > 0 {
		s += " (" + strings.Join(details, "; ") + ")"
	}
	return truncate(n.redact(s), 300)
}

// excerpt is a short, single-line, redacted piece of an answer.
func (n *Notifier) excerpt(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if s == "" {
		return "no details"
	}
	return truncate(n.redact(s), 300)
}

func (n *Notifier) redact(s string) string { return strings.ReplaceAll(s, n.token, "[token]") }
