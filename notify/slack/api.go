package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/arqir/arqir/notify"
)

// maxAnswer bounds how much of an answer is read: Slack's are small.
const maxAnswer = 1 << 20

// api calls Slack Web API methods with the bot token.
type api struct {
	base   string // without a trailing slash
	token  string
	client *http.Client
}

func newAPI(cfg Config) (*api, error) {
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("slack: base URL %q is not an http(s) URL: leave it empty for %s", base, DefaultBaseURL)
	}
	tok := strings.TrimSpace(cfg.Token)
	switch {
	case tok == "":
		return nil, fmt.Errorf("slack: no bot token: install the arqir app in the workspace and configure its bot token (xoxb-…)")
	case strings.ContainsAny(tok, " \t\r\n"):
		return nil, fmt.Errorf("slack: the bot token contains white space: copy it again from the app's OAuth & Permissions page")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: defaultTimeout}
	}
	return &api{base: base, token: tok, client: client}, nil
}

// answer is what chat.postMessage and chat.update return.
type answer struct {
	OK               bool   `json:"ok"`
	Error            string `json:"error"`
	Channel          string `json:"channel"`
	TS               string `json:"ts"`
	ResponseMetadata struct {
		Messages []string `json:"messages"`
	} `json:"response_metadata"`
}

// post calls chat.postMessage.
func (a *api) post(ctx context.Context, req request) (*answer, error) {
	return a.call(ctx, "chat.postMessage", req)
}

// update calls chat.update and returns the message's ts.
func (a *api) update(ctx context.Context, req request) (string, error) {
	ans, err := a.call(ctx, "chat.update", req)
	if err != nil {
		return "", err
	}
	return ans.TS, nil
}

// call POSTs req as JSON to method. Transport failures and HTTP statuses
// other than 200 come back as *notify.Error; an {ok:false} answer as
// *refusal, for the caller to explain with what it knows.
func (a *api) call(ctx context.Context, method string, req request) (*answer, error) {
	body, err := encode(req)
	if err != nil {
		return nil, notify.Permanent("slack %s: encode the message: %v", method, err)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/"+method, bytes.NewReader(body))
	if err != nil {
		return nil, notify.Permanent("slack %s: %v", method, err)
	}
	hr.Header.Set("Content-Type", "application/json; charset=utf-8")
	hr.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.client.Do(hr)
	if err != nil {
		return nil, notify.TransportError("slack "+method, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		// The request was sent and answered: Slack may have posted it.
		e := notify.AsError(notify.TransportError("slack "+method, err))
		e.Ambiguous = true
		return nil, e
	}
	if resp.StatusCode != http.StatusOK {
		return nil, a.statusError(method, resp, raw)
	}
	var ans answer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return nil, notify.Permanent("slack %s: the answer from %s is not Slack Web API JSON (%s): check the Slack base URL", method, a.base, excerpt(raw, a.token))
	}
	if !ans.OK {
		return nil, &refusal{Code: ans.Error, Details: ans.ResponseMetadata.Messages, RetryAfter: notify.RetryAfter(resp.Header.Get("Retry-After"))}
	}
	return &ans, nil
}

// statusError classifies an HTTP status other than 200: 429 and 5xx are
// retried (Slack sends 429 with Retry-After when rate limited); the rest
// mean the base URL does not lead to Slack's Web API.
func (a *api) statusError(method string, resp *http.Response, raw []byte) error {
	e := notify.AsError(notify.HTTPError("slack "+method, resp, excerpt(raw, a.token)))
	switch {
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable:
		// A failing gateway or server may have posted before it failed.
		e.Ambiguous = true
	case resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		e.Err = fmt.Errorf("%w: check the Slack base URL (%s), Slack answers every method with 200", e.Err, a.base)
	}
	return e
}

// encode writes v as JSON without HTML escaping, so mrkdwn's <links> and
// &amp; travel as they are read (either form is valid JSON to Slack).
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// excerpt is a short one-line piece of an answer for an error message,
// with the token cut out in case a misdirected server echoes the request.
func excerpt(raw []byte, secret string) string {
	s := string(raw)
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
