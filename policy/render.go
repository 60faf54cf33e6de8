package policy

import (
	"fmt"
	"strings"
)

// Render returns the policy as the Markdown procedures document: the same
// headings, order and wording as the ARQ document, so that the default policy
// renders to (nearly) the ARQ document line for line. Clause IDs follow as
// trailing HTML comments ("<!-- S1 -->"): invisible when the Markdown is
// displayed, but they let a reader trace each line to its clause. A section
// with nothing in the policy is left out.
func (p *Policy) Render() string {
	r := &renderer{p: p, chat: "Chat", paging: "Paging", warRoom: "War Room"}
	if t, ok := p.ToolFor(ToolRoleChat); ok {
		r.chat = t.Title
	}
	if t, ok := p.ToolFor(ToolRolePaging); ok {
		r.paging = t.Title
	}
	if t, ok := p.ToolFor(ToolRoleWarRoom); ok {
		r.warRoom = t.Title
	}
	r.title()
	r.severities()
	r.detection()
	r.initialResponse()
	r.diagnostics()
	r.remediation()
	r.communication()
	r.postIncident()
	r.oncall()
	r.tools()
	r.kpis()
	r.contacts()
	r.improvement()
	return strings.Join(r.blocks, "\n\n") + "\n"
}

// renderer collects blocks of lines; blocks are separated by one blank line,
// as in the ARQ document.
type renderer struct {
	p      *Policy
	blocks []string

	chat, paging, warRoom string // tool titles by role, for wording like "Slack channel"
}

func (r *renderer) block(lines ...string) { r.blocks = append(r.blocks, strings.Join(lines, "\n")) }

func (r *renderer) title() {
	t := r.p.Name
	if v := r.p.ProceduresVersion; v != "" {
		t += " - Phase " + phase(v)
	}
	r.block("# " + t)
	if r.p.Overview != "" {
		r.block("## Overview", strings.TrimSpace(r.p.Overview))
	}
}

func (r *renderer) severities() {
	if len(r.p.Severities) == 0 {
		return
	}
	r.block("## Incident Severity Levels")
	for _, s := range r.p.Severities {
		lines := []string{fmt.Sprintf("### %s - %s%s", displaySeverity(s.Name), s.Title, note(s.Clause...))}
		for _, m := range s.Meaning {
			lines = append(lines, "- "+m)
		}
		lines = append(lines, "- Response: < "+s.ResponseTarget.Human())
		var esc []string
		for _, e := range s.Escalation {
			t := e.Note
			if t == "" {
				t = r.p.Contacts.Title(e.Contact)
			}
			if e.After > 0 {
				t += " (after " + e.After.Human() + ")"
			}
			esc = append(esc, t)
		}
		lines = append(lines, "- Escalation: "+strings.Join(esc, " + "))
		r.block(lines...)
	}
}

func (r *renderer) detection() {
	d := r.p.Detection
	if len(d.Rules) == 0 && len(d.ManualSources) == 0 {
		return
	}
	r.block("## Detection & Alert")
	if len(d.Rules) > 0 {
		lines := []string{"Automated Alerts:"}
		for _, x := range d.Rules {
			lines = append(lines, "- "+ruleText(x)+idNote(x.ID))
		}
		r.block(lines...)
	}
	if len(d.ManualSources) > 0 {
		lines := []string{"Manual Detection:"}
		for _, m := range d.ManualSources {
			lines = append(lines, "- "+m.Label+note(m.Clause...))
		}
		r.block(lines...)
	}
}

func (r *renderer) initialResponse() {
	items := r.p.FirstResponder.Checklist
	if len(items) == 0 {
		return
	}
	r.block("## Initial Response")
	lines := []string{"First Responder Tasks:"}
	for i, it := range items {
		lines = append(lines, fmt.Sprintf("%d. %s%s", i+1, it.Task, idNote(it.ID)))
	}
	r.block(lines...)
}

func (r *renderer) diagnostics() {
	if len(r.p.Diagnostics.Groups) == 0 {
		return
	}
	r.block("## Diagnostics & Investigation")
	for _, g := range r.p.Diagnostics.Groups {
		r.block(bullets(g.Title+":"+idNote(g.ID), g.Checks)...)
	}
}

