package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/policy"
)

// Policies holds the active policy and swaps it atomically: a new one is
// validated completely and stored before anyone sees it; an invalid one
// changes nothing.
type Policies struct {
	store arqir.Store
	// baseURL is where people reach arqir, for links in messages when the
	// policy names none.
	baseURL string
	// webhook says an outgoing webhook receives the channel's messages.
	webhook bool

	mu     sync.RWMutex
	record *arqir.PolicyRecord
	policy *policy.Policy
}

var _ api.PolicyManager = (*Policies)(nil)

// loadPolicies makes the stored active policy current, applying the
// embedded default (the ARQ procedures) on a database that has none.
func loadPolicies(ctx context.Context, store arqir.Store, baseURL string, webhook bool) (*Policies, error) {
	m := &Policies{store: store, baseURL: baseURL, webhook: webhook}
	rec, err := store.ActivePolicy(ctx)
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		d := policy.Default()
		rec, _, err = store.ApplyPolicy(ctx, d.Version(), d.Hash(), d.Source(), "system (default policy)")
	}
	if err != nil {
		return nil, fmt.Errorf("load the active policy: %w", err)
	}
	return m, m.install(rec)
}

// install parses a stored record and makes it current.
func (m *Policies) install(rec *arqir.PolicyRecord) error {
	p, err := policy.Load(rec.Source)
	if err != nil {
		return fmt.Errorf("stored policy revision %d no longer validates (apply a fixed one with serve --policy): %w", rec.Revision, err)
	}
	m.swap(rec, p)
	return nil
}

// swap makes a policy current unless a newer revision already is: a
// refresh that read the database just before an Apply committed must not
// put the older revision back.
func (m *Policies) swap(rec *arqir.PolicyRecord, p *policy.Policy) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.record != nil && m.record.Revision > rec.Revision {
		return
	}
	m.record, m.policy = rec, p
	m.installRules()
	m.store.SetOnCallRules(onCallRules(p))
}

// Active returns the record of the active policy.
func (m *Policies) Active() *arqir.PolicyRecord {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.record
}

// Policy returns the active parsed policy.
func (m *Policies) Policy() *policy.Policy {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.policy
}

// Rules returns the rules of the active policy.
func (m *Policies) Rules() arqir.Rules {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.policy.Rules(m.record.Revision)
}

// Apply validates a policy document and, if it is valid, stores it as the
// active revision. Problems are returned all at once and change nothing.
func (m *Policies) Apply(ctx context.Context, source []byte, by string) (*arqir.PolicyRecord, bool, []api.PolicyProblem, error) {
	p, err := policy.Load(source)
	var le *policy.LoadError
	if errors.As(err, &le) {
		problems := make([]api.PolicyProblem, len(le.Problems))
		for i, pr := range le.Problems {
			problems[i] = api.PolicyProblem{Path: pr.Path, Line: pr.Line, Message: pr.Message}
		}
		return nil, false, problems, nil
	} else if err != nil {
		return nil, false, nil, err
	}
	if problems := onCallProblems(p); len(problems) > 0 {
		return nil, false, problems, nil
	}
	rec, created, err := m.store.ApplyPolicy(ctx, p.Version(), p.Hash(), p.Source(), by)
	if err != nil {
		return nil, false, nil, fmt.Errorf("store policy: %w", err)
	}
	m.swap(rec, p)
	return rec, created, nil, nil
}

// History lists applied policies, newest first.
func (m *Policies) History(ctx context.Context) ([]*arqir.PolicyRecord, error) {
	return m.store.PolicyHistory(ctx)
}

// refresh picks up a policy another replica applied.
func (m *Policies) refresh(ctx context.Context) error {
	rec, err := m.store.ActivePolicy(ctx)
	if err != nil {
		return err
	}
	if cur := m.Active(); cur != nil && cur.Revision >= rec.Revision {
		return nil
	}
	return m.install(rec)
}

// setBaseURL makes links in messages point at url when the policy names no
// base URL, and re-installs the active rules with it: `arqir serve` with no
// --public-url learns its address only once it listens.
func (m *Policies) setBaseURL(url string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.baseURL = url
	if m.record != nil {
		m.installRules()
	}
}

// installRules gives the store the rules and the planner of the current
// policy; m.mu is held.
func (m *Policies) installRules() {
	rules := m.policy.Rules(m.record.Revision)
	if rules.Paging.BaseURL == "" {
		rules.Paging.BaseURL = m.baseURL
	}
	rules.Paging.Webhook = m.webhook
	m.store.SetRules(rules)
	m.store.SetPlanner(planner(rules))
}
