package policy

import (
	"slices"
	"strings"

	"github.com/arqir/arqir"
)

// Rules returns what the incident core needs from the policy, stamped with
// the stored revision. The checklist holds every item, each with the
// severities it is limited to (R5: SEV1, SEV2), so arqir.Rules.ChecklistFor
// and ChecklistFor give the same list for an incident.
func (p *Policy) Rules(revision int) arqir.Rules {
	r := arqir.Rules{
		Revision:   revision,
		Severities: make([]arqir.SeverityRule, len(p.Severities)),
		Checklist:  make([]arqir.ChecklistRule, len(p.FirstResponder.Checklist)),
	}
	for i, s := range p.Severities {
		r.Severities[i] = arqir.SeverityRule{
			Name:           s.Name,
			Title:          s.Title,
			Meaning:        strings.Join(s.Meaning, "; "),
			ResponseTarget: s.ResponseTarget.Std(),
			AutoResolve:    s.AutoResolve,
		}
	}
	for i, it := range p.FirstResponder.Checklist {
		r.Checklist[i] = checklistRule(it)
	}
	r.Routing = p.routingRules()
	r.Paging = p.pagingRules()
	return r
}

// ChecklistFor returns the checklist of an incident of the named severity:
// every item not limited to other severities (R5, the war-room call, is only
// for SEV1 and SEV2). An unknown severity gets the unrestricted items.
func (p *Policy) ChecklistFor(severity string) []arqir.ChecklistRule {
	var out []arqir.ChecklistRule
	for _, it := range p.FirstResponder.Checklist {
		if it.AppliesTo(severity) {
			out = append(out, checklistRule(it))
		}
	}
	return out
}

// AppliesTo reports whether the item is on the checklist of the named severity.
func (it ChecklistItem) AppliesTo(severity string) bool {
	return len(it.Severities) == 0 || slices.Contains(it.Severities, severity)
}

// checklistRule copies the severities: Rules are shared with the incident
// core and must not alias the policy.
func checklistRule(it ChecklistItem) arqir.ChecklistRule {
	return arqir.ChecklistRule{ID: it.ID, Task: it.Task, DoneBy: it.DoneBy, Severities: slices.Clone(it.Severities)}
}