func (r *renderer) remediation() {
	if len(r.p.Runbooks) == 0 {
		return
	}
	r.block("## Remediation")
	for _, b := range r.p.Runbooks {
		r.block(numbered(b.Title+":"+note(b.Clause...), b.Steps)...)
	}
}

func (r *renderer) communication() {
	c := r.p.Communication
	if c.Channel == "" {
		return
	}
	r.block("## Communication Protocol")
	if n := c.InitialNotification; len(n.Include) > 0 {
		lines := []string{
			fmt.Sprintf("Initial Notification (%s):%s", within(n.Within), note(n.Clause...)),
			fmt.Sprintf("- Alert message in %s %s channel", n.Channel, r.chat),
		}
		labels := make([]string, len(n.Include))
		for i, f := range n.Include {
			labels[i] = messageText[f].label
		}
		lines = append(lines, "- Include: "+strings.Join(labels, ", "))
		if n.MentionTeams {
			lines = append(lines, "- @mention relevant teams")
		}
		r.block(lines...)
	}
	if u := c.StatusUpdates; len(u.Include) > 0 {
		head := "Status Updates (every " + shortDuration(u.Every)
		if len(u.Severities) > 0 {
			head += " for " + severityRange(u.Severities)
		}
		r.block(bullets(head+"):"+note(u.Clause...), r.phrases(u.Include))...)
	}
	if n := c.ResolutionNotification; len(n.Include) > 0 {
		head := fmt.Sprintf("Resolution Notification (%s):%s", within(n.Within), note(n.Clause...))
		r.block(bullets(head, r.phrases(n.Include))...)
	}
}

func (r *renderer) phrases(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = messagePhrase(f, r.chat)
	}
	return out
}

func (r *renderer) postIncident() {
	rca, ai := r.p.PostIncident.RCA, r.p.PostIncident.ActionItems
	if len(rca.Sections) == 0 && len(ai.Categories) == 0 {
		return
	}
	r.block("## Post-Incident Process")
	if len(rca.Sections) > 0 {
		r.block("Root Cause Analysis (RCA):" + note(rca.Clause...))
		r.block("RCA Meeting Schedule: Within " + rca.MeetingWithin.Human() + " of resolution")
		titles := make([]string, len(rca.Sections))
		for i, s := range rca.Sections {
			titles[i] = s.Title
		}
		r.block(numbered("RCA Template:", titles)...)
	}
	if len(ai.Categories) > 0 {
		r.block("Action Items:" + note(ai.Clause...))
		lines := []string{"Categorization:"}
		for _, k := range ai.Categories {
			lines = append(lines, "- "+k.Title+": "+k.Description)
		}
		r.block(lines...)
	}
}

func (r *renderer) oncall() {
	o := r.p.Oncall
	if len(o.Schedules) == 0 && len(o.Handoff.Tasks) == 0 && len(o.PostShift.Tasks) == 0 && o.Availability.RespondWithin == 0 {
		return
	}
	r.block("## On-Call Procedures")
	if len(o.Schedules) > 0 {
		lines := []string{"On-Call Schedule:"}
		for _, s := range o.Schedules {
			lines = append(lines, "- "+s.Title+": "+s.Description+note(s.Clause...))
		}
		// The ARQ schedules share one rotation and the document says it once.
		shared := len(o.Schedules[0].Layers) == 0
		for _, s := range o.Schedules[1:] {
			shared = shared && len(s.Layers) == 0 && rotationText(s.Rotation) == rotationText(o.Schedules[0].Rotation)
		}
		for _, s := range o.Schedules {
			label := "Rotation"
			if !shared {
				label += " (" + s.Title + ")"
			}
			if len(s.Layers) == 0 {
				lines = append(lines, "- "+label+": "+rotationText(s.Rotation)+note(s.Rotation.Clause...))
			}
			for _, l := range s.Layers {
				text := rotationText(l.Rotation)
				if l.Restricted {
					text += ", " + windowText(l.Restriction)
				}
				lines = append(lines, "- Rotation ("+s.Title+", "+l.Name+"): "+text+note(l.Rotation.Clause...))
			}
			if shared {
				break
			}
		}
		r.block(lines...)
	}

	var duties [][]string
	if a := o.Availability; a.RespondWithin > 0 {
		joinCalls := "immediately"
		if a.JoinCallsWithin > 0 {
			joinCalls = "within " + a.JoinCallsWithin.Human()
		}
		duties = append(duties, []string{"Availability:" + note(a.Clause...),
			"Respond to alerts within " + a.RespondWithin.Human(),
			"Acknowledge " + r.paging + " within " + a.AcknowledgePageWithin.Human(),
			"Join incident calls " + joinCalls,
		})
	}
	if len(o.Handoff.Tasks) > 0 {
		duties = append(duties, append([]string{"Handoff:" + note(o.Handoff.Clause...)}, o.Handoff.Tasks...))
	}
	if len(o.PostShift.Tasks) > 0 {
		duties = append(duties, append([]string{"Post-Shift:" + note(o.PostShift.Clause...)}, o.PostShift.Tasks...))
	}
	if len(duties) > 0 {
		r.block("On-Call Responsibilities:")
		for i, d := range duties {
			lines := []string{fmt.Sprintf("%d. %s", i+1, d[0])}
			for _, t := range d[1:] {
				lines = append(lines, "   - "+t)
			}
			r.block(lines...)
		}
	}
}

