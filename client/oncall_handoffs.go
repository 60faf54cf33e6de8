package client

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/arqir/arqir"
)

// AddHandoffNote writes a note for the schedule's next handoff report, as
// the engineer on call now (or an admin).
func (c *Client) AddHandoffNote(ctx context.Context, schedule, text string) (*arqir.HandoffNote, error) {
	var n arqir.HandoffNote
	in := map[string]string{"text": text}
	if err := c.do(ctx, request{method: "POST", path: schedulePath(schedule, "handoff-notes"), in: in, out: &n}); err != nil {
		return nil, err
	}
	return &n, nil
}

// HandoffNotes lists the notes written for the next handoff.
func (c *Client) HandoffNotes(ctx context.Context, schedule string) ([]arqir.HandoffNote, error) {
	var out struct {
		Notes []arqir.HandoffNote `json:"notes"`
	}
	if err := c.do(ctx, request{method: "GET", path: schedulePath(schedule, "handoff-notes"), out: &out}); err != nil {
		return nil, err
	}
	return out.Notes, nil
}

// Handoffs lists a schedule's handoff reports, newest first (limit 0: the
// server's default).
func (c *Client) Handoffs(ctx context.Context, schedule string, limit int) ([]*arqir.HandoffReport, error) {
	var out struct {
		Handoffs []*arqir.HandoffReport `json:"handoffs"`
	}
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if err := c.do(ctx, request{method: "GET", path: schedulePath(schedule, "handoffs"), query: q, out: &out}); err != nil {
		return nil, err
	}
	return out.Handoffs, nil
}

// Handoff returns one handoff report.
func (c *Client) Handoff(ctx context.Context, id int64) (*arqir.HandoffReport, error) {
	var r arqir.HandoffReport
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/handoffs/" + strconv.FormatInt(id, 10), out: &r}); err != nil {
		return nil, err
	}
	return &r, nil
}

// PostShift returns the post-shift checklist of the shift starting at start.
func (c *Client) PostShift(ctx context.Context, schedule string, start time.Time) (*arqir.PostShiftChecklist, error) {
	var out arqir.PostShiftChecklist
	p := schedulePath(schedule, "shifts", start.UTC().Format(time.RFC3339Nano), "post-shift")
	if err := c.do(ctx, request{method: "GET", path: p, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// TickPostShift ticks one item ("1", "2", … or the task text) of a shift's
// post-shift checklist.
func (c *Client) TickPostShift(ctx context.Context, schedule string, start time.Time, item string) (*arqir.PostShiftChecklist, error) {
	var out arqir.PostShiftChecklist
	p := schedulePath(schedule, "shifts", start.UTC().Format(time.RFC3339Nano), "post-shift", item)
	if err := c.do(ctx, request{method: "POST", path: p, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Inbox lists a user's in-app messages, newest first ("" for the token's
// own name; limit 0 for the server's default).
func (c *Client) Inbox(ctx context.Context, user string, limit int) ([]*arqir.InAppMessage, error) {
	var out struct {
		Messages []*arqir.InAppMessage `json:"messages"`
	}
	q := url.Values{}
	if user != "" {
		q.Set("user", user)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/inbox", query: q, out: &out}); err != nil {
		return nil, err
	}
	return out.Messages, nil
}

// CreateCalendar makes an iCalendar feed of one schedule or one user and
// returns its URL, which the server never shows again.
func (c *Client) CreateCalendar(ctx context.Context, schedule, user string) (feed *arqir.CalendarFeed, feedURL string, err error) {
	var out struct {
		Feed *arqir.CalendarFeed `json:"feed"`
		URL  string              `json:"url"`
	}
	in := map[string]string{}
	if schedule != "" {
		in["schedule"] = schedule
	}
	if user != "" {
		in["user"] = user
	}
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/calendars", in: in, out: &out}); err != nil {
		return nil, "", err
	}
	return out.Feed, out.URL, nil
}

// Calendars lists calendar feeds, revoked ones too (never their URLs).
func (c *Client) Calendars(ctx context.Context) ([]*arqir.CalendarFeed, error) {
	var out struct {
		Feeds []*arqir.CalendarFeed `json:"feeds"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/calendars", out: &out}); err != nil {
		return nil, err
	}
	return out.Feeds, nil
}

// RevokeCalendar stops a feed: its URL answers 404 from now on.
func (c *Client) RevokeCalendar(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: "DELETE", path: "/api/v1/calendars/" + strconv.FormatInt(id, 10)})
}
