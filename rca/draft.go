package rca

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/arqir/arqir"
)

// The section ids of the ARQ RCA template (P2), which Draft knows how to
// pre-fill; a policy's other sections start empty.
const (
	SectionExecutiveSummary = "executive_summary"
	SectionTimeline         = "incident_timeline"
	SectionRootCause        = "root_cause_analysis"
	SectionContributing     = "contributing_factors"
	SectionImpact           = "impact_assessment"
	SectionCorrective       = "corrective_actions"
	SectionPrevention       = "prevention_strategies"
	// SectionActionItems holds the action items table, which the exports
	// fill from the incident's action items (P3, P4).
	SectionActionItems = "action_item_owners"
)

// ActionItemsHeader is the empty action items table Draft puts in
// SectionActionItems; the exports put the incident's action items under it.
const ActionItemsHeader = "| Category | Action | Owner | Due | Status |\n|---|---|---|---|---|\n"

var _ arqir.RCADrafter = Draft

// Draft pre-fills the RCA sections of a resolved incident, one per
// rules.RCASections in order (P2), from the incident, its timeline
// (oldest first) and its alerts. What arqir cannot know (contributing
// factors, corrective actions, prevention) is a prompt in italics marked
// "To be completed in the review", never an invented fact. A section id
// Draft does not know gets an empty body.
func Draft(inc *arqir.Incident, timeline []arqir.TimelineEvent, alerts []*arqir.Alert, rules arqir.PostIncidentRules) []arqir.RCASection {
	out := make([]arqir.RCASection, len(rules.RCASections))
	for i, s := range rules.RCASections {
		out[i] = arqir.RCASection{ID: s.ID, Title: s.Title, Body: body(s.ID, inc, timeline, alerts, rules)}
	}
	return out
}

// body is the pre-filled Markdown of one section.
func body(id string, inc *arqir.Incident, timeline []arqir.TimelineEvent, alerts []*arqir.Alert, rules arqir.PostIncidentRules) string {
	switch id {
	case SectionExecutiveSummary:
		return executiveSummary(inc)
	case SectionTimeline:
		return timelineTable(moments(inc, timeline))
	case SectionRootCause:
		return rootCause(inc)
	case SectionContributing:
		return todo("the conditions that made the incident possible, worse or longer than it had to be — e.g. a recent change, a missing alert, an unclear runbook, load, a dependency.")
	case SectionImpact:
		return impact(inc, alerts)
	case SectionCorrective:
		return todo("what was done to restore service, and what will fix the root cause for good. File each follow-up as an action item with an owner and a due date.")
	case SectionPrevention:
		return prevention(rules.Categories)
	case SectionActionItems:
		return ActionItemsHeader
	}
	return ""
}

// todo is a prompt for the people in the review, marked as such.
func todo(what string) string {
	return "_To be completed in the review: " + what + "_\n"
}

// executiveSummary states the incident in a few facts: title, severity,
// duration of the impact, services, detection, commander.
func executiveSummary(inc *arqir.Incident) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s %s**\n\n", inc.ID, mdInline(inc.Title))
	if inc.Drill {
		b.WriteString("This was a drill.\n\n")
	}
	if s := strings.TrimSpace(inc.Summary); s != "" {
		b.WriteString(mdBlock(s) + "\n\n")
	}
	item := func(label, value string) { fmt.Fprintf(&b, "- **%s:** %s\n", label, value) }
	item("Severity", mdInline(inc.Severity))
	item("Duration", duration(inc))
	item("Services", services(inc))
	item("Detection", fmt.Sprintf("%s, at %s — %s after the impact started", mdInline(detection(inc.Detection)), at(inc.DetectedAt), human(inc.DetectedAt.Sub(inc.ImpactStartedAt))))
	if inc.AcknowledgedAt != nil {
		item("Acknowledged", fmt.Sprintf("by %s, %s after it was declared", mdInline(inc.AcknowledgedBy), human(inc.AcknowledgedAt.Sub(inc.DeclaredAt))))
	}
	commander := "none assigned"
	if inc.Commander != "" {
		commander = mdInline(inc.Commander)
	}
	item("Incident commander", commander)
	if len(inc.Responders) > 0 {
		item("Responders", mdInline(strings.Join(inc.Responders, ", ")))
	}
	if inc.FalsePositive {
		fp := "yes"
		if r := strings.TrimSpace(inc.FalsePositiveReason); r != "" {
			fp += " — " + mdInline(r)
		}
		item("False positive", fp)
	}
	return b.String()
}

