package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/policy"
)

// onCallRules is the on-call part of a policy in the domain's terms: the
// schedules' structure (O1–O3), the duties around a shift (O4–O6) and the
// contacts directory (X1). The policy has no field for how early the
// outgoing engineer is asked for notes, so it is arqir.DefaultNotesPrompt.
func onCallRules(p *policy.Policy) arqir.OnCallRules {
	o := p.Oncall
	r := arqir.OnCallRules{
		HandoffTasks:   slices.Clone(o.Handoff.Tasks),
		PostShiftTasks: slices.Clone(o.PostShift.Tasks),
		Availability: arqir.AvailabilityRule{
			RespondWithin:         o.Availability.RespondWithin.Std(),
			AcknowledgePageWithin: o.Availability.AcknowledgePageWithin.Std(),
			JoinCallsWithin:       o.Availability.JoinCallsWithin.Std(),
		},
		Contacts: arqir.ContactRules{
			EscalationEmail: p.Contacts.EscalationEmail,
			WarRoom:         p.Contacts.WarRoom,
			IncidentChannel: p.Contacts.IncidentChannel,
		},
	}
	for _, s := range o.Schedules {
		rule := arqir.ScheduleRule{ID: s.ID, Title: s.Title, Description: s.Description, Layered: len(s.Layers) > 0}
		if !rule.Layered {
			var window *policy.Restriction
			if s.Coverage == policy.CoverageRestricted {
				window = &s.Restriction
			}
			rule.Layers = []arqir.LayerRule{layerRule(arqir.DefaultLayer, s.Rotation, window)}
		}
		for _, l := range s.Layers {
			var window *policy.Restriction
			if l.Restricted {
				window = &l.Restriction
			}
			rule.Layers = append(rule.Layers, layerRule(l.Name, l.Rotation, window))
		}
		r.Schedules = append(r.Schedules, rule)
	}
	for _, x := range p.Contacts.People {
		person := arqir.ContactPersonRule{ID: x.ID, Title: x.Title, Name: x.Name, Email: x.Email, Phone: x.Phone}
		person.Schedule, _ = strings.CutPrefix(x.Source, "schedule:")
		r.Contacts.People = append(r.Contacts.People, person)
	}
	for _, g := range p.Contacts.Groups {
		r.Contacts.Groups = append(r.Contacts.Groups, arqir.ContactGroupRule{ID: g.ID, Title: g.Title, Members: slices.Clone(g.Members)})
	}
	return r
}

// layerRule is one rotation of a policy schedule, restricted to window
// when it is not nil.
func layerRule(name string, rot policy.Rotation, window *policy.Restriction) arqir.LayerRule {
	l := arqir.LayerRule{
		Name:     name,
		Rotation: rot.Length.Std(), HandoffWeekday: rot.Handoff.Weekday, HasWeekday: rot.Handoff.HasWeekday,
		HandoffHour: rot.Handoff.Time.Hour, HandoffMinute: rot.Handoff.Time.Minute,
		Zone: rot.Handoff.Zone,
	}
	if window != nil {
		l.Restriction = &arqir.RestrictionRule{
			Weekdays: slices.Clone(window.Weekdays),
			FromHour: window.From.Hour, FromMinute: window.From.Minute,
			ToHour: window.To.Hour, ToMinute: window.To.Minute,
			Zone: window.Zone,
		}
	}
	return l
}

// onCallProblems lists the schedules of a policy that loads but that the
// on-call service cannot evaluate exactly (a rotation of 36h, a restriction
// in another zone than the handoff): such a policy is refused like any
// other invalid one, so the active schedules always answer.
func onCallProblems(p *policy.Policy) []api.PolicyProblem {
	var out []api.PolicyProblem
	for i, s := range onCallRules(p).Schedules {
		if err := s.Check(); err != nil {
			out = append(out, api.PolicyProblem{
				Path:    fmt.Sprintf("oncall.schedules[%d].%s", i, arqir.ErrorField(err)),
				Message: arqir.ErrorMessage(err),
			})
		}
	}
	return out
}

// sweepOnCall is the on-call part of the scheduler tick: handoff reports
// and notes prompts (O5), driven by the clock.
func (a *App) sweepOnCall(ctx context.Context, now time.Time) error {
	res, err := a.Store.SweepOnCall(ctx, now)
	if res.Reports > 0 || res.Prompts > 0 {
		a.cfg.Logger.Info("on-call handoffs", "reports", res.Reports, "prompts", res.Prompts)
	}
	return err
}
