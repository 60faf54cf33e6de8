package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// RCAListOptions filters a listing of RCAs. Zero fields do not filter.
type RCAListOptions struct {
	States  []string // draft, in_review, published
	Overdue *bool    // true: meeting not held by its deadline
	Limit   int      // 1..500; the server's default is 100
}

// RCAFeedbackRequest is a participant's view of how the response went (I4).
type RCAFeedbackRequest struct {
	Rating    int    `json:"rating"` // 1 (poor) to 5 (excellent)
	WentWell  string `json:"went_well,omitempty"`
	ToImprove string `json:"to_improve,omitempty"`
}

// rcaPath is the path of an incident's RCA or one of its sub-resources.
func rcaPath(id string, rest ...string) string {
	return incidentPath(id, append([]string{"rca"}, rest...)...)
}

// RCA returns the RCA of a resolved incident ("INC-42" or "42").
func (c *Client) RCA(ctx context.Context, id string) (*arqir.RCA, error) {
	var r arqir.RCA
	if err := c.do(ctx, request{method: "GET", path: rcaPath(id), out: &r}); err != nil {
		return nil, err
	}
	return &r, nil
}

// RCAs lists RCAs, the earliest due first.
func (c *Client) RCAs(ctx context.Context, o RCAListOptions) ([]*arqir.RCA, error) {
	q := url.Values{}
	if len(o.States) > 0 {
		q.Set("state", strings.Join(o.States, ","))
	}
	if o.Overdue != nil {
		q.Set("overdue", strconv.FormatBool(*o.Overdue))
	}
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	var body struct {
		RCAs []*arqir.RCA `json:"rcas"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/rcas", query: q, out: &body}); err != nil {
		return nil, err
	}
	return body.RCAs, nil
}

// changeRCA sends one change of an RCA; IfVersion makes it conditional on
// the RCA's version.
func (c *Client) changeRCA(ctx context.Context, method, path string, body any, opts []ActionOption) (*arqir.RCA, error) {
	o := actionOptions{header: http.Header{}}
	for _, opt := range opts {
		opt(&o)
	}
	var r arqir.RCA
	if err := c.do(ctx, request{method: method, path: path, in: body, header: o.header, out: &r}); err != nil {
		return nil, err
	}
	return &r, nil
}

// EditRCASection replaces the Markdown body of one section, e.g.
// "root_cause_analysis". A published RCA is refused until reopened.
func (c *Client) EditRCASection(ctx context.Context, id, section, body string, opts ...ActionOption) (*arqir.RCA, error) {
	return c.changeRCA(ctx, "PUT", rcaPath(id, "sections", section), map[string]string{"body": body}, opts)
}

// SetRCAState moves the RCA to draft, in_review or published; reopening a
// published RCA (to in_review) needs a reason.
func (c *Client) SetRCAState(ctx context.Context, id, state, reason string, opts ...ActionOption) (*arqir.RCA, error) {
	return c.changeRCA(ctx, "POST", rcaPath(id, "state"), map[string]string{"state": state, "reason": reason}, opts)
}

// ScheduleRCAMeeting sets the review meeting; each attendee (a user
// handle) is sent an invitation with an iCal attachment.
func (c *Client) ScheduleRCAMeeting(ctx context.Context, id string, at time.Time, attendees []string, opts ...ActionOption) (*arqir.RCA, error) {
	body := map[string]any{"at": at.Format(time.RFC3339), "attendees": nonNil(attendees)}
	return c.changeRCA(ctx, "POST", rcaPath(id, "meeting"), body, opts)
}

// RecordRCAMeeting records that the review meeting took place, meeting the
// P1 deadline.
func (c *Client) RecordRCAMeeting(ctx context.Context, id string, heldAt time.Time, attendees []string, opts ...ActionOption) (*arqir.RCA, error) {
	body := map[string]any{"held_at": heldAt.Format(time.RFC3339), "attendees": nonNil(attendees)}
	return c.changeRCA(ctx, "POST", rcaPath(id, "meeting", "held"), body, opts)
}

// AddRCAFeedback adds the caller's feedback; a second one replaces the first.
func (c *Client) AddRCAFeedback(ctx context.Context, id string, f RCAFeedbackRequest) (*arqir.RCA, error) {
	return c.changeRCA(ctx, "POST", rcaPath(id, "feedback"), f, nil)
}

// nonNil sends an absent list as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// RCA export formats.
const (
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
)

// maxExport bounds an exported document: eight sections of at most a few
// hundred KiB each and the action items.
const maxExport = 16 << 20

// ExportRCA returns the RCA as a document, FormatMarkdown or FormatHTML,
// and its Content-Type. The answer is text, not JSON, so it is read here
// rather than by do; the request is made the same way.
func (c *Client) ExportRCA(ctx context.Context, id, format string) ([]byte, string, error) {
	u := c.baseURL + rcaPath(id, "export") + "?" + url.Values{"format": {format}}.Encode()
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, "", fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "text/markdown, text/html, application/json")
	req.Header.Set("User-Agent", "arqir-client/1")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, "", err // *url.Error: never the token
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return nil, "", readError(req, resp)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxExport))
	if err != nil {
		return nil, "", fmt.Errorf("read the answer of GET %s: %w", u, err)
	}
	return b, resp.Header.Get("Content-Type"), nil
}
