package client

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// DeclareRequest describes a new incident. Title and Severity are required;
// the rest is optional.
type DeclareRequest struct {
	Title    string   `json:"title"`
	Summary  string   `json:"summary,omitempty"`
	Severity string   `json:"severity"`
	Services []string `json:"services,omitempty"`
	// Detection says who noticed; nil means a person, internal observation.
	Detection       *arqir.Detection `json:"detection,omitempty"`
	ImpactStartedAt *time.Time       `json:"impact_started_at,omitempty"` // default DetectedAt
	DetectedAt      *time.Time       `json:"detected_at,omitempty"`       // default now
	Commander       string           `json:"commander,omitempty"`
	Drill           bool             `json:"drill,omitempty"`
}

// ListOptions filters a listing of incidents. Zero fields do not filter.
type ListOptions struct {
	Status   []string // e.g. INVESTIGATING, IDENTIFIED
	Severity []string // e.g. SEV1, SEV2
	Service  string
	Open     *bool     // true: unresolved only; false: resolved only
	From, To time.Time // declared in [From, To)
	Query    string    // substring of the title
	Limit    int       // page size, 1..500; the server's default is 50
	Cursor   string    // Next of the previous page
}

func (o ListOptions) values() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("status", strings.Join(o.Status, ","))
	set("severity", strings.Join(o.Severity, ","))
	set("service", o.Service)
	if o.Open != nil {
		q.Set("open", strconv.FormatBool(*o.Open))
	}
	if !o.From.IsZero() {
		q.Set("from", o.From.Format(time.RFC3339))
	}
	if !o.To.IsZero() {
		q.Set("to", o.To.Format(time.RFC3339))
	}
	set("q", o.Query)
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	set("cursor", o.Cursor)
	return q
}

// Declare opens an incident; it starts INVESTIGATING with the policy's
// checklist and deadlines.
func (c *Client) Declare(ctx context.Context, d DeclareRequest) (*arqir.Incident, error) {
	var inc arqir.Incident
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/incidents", in: d, out: &inc}); err != nil {
		return nil, err
	}
	return &inc, nil
}

// Incidents lists one page of incidents, newest first; pass the page's Next
// as ListOptions.Cursor for the next one.
func (c *Client) Incidents(ctx context.Context, o ListOptions) (*arqir.IncidentPage, error) {
	var page arqir.IncidentPage
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/incidents", query: o.values(), out: &page}); err != nil {
		return nil, err
	}
	return &page, nil
}

// Incident returns one incident by ID ("INC-42" or "42").
func (c *Client) Incident(ctx context.Context, id string) (*arqir.Incident, error) {
	var inc arqir.Incident
	if err := c.do(ctx, request{method: "GET", path: incidentPath(id), out: &inc}); err != nil {
		return nil, err
	}
	return &inc, nil
}

// Timeline returns an incident's events, oldest first.
func (c *Client) Timeline(ctx context.Context, id string) ([]arqir.TimelineEvent, error) {
	var tl struct {
		Events []arqir.TimelineEvent `json:"events"`
	}
	if err := c.do(ctx, request{method: "GET", path: incidentPath(id, "timeline"), out: &tl}); err != nil {
		return nil, err
	}
	return tl.Events, nil
}
