package client

import (
	"context"
	"time"

	"github.com/arqir/arqir"
)

// Policy is the active procedures-as-code policy and the rules incidents
// are held to.
type Policy struct {
	Revision   int                   `json:"revision"`
	Version    string                `json:"version"`
	Hash       string                `json:"hash"`
	AppliedAt  time.Time             `json:"applied_at"`
	AppliedBy  string                `json:"applied_by"`
	Severities []PolicySeverity      `json:"severities"` // most severe first
	Checklist  []PolicyChecklistItem `json:"checklist"`
}

// PolicySeverity is one severity level and its response target.
type PolicySeverity struct {
	Name                  string  `json:"name"`
	Title                 string  `json:"title"`
	Meaning               string  `json:"meaning"`
	ResponseTarget        string  `json:"response_target"` // Go duration, e.g. "5m0s"
	ResponseTargetSeconds float64 `json:"response_target_seconds"`
}

// Target is the response target as a duration.
func (s PolicySeverity) Target() time.Duration {
	return time.Duration(s.ResponseTargetSeconds * float64(time.Second))
}

// PolicyChecklistItem is one first-responder task of the policy.
type PolicyChecklistItem struct {
	ID         string   `json:"id"`
	Task       string   `json:"task"`
	DoneBy     string   `json:"done_by"`    // the trigger that ticks it; "person" if people do
	Severities []string `json:"severities"` // empty: every severity
}

// Policy returns the active policy.
func (c *Client) Policy(ctx context.Context) (*Policy, error) {
	var p Policy
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/policy", out: &p}); err != nil {
		return nil, err
	}
	return &p, nil
}

// PolicyHistory lists the applied policies, newest first.
func (c *Client) PolicyHistory(ctx context.Context) ([]*arqir.PolicyRecord, error) {
	var h struct {
		History []*arqir.PolicyRecord `json:"history"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/policy/history", out: &h}); err != nil {
		return nil, err
	}
	return h.History, nil
}

// ApplyPolicy applies a policy YAML document (admin). created is false when
// the active policy already had this content. A document with problems is
// refused with an *Error whose Problems lists them all; nothing is applied.
func (c *Client) ApplyPolicy(ctx context.Context, yaml []byte) (rec *arqir.PolicyRecord, created bool, err error) {
	var applied struct {
		Record  *arqir.PolicyRecord `json:"record"`
		Created bool                `json:"created"`
	}
	if yaml == nil {
		yaml = []byte{}
	}
	err = c.do(ctx, request{method: "PUT", path: "/api/v1/policy", raw: yaml, contentType: "application/yaml", out: &applied})
	if err != nil {
		return nil, false, err
	}
	return applied.Record, applied.Created, nil
}
