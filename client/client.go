// Package client is a typed Go client of the arqir HTTP API (package api),
// used by the CLI and the end-to-end tests.
//
// Answers are the domain types of the root package (arqir.Incident,
// arqir.TimelineEvent, …), which are also what the API encodes. The few
// request bodies the client sends are declared here: adapters never import
// each other, so the client does not import package api, and the round-trip
// tests against api.New keep both sides in step.
//
// A refusal by the server is an *Error carrying the HTTP status and the
// server's code, message and field; a failure to reach the server is the
// underlying *url.Error, so callers can tell "the server said no" from
// "there was no server".
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls one arqir server with one token. It is safe for concurrent use.
type Client struct {
	baseURL string
	token   string
	source  string
	http    *http.Client
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send its requests through hc (timeouts,
// proxies, test transports).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithSource names the door changes come through, recorded on the incident
// timeline: "cli" or "web" (the server assumes "api" without it).
func WithSource(source string) Option { return func(c *Client) { c.source = source } }

// defaultTimeout bounds a request when the caller's context does not: a CLI
// must not hang on a server that accepted the connection and went silent.
const defaultTimeout = 30 * time.Second

// New returns a client of the server at baseURL (e.g. http://127.0.0.1:8080)
// authenticating with token.
func New(baseURL, token string, opts ...Option) *Client {
	c := &Client{
		baseURL: strings.TrimRight(strings.TrimSpace(baseURL), "/"),
		token:   token,
		http:    &http.Client{Timeout: defaultTimeout},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// BaseURL is the server address the client calls.
func (c *Client) BaseURL() string { return c.baseURL }

// request is one call: a JSON body (in) or raw bytes (raw), extra headers,
// and where to decode a 2xx answer (out; nil to ignore it).
type request struct {
	method, path string
	query        url.Values
	in           any
	raw          []byte
	contentType  string
	header       http.Header
	out          any
}

// do sends the request and decodes the answer. A 4xx/5xx becomes *Error.
func (c *Client) do(ctx context.Context, r request) error {
	u := c.baseURL + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	switch {
	case r.raw != nil:
		body = bytes.NewReader(r.raw)
	case r.in != nil:
		b, err := json.Marshal(r.in)
		if err != nil {
			return fmt.Errorf("encode the request of %s %s: %w", r.method, r.path, err)
		}
		body, r.contentType = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.method, u, err)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "arqir-client/1")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.source != "" {
		req.Header.Set("X-Arqir-Source", c.source)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return err // *url.Error: names the method and URL; never the token
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return readError(req, resp)
	}
	if r.out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(r.out); err != nil {
		return fmt.Errorf("read the answer of %s %s: %w", r.method, u, err)
	}
	return nil
}

// incidentPath is the path of an incident or one of its sub-resources.
func incidentPath(id string, rest ...string) string {
	p := "/api/v1/incidents/" + url.PathEscape(strings.TrimSpace(id))
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}
