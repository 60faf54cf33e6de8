package client

import (
	"context"
	"net/url"
	"strings"

	"github.com/arqir/arqir"
)

// UpdateRequest is a structured status update (C2): what is being
// investigated, what was found, and when the next step is expected. At
// least one of Investigating and Findings is required. Status, if set,
// moves the incident to another open status with the update
// (INVESTIGATING, IDENTIFIED or MONITORING; resolve with Resolve).
type UpdateRequest struct {
	Status        string `json:"status,omitempty"`
	Investigating string `json:"investigating,omitempty"`
	Findings      string `json:"findings,omitempty"`
	ETA           string `json:"eta,omitempty"`
}

// PostUpdate posts a status update: it meets the incident's update
// deadline, arms the next one and is sent to the incident channel and the
// stakeholders. Pass IfVersion to make it conditional.
func (c *Client) PostUpdate(ctx context.Context, id string, u UpdateRequest, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "updates"), u, opts)
}

// Notifications returns the incident's notification log, oldest first:
// what was sent, what waits, what failed or expired and why, and what was
// kept in the app because no provider is configured. States, if given,
// keep only notifications in those states (e.g. "failed").
func (c *Client) Notifications(ctx context.Context, id string, states ...string) ([]*arqir.Notification, error) {
	q := url.Values{}
	if len(states) > 0 {
		q.Set("state", strings.Join(states, ","))
	}
	var body struct {
		Notifications []*arqir.Notification `json:"notifications"`
	}
	if err := c.do(ctx, request{method: "GET", path: incidentPath(id, "notifications"), query: q, out: &body}); err != nil {
		return nil, err
	}
	return body.Notifications, nil
}
