package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// ActionItemRequest files an action item (P3, P4). Category, Title, Owner
// and DueOn are required by the default policy.
type ActionItemRequest struct {
	Category    string `json:"category"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Owner       string `json:"owner"`
	DueOn       string `json:"due_on"` // YYYY-MM-DD
	Runbook     string `json:"runbook,omitempty"`
	Export      bool   `json:"export,omitempty"` // file it as a GitHub issue too
}

// ActionItemPatch changes the fields that are not nil.
type ActionItemPatch struct {
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty"`
	Owner       *string `json:"owner,omitempty"`
	DueOn       *string `json:"due_on,omitempty"` // YYYY-MM-DD
	Category    *string `json:"category,omitempty"`
	Status      *string `json:"status,omitempty"` // open, done, cancelled
	Runbook     *string `json:"runbook,omitempty"`
}

// ActionItemListOptions filters a listing of action items. Zero fields do
// not filter.
type ActionItemListOptions struct {
	Owner    string
	Category string
	Status   []string // open, done, cancelled
	Overdue  *bool
	Incident string // "INC-42" or "42"
	Limit    int    // 1..500; the server's default is 100
}

func (o ActionItemListOptions) values() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("owner", o.Owner)
	set("category", o.Category)
	set("status", strings.Join(o.Status, ","))
	if o.Overdue != nil {
		q.Set("overdue", strconv.FormatBool(*o.Overdue))
	}
	set("incident", o.Incident)
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	return q
}

// actionItemPath is the path of one action item.
func actionItemPath(id int64) string { return "/api/v1/action-items/" + strconv.FormatInt(id, 10) }

// CreateActionItem files an action item on an incident. A due date already
// past is accepted, with the answer's Warning saying so.
func (c *Client) CreateActionItem(ctx context.Context, incident string, r ActionItemRequest) (*arqir.ActionItem, error) {
	var it arqir.ActionItem
	if err := c.do(ctx, request{method: "POST", path: incidentPath(incident, "action-items"), in: r, out: &it}); err != nil {
		return nil, err
	}
	return &it, nil
}

// ActionItems lists action items, the earliest due first.
func (c *Client) ActionItems(ctx context.Context, o ActionItemListOptions) ([]*arqir.ActionItem, error) {
	var body struct {
		Items []*arqir.ActionItem `json:"action_items"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/action-items", query: o.values(), out: &body}); err != nil {
		return nil, err
	}
	return body.Items, nil
}

// ActionItem returns one action item.
func (c *Client) ActionItem(ctx context.Context, id int64) (*arqir.ActionItem, error) {
	var it arqir.ActionItem
	if err := c.do(ctx, request{method: "GET", path: actionItemPath(id), out: &it}); err != nil {
		return nil, err
	}
	return &it, nil
}

// UpdateActionItem changes an action item; Status done or cancelled closes
// it. IfVersion makes the change conditional on the item's version.
func (c *Client) UpdateActionItem(ctx context.Context, id int64, p ActionItemPatch, opts ...ActionOption) (*arqir.ActionItem, error) {
	o := actionOptions{header: http.Header{}}
	for _, opt := range opts {
		opt(&o)
	}
	var it arqir.ActionItem
	if err := c.do(ctx, request{method: "PATCH", path: actionItemPath(id), in: p, header: o.header, out: &it}); err != nil {
		return nil, err
	}
	return &it, nil
}
