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

// layerName names the one layer of a policy schedule in rotation's terms.
const layerName = "rotation"

// unassigned stands in the rotation of a schedule that has no participants
// yet: a permanently vacant turn, so the schedule still answers (a gap that
// says nobody is assigned) and overrides still apply. It cannot be a
// handle: handles have no spaces or parentheses.
const unassigned = "(no one assigned)"

// rotationSchedule converts a policy schedule and its participants into the
// schedule package rotation evaluates. It returns Check's EUNPROCESSABLE
// for a schedule that cannot be evaluated exactly.
func rotationSchedule(rule arqir.ScheduleRule, participants []string, anchor rotation.Date) (rotation.Schedule, error) {
	if err := rule.Check(); err != nil {
		return rotation.Schedule{}, err
	}
	days := int(rule.Rotation / (24 * time.Hour))
	rot := rotation.Daily(days)
	if rule.Weekly() {
		rot = rotation.Weekly(days / 7)
	}
	layer := rotation.Layer{
		Name:         layerName,
		Participants: participants,
		Rotation:     rot,
		Handoff:      rotation.HandoffTime{Weekday: rule.HandoffWeekday, At: rotation.Clock{Hour: rule.HandoffHour, Minute: rule.HandoffMinute}},
		Anchor:       anchor,
	}
	if r := rule.Restriction; r != nil {
		layer.Restriction = &rotation.Restriction{
			Weekdays: r.Weekdays,
			From:     rotation.Clock{Hour: r.FromHour, Minute: r.FromMinute},
			To:       rotation.Clock{Hour: r.ToHour, Minute: r.ToMinute},
		}
	}
	sched := rotation.Schedule{Name: rule.ID, Zone: rule.Zone}
	if len(participants) == 0 {
		layer.Participants = []string{unassigned}
		sched.Vacant = []string{unassigned}
	}
	sched.Layers = []rotation.Layer{layer}
	return sched, nil
}

// defaultAnchor is the most recent handoff date on or before now in the
// schedule's zone, so that the first participant is on call now.
func defaultAnchor(rule arqir.ScheduleRule, now time.Time) rotation.Date {
	local := now.In(rule.Zone)
	for i := 0; i < 15; i++ {
		day := local.AddDate(0, 0, -i)
		if rule.Weekly() && day.Weekday() != rule.HandoffWeekday {
			continue
		}
		y, m, d := day.Date()
		if !time.Date(y, m, d, rule.HandoffHour, rule.HandoffMinute, 0, 0, rule.Zone).After(now) {
			return rotation.Date{Year: y, Month: m, Day: d}
		}
	}
	y, m, d := local.AddDate(0, 0, -7).Date()
	return rotation.Date{Year: y, Month: m, Day: d}
}
