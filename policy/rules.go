package policy

import (
	"slices"
	"strings"
	"time"

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
	r.PostIncident = p.postIncidentRules()
	return r
}

// defaultRemindBefore is post_incident.rca.remind_before when absent: a
// working morning's notice before the 24-hour RCA deadline (P1).
const defaultRemindBefore = Duration(2 * time.Hour)

// postIncidentRules is what the RCA, action items and KPIs need (P1–P4,
// I6, K1–K5): the RCA deadline, reminder and template, the action-item
// categories and requirements, the runbooks an item may name, and the KPI
// targets in the unit KPIs are measured in (seconds for times, percent for
// rates). Nothing in it aliases the policy.
func (p *Policy) postIncidentRules() arqir.PostIncidentRules {
	rca, ai := p.PostIncident.RCA, p.PostIncident.ActionItems
	out := arqir.PostIncidentRules{
		RCAWithin:         rca.MeetingWithin.Std(),
		RCAReminderBefore: rca.RemindBefore.Std(),
		RequireOwner:      ai.RequireOwner,
		RequireDueDate:    ai.RequireDueDate,
	}
	for _, s := range rca.Sections {
		out.RCASections = append(out.RCASections, arqir.RCASectionRule{ID: s.ID, Title: s.Title})
	}
	for _, c := range ai.Categories {
		out.Categories = append(out.Categories, arqir.ActionCategoryRule{ID: c.ID, Title: c.Title, Description: c.Description})
	}
	for _, rb := range p.Runbooks {
		out.Runbooks = append(out.Runbooks, rb.ID)
	}
	for _, k := range p.KPIs {
		out.KPIs = append(out.KPIs, arqir.KPITarget{
			ID: k.ID, Clause: strings.Join(k.Clause, ", "), Title: k.Title,
			Comparison: string(k.Comparison), Target: k.Target.Value(),
		})
	}
	return out
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
