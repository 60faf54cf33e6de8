package sqlstore

import (
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// SetOnCallRules installs the on-call part of the active policy; every
// on-call answer uses the newest rules installed.
func (s *Store) SetOnCallRules(r arqir.OnCallRules) { s.oncall.Store(&r) }

// onCallRules returns the installed rules; none installed means no
// schedules, no duties and an empty contacts directory.
func (s *Store) onCallRules() arqir.OnCallRules {
	if r := s.oncall.Load(); r != nil {
		return *r
	}
	return arqir.OnCallRules{}
}

// scheduleRule returns the policy's rule of a schedule, or ENOTFOUND.
func (s *Store) scheduleRule(name string) (arqir.ScheduleRule, error) {
	rules := s.onCallRules()
	rule, ok := rules.Schedule(name)
	if !ok {
		return arqir.ScheduleRule{}, rules.UnknownSchedule(name)
	}
	return rule, nil
}

// unassigned stands in the rotation of a schedule that has no participants
// yet: a permanently vacant turn, so the schedule still answers (a gap that
// says nobody is assigned) and overrides still apply. It cannot be a
// handle: handles have no spaces or parentheses.
const unassigned = "(no one assigned)"

// rotationSchedule converts a policy schedule and its layers' participants
// into the schedule package rotation evaluates. A layer nobody is assigned
// to has nobody to put on call and is left out. It returns Check's
// EUNPROCESSABLE for a schedule that cannot be evaluated exactly.
func rotationSchedule(rule arqir.ScheduleRule, layers []layerState) (rotation.Schedule, error) {
	if err := rule.Check(); err != nil {
		return rotation.Schedule{}, err
	}
	sched := rotation.Schedule{Name: rule.ID, Zone: rule.Zone()}
	for _, l := range layers {
		if len(l.participants) > 0 {
			sched.Layers = append(sched.Layers, rotationLayer(l.rule, l.participants, l.anchor))
		}
	}
	if len(sched.Layers) == 0 {
		// A restriction only says when the participants are on call; with
		// nobody to rotate it would cut a year-long gap into hundreds of
		// parts.
		base := rotationLayer(rule.Layers[0], []string{unassigned}, rotation.Date{})
		base.Restriction = nil
		sched.Layers, sched.Vacant = []rotation.Layer{base}, []string{unassigned}
	}
	return sched, nil
}

// rotationLayer converts one policy layer with its participants.
func rotationLayer(l arqir.LayerRule, participants []string, anchor rotation.Date) rotation.Layer {
	days := int(l.Rotation / (24 * time.Hour))
	rot := rotation.Daily(days)
	if l.Weekly() {
		rot = rotation.Weekly(days / 7)
	}
	layer := rotation.Layer{
		Name:         l.Name,
		Participants: participants,
		Rotation:     rot,
		Handoff:      rotation.HandoffTime{Weekday: l.HandoffWeekday, At: rotation.Clock{Hour: l.HandoffHour, Minute: l.HandoffMinute}},
		Anchor:       anchor,
	}
	if r := l.Restriction; r != nil {
		layer.Restriction = &rotation.Restriction{
			Weekdays: r.Weekdays,
			From:     rotation.Clock{Hour: r.FromHour, Minute: r.FromMinute},
			To:       rotation.Clock{Hour: r.ToHour, Minute: r.ToMinute},
		}
	}
	return layer
}

// defaultAnchor is the most recent handoff date of the layer on or before
// now in its zone, so that the first participant is on call now.
func defaultAnchor(l arqir.LayerRule, now time.Time) rotation.Date {
	local := now.In(l.Zone)
	for i := 0; i < 15; i++ {
		day := local.AddDate(0, 0, -i)
		if l.Weekly() && day.Weekday() != l.HandoffWeekday {
			continue
		}
		y, m, d := day.Date()
		if !time.Date(y, m, d, l.HandoffHour, l.HandoffMinute, 0, 0, l.Zone).After(now) {
			return rotation.Date{Year: y, Month: m, Day: d}
		}
	}
	y, m, d := local.AddDate(0, 0, -7).Date()
	return rotation.Date{Year: y, Month: m, Day: d}
}
