package rca

import (
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// moment is one row of the RCA's timeline.
type moment struct {
	at   time.Time
	what string // e.g. "Acknowledged"
	text string // plain text: what the timeline said
	by   string // plain text: who; "" for impact start and detection
}

// moments picks the key moments of an incident from its timeline (P2): when
// the impact started and when it was detected (kept on the incident, not
// as events), the declaration, the acknowledgement, escalations, severity
// and status changes, status updates, the mitigation (the first move to
// MONITORING), reopenings and resolutions, oldest first. Notifications,
// checklist ticks and notes are the record of the response, not its key
// moments: they stay on the incident's own timeline.
func moments(inc *arqir.Incident, timeline []arqir.TimelineEvent) []moment {
	out := []moment{
		{at: inc.ImpactStartedAt, what: "Impact started", text: "Customers started to be affected"},
		{at: inc.DetectedAt, what: "Detected", text: detection(inc.Detection)},
	}
	mitigated := false
	for _, ev := range timeline {
		m := moment{at: ev.At, text: ev.Message, by: actor(ev.Actor)}
		switch ev.Kind {
		case arqir.EventDeclared:
			m.what = "Declared"
		case arqir.EventAcknowledged:
			m.what = "Acknowledged"
		case arqir.EventEscalated:
			if !escalation(ev) {
				continue
			}
			m.what = "Escalated"
		case arqir.EventSeverityChanged:
			m.what = "Severity changed"
		case arqir.EventStatusChanged:
			m.what = "Status changed"
			if ev.Data["to"] == string(arqir.StatusMonitoring) && !mitigated {
				m.what, mitigated = "Mitigated", true
			}
		case arqir.EventStatusUpdate:
			m.what = "Status update"
		case arqir.EventReopened:
			m.what = "Reopened"
		case arqir.EventResolved:
			m.what = "Resolved"
		default:
			continue
		}
		out = append(out, m)
	}
	// Stable: at the same instant the order of the timeline stands, and
	// impact start and detection come before the declaration.
	slices.SortStableFunc(out, func(a, b moment) int { return a.at.Compare(b.at) })
	return out
}

// escalation tells the escalations the planner records (a next step
// paged, a missed response target, the chain run out) from its other
// notes (a step skipped, a group without members).
func escalation(ev arqir.TimelineEvent) bool {
	return strings.HasPrefix(ev.Message, "Escalated to step") || ev.Data["deadline"] != "" || ev.Data["pages"] != ""
}

// detection says how the incident was noticed, e.g. "Automated: alertmanager:prod".
func detection(d arqir.Detection) string {
	kind := "Manual"
	if d.Kind == arqir.DetectionAutomated {
		kind = "Automated"
	}
	if d.Source == "" {
		return kind
	}
	return kind + ": " + strings.ReplaceAll(d.Source, "_", " ")
}

// actor names who did something; arqir's own changes name arqir.
func actor(name string) string {
	if name == arqir.SystemActor.Name {
		return "arqir"
	}
	return name
}

// timelineTable is the Markdown table of the key moments.
func timelineTable(ms []moment) string {
	var b strings.Builder
	b.WriteString("| Time (UTC) | Moment | What happened | By |\n|---|---|---|---|\n")
	for _, m := range ms {
		by := mdInline(m.by)
		if by == "" {
			by = "—" // impact start and detection are facts, not anyone's act
		}
		b.WriteString("| " + m.at.UTC().Format(secondLayout) + " | " + m.what + " | " + mdInline(m.text) + " | " + by + " |\n")
	}
	return b.String()
}
