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
		rule := arqir.ScheduleRule{
			ID: s.ID, Title: s.Title, Description: s.Description,
			Rotation:       s.Rotation.Length.Std(),
			HandoffWeekday: s.Rotation.Handoff.Weekday, HasWeekday: s.Rotation.Handoff.HasWeekday,
			HandoffHour: s.Rotation.Handoff.Time.Hour, HandoffMinute: s.Rotation.Handoff.Time.Minute,
			Zone: s.Rotation.Handoff.Zone,
		}
		if s.Coverage == policy.CoverageRestricted {
			x := s.Restriction
			rule.Restriction = &arqir.RestrictionRule{
				Weekdays: slices.Clone(x.Weekdays),
				FromHour: x.From.Hour, FromMinute: x.From.Minute,
				ToHour: x.To.Hour, ToMinute: x.To.Minute,
				Zone: x.Zone,
			}
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