func (r *renderer) tools() {
	if len(r.p.Tools) == 0 {
		return
	}
	r.block("## On-Call Tools")
	var lines []string
	for _, t := range r.p.Tools {
		lines = append(lines, "- "+t.Title+": "+t.Purpose+note(t.Clause...))
	}
	r.block(lines...)
}

func (r *renderer) kpis() {
	if len(r.p.KPIs) == 0 {
		return
	}
	r.block("## Key Metrics for Incident Response")
	var lines []string
	for _, k := range r.p.KPIs {
		lines = append(lines, "- "+k.Title+": "+kpiText(k)+note(k.Clause...))
	}
	r.block(lines...)
}

func (r *renderer) contacts() {
	x := r.p.Contacts
	if len(x.People) == 0 && x.EscalationEmail == "" && x.IncidentChannel == "" {
		return
	}
	r.block("## Incident Response Contacts")
	if len(x.People) > 0 {
		lines := []string{"Primary Contacts:" + note(x.Clause...)}
		for _, p := range x.People {
			lines = append(lines, "- "+p.Title+": "+r.reach(p))
		}
		r.block(lines...)
	}
	channel := x.IncidentChannel
	if channel == "" {
		channel = orPlaceholder(r.p.Communication.Channel, "[Channel]")
	}
	r.block(
		"Escalation Email: "+orPlaceholder(x.EscalationEmail, "[Email]"),
		"War Room "+r.warRoom+": "+orPlaceholder(x.WarRoom, "["+r.warRoom+" Link]"),
		"Incident "+r.chat+" Channel: "+channel,
	)
}

// reach says how to reach a person, with the document's placeholders for
// what the policy does not know.
func (r *renderer) reach(p Person) string {
	if p.Source != "" {
		return "[" + r.paging + " Rotation]"
	}
	var ways []string
	for _, w := range []string{p.Phone, p.Email} {
		if w != "" {
			ways = append(ways, w)
		}
	}
	how := strings.Join(ways, " / ")
	if how == "" {
		how = "[Phone/Email]"
	}
	if p.Name != "" {
		return p.Name + ", " + how
	}
	return how
}

func (r *renderer) improvement() {
	im := r.p.Improvement
	var lines []string
	if im.Review.Every > 0 {
		lines = append(lines, "- Review and update this document "+im.Review.Every.Human()+note(im.Review.Clause...))
	}
	if im.Drills.Every > 0 {
		lines = append(lines, "- Conduct incident response drills "+im.Drills.Every.Human()+note(im.Drills.Clause...))
	}
	for _, it := range im.Items {
		lines = append(lines, "- "+it.Text+idNote(it.ID))
	}
	if len(lines) == 0 {
		return
	}
	r.block("## Continuous Improvement")
	r.block(lines...)
}

// bullets writes a heading line followed by "- item" lines.
func bullets(head string, items []string) []string {
	lines := []string{head}
	for _, it := range items {
		lines = append(lines, "- "+it)
	}
	return lines
}

// numbered writes a heading line followed by "1. item" lines.
func numbered(head string, items []string) []string {
	lines := []string{head}
	for i, it := range items {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, it))
	}
	return lines
}
