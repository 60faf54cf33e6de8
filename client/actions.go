package client

import (
	"context"
	"net/http"
	"strconv"

	"github.com/arqir/arqir"
)

// ActionOption adjusts one change to an incident.
type ActionOption func(*actionOptions)

type actionOptions struct{ header http.Header }

// IfVersion makes the change conditional: the server refuses it with a 409
// *Error (Current set) if the incident is no longer at this version.
func IfVersion(version int) ActionOption {
	return func(o *actionOptions) { o.header.Set("If-Match", `"`+strconv.Itoa(version)+`"`) }
}

// RolesRequest assigns the incident commander and adds or removes responders.
type RolesRequest struct {
	Commander        *string  `json:"commander,omitempty"` // nil: unchanged; "": cleared
	AddResponders    []string `json:"add_responders,omitempty"`
	RemoveResponders []string `json:"remove_responders,omitempty"`
}

// ResolveRequest closes an incident; RootCause and CustomerImpact are
// required (C3).
type ResolveRequest struct {
	RootCause      string `json:"root_cause"`
	CustomerImpact string `json:"customer_impact"`
	FalsePositive  bool   `json:"false_positive,omitempty"`
}

// act posts one change to an incident and returns the changed incident.
func (c *Client) act(ctx context.Context, path string, body any, opts []ActionOption) (*arqir.Incident, error) {
	o := actionOptions{header: http.Header{}}
	for _, opt := range opts {
		opt(&o)
	}
	var inc arqir.Incident
	if err := c.do(ctx, request{method: "POST", path: path, in: body, header: o.header, out: &inc}); err != nil {
		return nil, err
	}
	return &inc, nil
}

// Acknowledge records that the caller took the incident.
func (c *Client) Acknowledge(ctx context.Context, id string, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "acknowledge"), struct{}{}, opts)
}

// ChangeSeverity sets another severity of the policy, with an optional reason.
func (c *Client) ChangeSeverity(ctx context.Context, id, severity, reason string, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "severity"), map[string]string{"severity": severity, "reason": reason}, opts)
}

// ChangeStatus moves an open incident to INVESTIGATING, IDENTIFIED or
// MONITORING, with an optional note; use Resolve to resolve.
func (c *Client) ChangeStatus(ctx context.Context, id, status, note string, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "status"), map[string]string{"status": status, "note": note}, opts)
}

// AssignRoles sets the commander and adds or removes responders.
func (c *Client) AssignRoles(ctx context.Context, id string, r RolesRequest, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "roles"), r, opts)
}

// AddNote appends a note to the incident's timeline.
func (c *Client) AddNote(ctx context.Context, id, text string, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "notes"), map[string]string{"text": text}, opts)
}

// TickChecklist records that the caller did a checklist item, e.g. "R4".
func (c *Client) TickChecklist(ctx context.Context, id, item string, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "checklist", item), struct{}{}, opts)
}

// Resolve closes the incident.
func (c *Client) Resolve(ctx context.Context, id string, r ResolveRequest, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "resolve"), r, opts)
}

// Reopen returns a resolved incident to INVESTIGATING, saying why.
func (c *Client) Reopen(ctx context.Context, id, reason string, opts ...ActionOption) (*arqir.Incident, error) {
	return c.act(ctx, incidentPath(id, "reopen"), map[string]string{"reason": reason}, opts)
}
