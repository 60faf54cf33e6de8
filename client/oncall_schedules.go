package client

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/arqir/arqir"
)

// OnCall is who is on call at one instant, per schedule.
type OnCall struct {
	At        time.Time             `json:"at"`
	Schedules []*arqir.OnCallAnswer `json:"schedules"`
}

// OverrideRequest puts User on call from Start to End, covering for
// Replaces (empty: whoever is on).
type OverrideRequest struct {
	User     string    `json:"user"`
	Replaces string    `json:"replaces,omitempty"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
}

// schedulePath is the path of a schedule or one of its sub-resources.
func schedulePath(name string, rest ...string) string {
	p := "/api/v1/schedules/" + url.PathEscape(name)
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}

// OnCall answers who is on call at `at` (zero: now) in one schedule ("" for
// every schedule).
func (c *Client) OnCall(ctx context.Context, schedule string, at time.Time) (*OnCall, error) {
	var out OnCall
	q := url.Values{}
	if schedule != "" {
		q.Set("schedule", schedule)
	}
	setTime(q, "at", at)
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/oncall", query: q, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Schedules describes every schedule of the policy.
func (c *Client) Schedules(ctx context.Context) ([]*arqir.ScheduleInfo, error) {
	var out struct {
		Schedules []*arqir.ScheduleInfo `json:"schedules"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/schedules", out: &out}); err != nil {
		return nil, err
	}
	return out.Schedules, nil
}

// Schedule describes one schedule.
func (c *Client) Schedule(ctx context.Context, name string) (*arqir.ScheduleInfo, error) {
	var out arqir.ScheduleInfo
	if err := c.do(ctx, request{method: "GET", path: schedulePath(name), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ParticipantsRequest assigns the rotation of one layer of a schedule.
type ParticipantsRequest struct {
	// Layer is the layer assigned; empty is the first.
	Layer string `json:"layer,omitempty"`
	// Users in rotation order; empty unassigns the layer.
	Users []string `json:"users"`
	// Anchor (YYYY-MM-DD) is when Users[0]'s turn starts; empty keeps the
	// layer's anchor, or for a layer assigned the first time puts Users[0]
	// on call now.
	Anchor string `json:"anchor,omitempty"`
}

// SetParticipants assigns the rotation of a schedule's layer (admin) and
// returns the schedule with who was on call before and after the change.
func (c *Client) SetParticipants(ctx context.Context, schedule string, in ParticipantsRequest) (*arqir.ParticipantsChange, error) {
	out := arqir.ParticipantsChange{ScheduleInfo: &arqir.ScheduleInfo{}}
	if in.Users == nil {
		in.Users = []string{}
	}
	if err := c.do(ctx, request{method: "PUT", path: schedulePath(schedule, "participants"), in: in, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Shifts returns a schedule's shifts covering [from, to) (zero: the
// server's defaults, now and two weeks on); at most 366 days.
func (c *Client) Shifts(ctx context.Context, schedule string, from, to time.Time) ([]arqir.Shift, error) {
	var out struct {
		Shifts []arqir.Shift `json:"shifts"`
	}
	q := url.Values{}
	setTime(q, "from", from)
	setTime(q, "to", to)
	if err := c.do(ctx, request{method: "GET", path: schedulePath(schedule, "shifts"), query: q, out: &out}); err != nil {
		return nil, err
	}
	return out.Shifts, nil
}

// AddOverride puts a user on call for a range (responder).
func (c *Client) AddOverride(ctx context.Context, schedule string, in OverrideRequest) (*arqir.Override, error) {
	var o arqir.Override
	if err := c.do(ctx, request{method: "POST", path: schedulePath(schedule, "overrides"), in: in, out: &o}); err != nil {
		return nil, err
	}
	return &o, nil
}

// RemoveOverride deletes an override, both halves of a swap (responder).
func (c *Client) RemoveOverride(ctx context.Context, schedule string, id int64) error {
	return c.do(ctx, request{method: "DELETE", path: schedulePath(schedule, "overrides", strconv.FormatInt(id, 10))})
}

// Swap swaps the shifts starting at a and b (responder).
func (c *Client) Swap(ctx context.Context, schedule string, a, b time.Time) ([]*arqir.Override, error) {
	var out struct {
		Overrides []*arqir.Override `json:"overrides"`
	}
	in := map[string]string{"a": a.Format(time.RFC3339Nano), "b": b.Format(time.RFC3339Nano)}
	if err := c.do(ctx, request{method: "POST", path: schedulePath(schedule, "swaps"), in: in, out: &out}); err != nil {
		return nil, err
	}
	return out.Overrides, nil
}

// Availability returns the O4 numbers per responder over [from, to)
// (zero: the 30 days up to now).
func (c *Client) Availability(ctx context.Context, from, to time.Time) (*arqir.AvailabilityReport, error) {
	var out arqir.AvailabilityReport
	q := url.Values{}
	setTime(q, "from", from)
	setTime(q, "to", to)
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/oncall/availability", query: q, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
