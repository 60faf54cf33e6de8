package arqir

import (
	"slices"
	"time"
)

// Rules is what the incident core needs from the active policy. The policy
// package builds it (policy.Policy.Rules); keeping it here lets the domain stay
// free of YAML and lets tests state rules directly.
type Rules struct {
	// Revision is the stored revision of the policy these rules came from;
	// every incident records the revision it was declared under.
	Revision int
	// Severities in order from most to least severe.
	Severities []SeverityRule
	// Checklist is the first-responder checklist every new incident gets.
	Checklist []ChecklistRule
	// Routing decides the service, severity and incident of alerts.
	Routing RoutingRules
	// Paging is the escalation and communication cadence.
	Paging PagingRules
	// PostIncident is the RCA, action-item and KPI rules.
	PostIncident PostIncidentRules
}

// SeverityRule is one severity level of the policy.
type SeverityRule struct {
	Name           string        // e.g. "SEV1"
	Title          string        // e.g. "Critical"
	Meaning        string        // e.g. "Complete service outage"
	ResponseTarget time.Duration // acknowledge within this long of declaration (S1–S4)
	// AutoResolve resolves an incident of this severity when all its alerts
	// have resolved; otherwise a person confirms the service is restored.
	AutoResolve bool
}

// ChecklistRule is one first-responder task (R1–R7).
type ChecklistRule struct {
	ID   string // stable ID, e.g. "R1"
	Task string // what the responder does
	// DoneBy names the event that ticks the item automatically
	// (see ChecklistTrigger*); ChecklistTriggerPerson means a person ticks it.
	DoneBy string
	// Severities limits the item to these severities (R5: Zoom only for
	// SEV 1-2); empty means every severity.
	Severities []string
}

// Events that tick checklist items automatically.
const (
	ChecklistTriggerDeclare     = "declare"     // ticked when the incident is declared (R2, R3, R6)
	ChecklistTriggerAcknowledge = "acknowledge" // ticked by the acknowledgement (R1)
	ChecklistTriggerPagerDuty   = "pagerduty"   // ticked when the PagerDuty incident exists (R4)
	ChecklistTriggerWarRoom     = "war_room"    // ticked when the war-room call exists (R5)
	ChecklistTriggerNotify      = "notify"      // ticked when stakeholders were notified (R7)
	ChecklistTriggerPerson      = "person"      // ticked by a person
)

// ChecklistTriggers lists every valid ChecklistRule.DoneBy value.
var ChecklistTriggers = []string{
	ChecklistTriggerDeclare, ChecklistTriggerAcknowledge, ChecklistTriggerPagerDuty,
	ChecklistTriggerWarRoom, ChecklistTriggerNotify, ChecklistTriggerPerson,
}

// Severity returns the rule for the named severity.
func (r Rules) Severity(name string) (SeverityRule, bool) {
	for _, s := range r.Severities {
		if s.Name == name {
			return s, true
		}
	}
	return SeverityRule{}, false
}

// ChecklistFor returns the checklist items that apply to a severity.
func (r Rules) ChecklistFor(severity string) []ChecklistRule {
	var out []ChecklistRule
	for _, c := range r.Checklist {
		if len(c.Severities) == 0 || slices.Contains(c.Severities, severity) {
			out = append(out, c)
		}
	}
	return out
}

// SeverityNames lists the defined severity names, most severe first.
func (r Rules) SeverityNames() []string {
	names := make([]string, len(r.Severities))
	for i, s := range r.Severities {
		names[i] = s.Name
	}
	return names
}