// duration is how long customers were affected: impact start → resolved.
func duration(inc *arqir.Incident) string {
	if inc.ResolvedAt == nil {
		return fmt.Sprintf("still open (impact started %s)", at(inc.ImpactStartedAt))
	}
	return fmt.Sprintf("%s (impact started %s → resolved %s)", human(inc.ResolvedAt.Sub(inc.ImpactStartedAt)), at(inc.ImpactStartedAt), at(*inc.ResolvedAt))
}

func services(inc *arqir.Incident) string {
	if len(inc.Services) == 0 {
		return "none recorded"
	}
	return mdInline(strings.Join(inc.Services, ", "))
}

// rootCause starts from what the resolver wrote (C3).
func rootCause(inc *arqir.Incident) string {
	rc := strings.TrimSpace(inc.RootCause)
	if rc == "" {
		return todo("no root cause was recorded at resolution. State the root cause, why it happened (e.g. five whys) and the evidence for it.")
	}
	return "Recorded at resolution:\n\n" + mdBlock(rc) + "\n\n" +
		todo("confirm or correct this root cause, and explain why it happened (e.g. five whys) and the evidence for it.")
}

// impact is the impact assessment: duration, severity, services, what
// customers saw (C3) and the alerts involved.
func impact(inc *arqir.Incident, alerts []*arqir.Alert) string {
	var b strings.Builder
	item := func(label, value string) { fmt.Fprintf(&b, "- **%s:** %s\n", label, value) }
	item("Duration", duration(inc))
	item("Time to know", fmt.Sprintf("%s from impact start to detection", human(inc.DetectedAt.Sub(inc.ImpactStartedAt))))
	item("Severity", mdInline(inc.Severity))
	item("Services", services(inc))
	ci := strings.TrimSpace(inc.CustomerImpact)
	if ci == "" {
		ci = "not recorded"
	}
	item("Customer impact", mdInline(ci))
	if len(alerts) == 0 {
		item("Alerts involved", "none")
		return b.String()
	}
	item("Alerts involved", fmt.Sprint(len(alerts)))
	b.WriteString("\n| Alert | Summary | Source | Service | Fired | Started (UTC) | Status |\n|---|---|---|---|---|---|---|\n")
	sorted := slices.Clone(alerts)
	slices.SortStableFunc(sorted, func(x, y *arqir.Alert) int {
		return cmp.Or(x.StartedAt.Compare(y.StartedAt), cmp.Compare(x.ID, y.ID))
	})
	for _, a := range sorted {
		status := string(a.Status)
		if a.FalsePositive {
			status += ", false positive"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %s | %s |\n", mdInline(alertName(a)), mdInline(a.Summary), mdInline(string(a.Source)),
			mdInline(a.Service), a.Count, a.StartedAt.UTC().Format(secondLayout), mdInline(status))
	}
	return b.String()
}

// alertName is what the source calls the alert: its alertname label (the
// Prometheus convention most sources follow), else its dedup key.
func alertName(a *arqir.Alert) string {
	if n := a.Labels["alertname"]; n != "" {
		return n
	}
	return a.DedupKey
}

// prevention prompts for prevention work, naming the policy's categories
// the action items are filed under (P3).
func prevention(cats []arqir.ActionCategoryRule) string {
	s := todo("how to stop this kind of incident from happening again, and to catch it sooner if it does.")
	if len(cats) == 0 {
		return s
	}
	s += "\nFile each as an action item in one of the categories:\n\n"
	for _, c := range cats {
		s += fmt.Sprintf("- **%s** (`%s`): %s\n", mdInline(c.Title), strings.ReplaceAll(c.ID, "`", ""), mdInline(c.Description))
	}
	return s
}
