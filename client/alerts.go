package client

import (
	"context"
	"net/url"
	"strconv"

	"github.com/arqir/arqir"
)

// AlertListOptions filters a listing of alerts. Zero fields do not filter.
type AlertListOptions struct {
	Status      string // firing or resolved
	Integration int64
	Incident    string // e.g. INC-42
	Limit       int    // page size, 1..500; the server's default is 50
	Cursor      string // Next of the previous page
}

func (o AlertListOptions) values() url.Values {
	q := url.Values{}
	if o.Status != "" {
		q.Set("status", o.Status)
	}
	if o.Integration != 0 {
		q.Set("integration", strconv.FormatInt(o.Integration, 10))
	}
	if o.Incident != "" {
		q.Set("incident", o.Incident)
	}
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	return q
}

// Alerts lists one page of alerts, newest first.
func (c *Client) Alerts(ctx context.Context, o AlertListOptions) (*arqir.AlertPage, error) {
	var page arqir.AlertPage
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/alerts", query: o.values(), out: &page}); err != nil {
		return nil, err
	}
	return &page, nil
}

// Alert returns one alert.
func (c *Client) Alert(ctx context.Context, id int64) (*arqir.Alert, error) {
	var a arqir.Alert
	if err := c.do(ctx, request{method: "GET", path: alertPath(id), out: &a}); err != nil {
		return nil, err
	}
	return &a, nil
}

// MarkAlertFalsePositive records that an alert was noise (K5), saying why.
func (c *Client) MarkAlertFalsePositive(ctx context.Context, id int64, reason string) (*arqir.Alert, error) {
	var a arqir.Alert
	in := map[string]string{"reason": reason}
	if err := c.do(ctx, request{method: "POST", path: alertPath(id) + "/false-positive", in: in, out: &a}); err != nil {
		return nil, err
	}
	return &a, nil
}

// MarkFalsePositive records that an incident, open or resolved, was noise
// (K5), saying why.
func (c *Client) MarkFalsePositive(ctx context.Context, id, reason string, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "false-positive"), map[string]string{"reason": reason}, opts)
}

func alertPath(id int64) string { return "/api/v1/alerts/" + strconv.FormatInt(id, 10) }
