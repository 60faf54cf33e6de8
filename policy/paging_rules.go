package policy

import (
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// pagingRules is the paging block with what it needs from the rest of the
// policy (O4's acknowledgement deadline, the severities' escalation, the
// communication cadence, the contacts), as the escalate package needs it.
// Nothing in it aliases the policy.
func (p *Policy) pagingRules() arqir.PagingRules {
	g := p.Paging
	m := p.Communication
	out := arqir.PagingRules{
		AckWithin:        p.Oncall.Availability.AcknowledgePageWithin.Std(),
		Repeat:           int(g.Repeat),
		StaleAfter:       g.StaleAfter.Std(),
		BusinessHours:    weeklyWindow(g.BusinessHours),
		Severities:       map[string]arqir.SeverityPaging{},
		Channel:          m.InitialNotification.Channel,
		InitialWithin:    m.InitialNotification.Within.Std(),
		MentionTeams:     m.InitialNotification.MentionTeams,
		Mentions:         map[string][]string{},
		UpdateEvery:      m.StatusUpdates.Every.Std(),
		UpdateSeverities: slices.Clone(m.StatusUpdates.Severities),
		UpdateGrace:      g.UpdateGrace.Std(),
		EscalationEmail:  p.Contacts.EscalationEmail,
		Groups:           map[string][]string{},
		Titles:           map[string]string{},
		BaseURL:          g.BaseURL,
	}
	for _, s := range g.Chain {
		step := arqir.PagingStep{Targets: slices.Clone(s.Targets)}
		if r, ok, _ := p.stepWindow(s); ok {
			w := weeklyWindow(r)
			step.Window = &w
		}
		out.Chain = append(out.Chain, step)
	}
	for _, s := range p.Severities {
		sp := arqir.SeverityPaging{PageAtNight: s.PageAtNight}
		for _, e := range s.Escalation {
			sp.Escalation = append(sp.Escalation, arqir.EscalationRule{Contact: e.Contact, After: e.After.Std()})
		}
		out.Severities[s.Name] = sp
	}
	for k, v := range g.Mentions.Values {
		out.Mentions[k] = slices.Clone(v)
	}
	for _, s := range g.Stakeholders {
		out.Stakeholders = append(out.Stakeholders, arqir.Stakeholder{
			Contact: s.Contact, Severities: slices.Clone(s.Severities), Services: slices.Clone(s.Services),
		})
	}
	out.WarRoomSeverities = p.warRoomSeverities()
	_, out.PagingTool = p.ToolFor(ToolRolePaging)
	for _, x := range p.Contacts.People {
		out.Titles[x.ID] = x.Title
	}
	for _, grp := range p.Contacts.Groups {
		// An empty group stays in the map: the planner tells "nobody in
		// it" apart from "not a group".
		out.Groups[grp.ID] = append([]string{}, grp.Members...)
		out.Titles[grp.ID] = grp.Title
	}
	for _, s := range p.Oncall.Schedules {
		out.Titles[schedulePrefix+s.ID] = s.Title
	}
	return out
}

// warRoomSeverities are the severities whose checklist has the item the war
// room ticks (R5: SEV1, SEV2); an item for every severity gives them all.
func (p *Policy) warRoomSeverities() []string {
	var out []string
	for _, it := range p.FirstResponder.Checklist {
		if it.DoneBy != arqir.ChecklistTriggerWarRoom {
			continue
		}
		for _, s := range p.Severities {
			if it.AppliesTo(s.Name) && !slices.Contains(out, s.Name) {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

// weeklyWindow converts a policy window to the domain's.
func weeklyWindow(r Restriction) arqir.Window {
	return arqir.Window{
		Weekdays: slices.Clone(r.Weekdays),
		From:     time.Duration(r.From.Minutes()) * time.Minute,
		To:       time.Duration(r.To.Minutes()) * time.Minute,
		Zone:     r.Zone,
	}
}
