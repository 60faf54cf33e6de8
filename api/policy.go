package api

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/arqir/arqir"
)

// PolicyManager is the active procedures-as-code policy as the API needs it.
// The api package does not import the policy package: app adapts one to this
// interface, and tests give a fake.
type PolicyManager interface {
	// Active is the record of the active policy; nil if none was applied.
	Active() *arqir.PolicyRecord
	// Rules are the severities and checklist of the active policy.
	Rules() arqir.Rules
	// Apply validates source completely and, only if it is valid, stores it
	// as the active policy, applied by the named token. A document with
	// problems changes nothing and returns every problem (and a nil error);
	// err is for failures to store (internal). created is false when the
	// active policy already has the same content.
	Apply(ctx context.Context, source []byte, by string) (rec *arqir.PolicyRecord, created bool, problems []PolicyProblem, err error)
	// History lists the applied policies, newest first.
	History(ctx context.Context) ([]*arqir.PolicyRecord, error)
}

// PolicyProblem is one reason a policy document was refused, at its YAML
// path and line.
type PolicyProblem struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// policyBody is the answer of GET /api/v1/policy: the active record and the
// rules incidents are held to.
type policyBody struct {
	Revision   int             `json:"revision"`
	Version    string          `json:"version"`
	Hash       string          `json:"hash"`
	AppliedAt  time.Time       `json:"applied_at"`
	AppliedBy  string          `json:"applied_by"`
	Severities []severityBody  `json:"severities"`
	Checklist  []checklistBody `json:"checklist"`
}

type severityBody struct {
	Name                  string  `json:"name"`
	Title                 string  `json:"title"`
	Meaning               string  `json:"meaning"`
	ResponseTarget        string  `json:"response_target"` // Go duration, e.g. "5m0s"
	ResponseTargetSeconds float64 `json:"response_target_seconds"`
}

type checklistBody struct {
	ID         string   `json:"id"`
	Task       string   `json:"task"`
	DoneBy     string   `json:"done_by"`
	Severities []string `json:"severities"` // empty: every severity
}

// handleGetPolicy answers the active policy and its rules.
func (s *server) handleGetPolicy(w http.ResponseWriter, _ *http.Request) error {
	rec := s.policies.Active()
	if rec == nil {
		return arqir.Errorf(arqir.ENOTFOUND, "no policy is active yet: apply one with PUT /api/v1/policy")
	}
	rules := s.policies.Rules()
	body := policyBody{
		Revision: rec.Revision, Version: rec.Version, Hash: rec.Hash, AppliedAt: rec.AppliedAt, AppliedBy: rec.AppliedBy,
		Severities: []severityBody{}, Checklist: []checklistBody{},
	}
	for _, sev := range rules.Severities {
		body.Severities = append(body.Severities, severityBody{
			Name: sev.Name, Title: sev.Title, Meaning: sev.Meaning,
			ResponseTarget: sev.ResponseTarget.String(), ResponseTargetSeconds: sev.ResponseTarget.Seconds(),
		})
	}
	for _, c := range rules.Checklist {
		sevs := c.Severities
		if sevs == nil {
			sevs = []string{}
		}
		body.Checklist = append(body.Checklist, checklistBody{ID: c.ID, Task: c.Task, DoneBy: c.DoneBy, Severities: sevs})
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// policyHistoryBody is the answer of GET /api/v1/policy/history.
type policyHistoryBody struct {
	History []*arqir.PolicyRecord `json:"history"`
}

// handlePolicyHistory lists applied policies, newest first.
func (s *server) handlePolicyHistory(w http.ResponseWriter, r *http.Request) error {
	recs, err := s.policies.History(r.Context())
	if err != nil {
		return err
	}
	if recs == nil {
		recs = []*arqir.PolicyRecord{}
	}
	writeJSON(w, http.StatusOK, policyHistoryBody{History: recs})
	return nil
}

// appliedBody is the answer of PUT /api/v1/policy.
type appliedBody struct {
	Record  *arqir.PolicyRecord `json:"record"`
	Created bool                `json:"created"`
}

// handleApplyPolicy applies the YAML document of the body (any content
// type: it is text, not JSON). A document with problems is refused whole
// with 422 and every problem listed; the active policy stays.
func (s *server) handleApplyPolicy(w http.ResponseWriter, r *http.Request) error {
	src, err := readBody(w, r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return arqir.Errorf(arqir.EINVALID, "the body is empty: send the policy YAML (arqir policy default prints a starting point)")
	}
	rec, created, problems, err := s.policies.Apply(r.Context(), src, tokenOf(r).Name)
	if err != nil {
		return err
	} else if len(problems) > 0 {
		return &policyRefused{problems: problems}
	}
	writeJSON(w, http.StatusOK, appliedBody{Record: rec, Created: created})
	return nil
}
