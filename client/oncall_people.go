package client

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// UserRequest describes a new user. Handle and Name are required; the time
// zone defaults to UTC on the server.
type UserRequest struct {
	Handle               string   `json:"handle"`
	Name                 string   `json:"name"`
	Email                string   `json:"email,omitempty"`
	SlackUserID          string   `json:"slack_user_id,omitempty"`
	Phone                string   `json:"phone,omitempty"`
	TimeZone             string   `json:"time_zone,omitempty"`
	NotificationChannels []string `json:"notification_channels,omitempty"`
}

// UserPatch changes the fields that are not nil.
type UserPatch struct {
	Name                 *string   `json:"name,omitempty"`
	Email                *string   `json:"email,omitempty"`
	SlackUserID          *string   `json:"slack_user_id,omitempty"`
	Phone                *string   `json:"phone,omitempty"`
	TimeZone             *string   `json:"time_zone,omitempty"`
	NotificationChannels *[]string `json:"notification_channels,omitempty"`
}

// TeamRequest describes a new team. Name is required.
type TeamRequest struct {
	Name           string   `json:"name"`
	SlackChannel   string   `json:"slack_channel,omitempty"`
	SlackUserGroup string   `json:"slack_user_group,omitempty"`
	Members        []string `json:"members,omitempty"`
}

// userPath is the path of a user or one of its sub-resources.
func userPath(handle string, rest ...string) string {
	p := "/api/v1/users/" + url.PathEscape(strings.TrimSpace(handle))
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// Users lists users by handle; deleted ones too when asked.
func (c *Client) Users(ctx context.Context, includeDeleted bool) ([]*arqir.User, error) {
	var out struct {
		Users []*arqir.User `json:"users"`
	}
	q := url.Values{}
	if includeDeleted {
		q.Set("deleted", "true")
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/users", query: q, out: &out}); err != nil {
		return nil, err
	}
	return out.Users, nil
}

// CreateUser adds a user (admin).
func (c *Client) CreateUser(ctx context.Context, in UserRequest) (*arqir.User, error) {
	var u arqir.User
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/users", in: in, out: &u}); err != nil {
		return nil, err
	}
	return &u, nil
}

// User returns one user, deleted ones included.
func (c *Client) User(ctx context.Context, handle string) (*arqir.User, error) {
	var u arqir.User
	if err := c.do(ctx, request{method: "GET", path: userPath(handle), out: &u}); err != nil {
		return nil, err
	}
	return &u, nil
}

// UpdateUser changes some fields of a user (admin).
func (c *Client) UpdateUser(ctx context.Context, handle string, p UserPatch) (*arqir.User, error) {
	var u arqir.User
	if err := c.do(ctx, request{method: "PATCH", path: userPath(handle), in: p, out: &u}); err != nil {
		return nil, err
	}
	return &u, nil
}

// DeleteUser removes a user softly (admin) and returns it as deleted. A
// user who rotates in a schedule is refused (ECONFLICT, naming the
// schedules) unless force, which leaves their turns as flagged gaps.
func (c *Client) DeleteUser(ctx context.Context, handle string, force bool) (*arqir.User, error) {
	var u arqir.User
	q := url.Values{}
	if force {
		q.Set("force", "true")
	}
	if err := c.do(ctx, request{method: "DELETE", path: userPath(handle), query: q, out: &u}); err != nil {
		return nil, err
	}
	return &u, nil
}

// UserShifts returns up to n (0: the server's default) next shifts of a
// user after `after` (zero: now).
func (c *Client) UserShifts(ctx context.Context, handle string, after time.Time, n int) ([]arqir.Shift, error) {
	var out struct {
		Shifts []arqir.Shift `json:"shifts"`
	}
	q := url.Values{}
	setTime(q, "after", after)
	if n > 0 {
		q.Set("n", strconv.Itoa(n))
	}
	if err := c.do(ctx, request{method: "GET", path: userPath(handle, "shifts"), query: q, out: &out}); err != nil {
		return nil, err
	}
	return out.Shifts, nil
}

// Teams lists teams by name.
func (c *Client) Teams(ctx context.Context) ([]*arqir.Team, error) {
	var out struct {
		Teams []*arqir.Team `json:"teams"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/teams", out: &out}); err != nil {
		return nil, err
	}
	return out.Teams, nil
}

// CreateTeam adds a team (admin).
func (c *Client) CreateTeam(ctx context.Context, in TeamRequest) (*arqir.Team, error) {
	var t arqir.Team
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/teams", in: in, out: &t}); err != nil {
		return nil, err
	}
	return &t, nil
}

// Team returns one team.
func (c *Client) Team(ctx context.Context, name string) (*arqir.Team, error) {
	var t arqir.Team
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/teams/" + url.PathEscape(name), out: &t}); err != nil {
		return nil, err
	}
	return &t, nil
}

// AddTeamMember puts a user on a team (admin).
func (c *Client) AddTeamMember(ctx context.Context, team, handle string) (*arqir.Team, error) {
	var t arqir.Team
	p := "/api/v1/teams/" + url.PathEscape(team) + "/members/" + url.PathEscape(handle)
	if err := c.do(ctx, request{method: "PUT", path: p, out: &t}); err != nil {
		return nil, err
	}
	return &t, nil
}

// RemoveTeamMember takes a user off a team (admin).
func (c *Client) RemoveTeamMember(ctx context.Context, team, handle string) (*arqir.Team, error) {
	var t arqir.Team
	p := "/api/v1/teams/" + url.PathEscape(team) + "/members/" + url.PathEscape(handle)
	if err := c.do(ctx, request{method: "DELETE", path: p, out: &t}); err != nil {
		return nil, err
	}
	return &t, nil
}

// Contacts returns the contacts directory resolved at `at` (zero: now).
func (c *Client) Contacts(ctx context.Context, at time.Time) (*arqir.ContactDirectory, error) {
	var d arqir.ContactDirectory
	q := url.Values{}
	setTime(q, "at", at)
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/contacts", query: q, out: &d}); err != nil {
		return nil, err
	}
	return &d, nil
}

// AssignContact makes a user fill a contact role (admin).
func (c *Client) AssignContact(ctx context.Context, role, handle string) (*arqir.ContactAssignment, error) {
	var a arqir.ContactAssignment
	in := map[string]string{"user": handle}
	if err := c.do(ctx, request{method: "PUT", path: "/api/v1/contacts/" + url.PathEscape(role), in: in, out: &a}); err != nil {
		return nil, err
	}
	return &a, nil
}

// UnassignContact clears a contact role's assignment (admin).
func (c *Client) UnassignContact(ctx context.Context, role string) error {
	return c.do(ctx, request{method: "DELETE", path: "/api/v1/contacts/" + url.PathEscape(role)})
}

// setTime sets an RFC 3339 query parameter unless t is zero.
func setTime(q url.Values, name string, t time.Time) {
	if !t.IsZero() {
		q.Set(name, t.Format(time.RFC3339Nano))
	}
}
