package client

import (
	"context"
	"net/url"
	"time"

	"github.com/arqir/arqir"
)

// KPIOptions choose the scorecard's window and filters. Zero fields are
// left to the server: the window is then the last 30 days.
type KPIOptions struct {
	// Since is the length of the window ending now, e.g. "30d", "12w",
	// "24h" (units w, d, h, m, s); the server checks it. Not with From/To.
	Since string
	// From and To are the window [From, To) instead; give both.
	From, To time.Time
	// Service keeps the incidents of one service.
	Service string
	// Severity keeps the incidents of one severity, e.g. "SEV1".
	Severity string
}

// KPIs returns the KPI scorecard (K1–K5, I3) of a window: each KPI with its
// target and pass/fail, the compliance measures and the weekly trend. A
// window the server refuses (inverted, empty, since with from/to, an
// unknown severity) is an *Error with status 400 naming the parameter.
func (c *Client) KPIs(ctx context.Context, o KPIOptions) (*arqir.KPIReport, error) {
	q := url.Values{}
	if o.Since != "" {
		q.Set("since", o.Since)
	}
	if !o.From.IsZero() {
		q.Set("from", o.From.Format(time.RFC3339Nano))
	}
	if !o.To.IsZero() {
		q.Set("to", o.To.Format(time.RFC3339Nano))
	}
	if o.Service != "" {
		q.Set("service", o.Service)
	}
	if o.Severity != "" {
		q.Set("severity", o.Severity)
	}
	var out arqir.KPIReport
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/kpis", query: q, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
