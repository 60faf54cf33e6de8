package apitest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
)

// Rules are the severities and checklist of the ARQ procedures, written out
// so the tests do not depend on the policy package.
func Rules() arqir.Rules {
	return arqir.Rules{
		Severities: []arqir.SeverityRule{
			{Name: "SEV1", Title: "Critical", Meaning: "Complete service outage", ResponseTarget: 5 * time.Minute},
			{Name: "SEV2", Title: "High", Meaning: "Major functionality degraded", ResponseTarget: 15 * time.Minute},
			{Name: "SEV3", Title: "Medium", Meaning: "Partial feature unavailability", ResponseTarget: 30 * time.Minute},
			{Name: "SEV4", Title: "Low", Meaning: "Minor issues", ResponseTarget: 2 * time.Hour},
		},
		Checklist: []arqir.ChecklistRule{
			{ID: "R1", Task: "Acknowledge the alert in Slack #incidents", DoneBy: arqir.ChecklistTriggerAcknowledge},
			{ID: "R2", Task: "Set incident status INVESTIGATING", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R3", Task: "Assign severity level", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R4", Task: "Create PagerDuty incident", DoneBy: arqir.ChecklistTriggerPerson},
			{ID: "R5", Task: "Start incident Zoom call", DoneBy: arqir.ChecklistTriggerPerson, Severities: []string{"SEV1", "SEV2"}},
			{ID: "R6", Task: "Begin timeline tracking", DoneBy: arqir.ChecklistTriggerDeclare},
			{ID: "R7", Task: "Notify stakeholders", DoneBy: arqir.ChecklistTriggerPerson},
		},
	}
}

// Policies is a fake api.PolicyManager. It cannot parse real policies (that
// is the policy package's job); it treats a document as valid unless lines
// start with "bad:", each of which is one problem at its line, and reads the
// version from a "version:" line. The rules stay those it was made with.
type Policies struct {
	store *Store
	mu    sync.Mutex
	rules arqir.Rules
	rec   *arqir.PolicyRecord
}

var _ api.PolicyManager = (*Policies)(nil)

// NewPolicies applies an initial document to the store and installs rules.
func NewPolicies(store *Store, rules arqir.Rules) *Policies {
	p := &Policies{store: store, rules: rules}
	if _, _, problems, err := p.Apply(context.Background(), []byte("version: test-1\n"), "system (default policy)"); err != nil || problems != nil {
		panic("apitest: the initial policy did not apply")
	}
	return p
}

// Active implements api.PolicyManager.
func (p *Policies) Active() *arqir.PolicyRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rec
}

// Rules implements api.PolicyManager.
func (p *Policies) Rules() arqir.Rules {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rules
}

// Apply implements api.PolicyManager.
func (p *Policies) Apply(ctx context.Context, source []byte, by string) (*arqir.PolicyRecord, bool, []api.PolicyProblem, error) {
	var problems []api.PolicyProblem
	version := ""
	sc := bufio.NewScanner(bytes.NewReader(source))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if msg, ok := strings.CutPrefix(text, "bad:"); ok {
			problems = append(problems, api.PolicyProblem{Path: "$.bad", Line: line, Message: strings.TrimSpace(msg)})
		} else if v, ok := strings.CutPrefix(text, "version:"); ok {
			version = strings.TrimSpace(v)
		}
	}
	if len(problems) > 0 {
		return nil, false, problems, nil
	}
	sum := sha256.Sum256(source)
	rec, created, err := p.store.ApplyPolicy(ctx, version, "sha256:"+hex.EncodeToString(sum[:]), source, by)
	if err != nil {
		return nil, false, nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rec = rec
	p.rules.Revision = rec.Revision
	p.store.SetRules(p.rules)
	return rec, created, nil, nil
}

// History implements api.PolicyManager.
func (p *Policies) History(ctx context.Context) ([]*arqir.PolicyRecord, error) {
	return p.store.PolicyHistory(ctx)
}
