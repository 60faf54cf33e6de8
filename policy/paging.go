package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Paging is how arqir pages people for an incident and keeps the incident
// channel and the stakeholders informed (O2, O4, S1–S4, C1–C3, R4, R5, R7,
// X1). Like routing it is arqir's mechanics around the procedures, so
// Render leaves it out. The block is optional and so is every key in it;
// an absent key takes the default named on its field, so a policy without
// the block still pages each on-call schedule in turn.
type Paging struct {
	// Chain is who is paged, step by step, until someone acknowledges: each
	// step goes unacknowledged for oncall.availability.acknowledge_page_within
	// before the next is paged. Default: one step per on-call schedule, in
	// the order of oncall.schedules.
	Chain []ChainStep `yaml:"chain"`
	// Repeat is how many more times the whole chain is paged after its last
	// step went unacknowledged; then contacts.escalation_email is told.
	// Default 2; at most MaxRepeat.
	Repeat Count `yaml:"repeat"`
	// StaleAfter expires a notification not sent within this long of being
	// due, instead of sending it late. Default 30m.
	StaleAfter Duration `yaml:"stale_after"`
	// UpdateGrace is how long after a missed status update (C2) the
	// reminder to the incident commander escalates to the on-call lead and
	// the escalation e-mail. Default 5m; 0s escalates with the reminder.
	UpdateGrace Duration `yaml:"update_grace"`
	// BusinessHours is the window in which severities with page_at_night:
	// false page people; a step with window: business_hours is paged only in
	// it. Default Monday–Friday 09:00–17:00 America/New_York (US business
	// hours, the secondary's window of O2).
	BusinessHours Restriction `yaml:"business_hours"`
	// Stakeholders are told about the incidents they subscribe to (R7).
	// Default: nobody.
	Stakeholders []Stakeholder `yaml:"stakeholders"`
	// Mentions are who the initial notice @mentions when
	// communication.initial_notification.mention_teams is set (C1), per
	// service; "*" applies to every incident. Default {"*": [here]}.
	Mentions Mentions `yaml:"mentions"`
	// BaseURL is where people reach arqir, e.g. https://arqir.example.com;
	// messages link to the incident under it. Default: no links.
	BaseURL string `yaml:"base_url"`
}

// ChainStep is one step of the paging chain.
type ChainStep struct {
	// Targets are paged together: contact person or group ids, or
	// "schedule:<id>" for whoever is on call in that schedule. Required.
	Targets []string `yaml:"targets"`
	// Window limits the step to a weekly window: business_hours (the
	// paging.business_hours window) or the id of a restricted schedule (its
	// restriction). Outside it the step is skipped. A step whose targets are
	// restricted schedules gets their window without saying so: O2's
	// secondary is paged during business hours only.
	Window string `yaml:"window"`
}

// WindowBusinessHours is the ChainStep.Window naming paging.business_hours.
const WindowBusinessHours = "business_hours"

// Stakeholder subscribes a contact to incidents (R7).
type Stakeholder struct {
	// Contact is a person or group id under contacts. Required.
	Contact string `yaml:"contact"`
	// Severities limits the subscription to these levels; empty means all.
	Severities []string `yaml:"severities"`
	// Services limits the subscription to incidents of these services;
	// empty means all.
	Services []string `yaml:"services"`
}

// MaxRepeat bounds paging.repeat: a chain paged more often than this is a
// page storm, not an escalation.
const MaxRepeat = 10

// Paging defaults, for absent keys.
var (
	defaultRepeat      = Count(2)
	defaultStaleAfter  = Duration(30 * time.Minute)
	defaultUpdateGrace = Duration(5 * time.Minute)
	defaultMentions    = map[string][]string{MentionAll: {"here"}}
)

// MentionAll is the paging.mentions key that applies to every incident.
const MentionAll = "*"

// defaultBusinessHours is US business hours, Monday to Friday 09:00–17:00
// in New York, as O2 words the secondary's coverage.
func defaultBusinessHours() Restriction {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic("policy: the embedded zone database lacks America/New_York: " + err.Error())
	}
	return Restriction{
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		From:     Clock{Hour: 9}, To: Clock{Hour: 17}, Zone: ny,
	}
}

// pagingDefaults fills in what absent paging keys stand for.
func pagingDefaults(p *Policy, w *walker) {
	g := &p.Paging
	if !w.has("paging.chain") {
		g.Chain = nil
		for _, s := range p.Oncall.Schedules {
			if s.ID != "" {
				g.Chain = append(g.Chain, ChainStep{Targets: []string{schedulePrefix + s.ID}})
			}
		}
	}
	if !w.has("paging.repeat") {
		g.Repeat = defaultRepeat
	}
	if !w.has("paging.stale_after") {
		g.StaleAfter = defaultStaleAfter
	}
	if !w.has("paging.update_grace") {
		g.UpdateGrace = defaultUpdateGrace
	}
	if !w.has("paging.business_hours") {
		g.BusinessHours = defaultBusinessHours()
	}
	if !w.has("paging.mentions") {
		g.Mentions = Mentions{Values: map[string][]string{}}
		for k, v := range defaultMentions {
			g.Mentions.Values[k] = slices.Clone(v)
		}
	}
	g.BaseURL = strings.TrimRight(g.BaseURL, "/")
}

// schedulePrefix marks a target or contact source that is a schedule.
const schedulePrefix = "schedule:"

// stepWindow returns the window a chain step is limited to, if any: the
// one it names, else the one its targets share when every target is a
// restricted schedule. why says, when the step cannot be given a window,
// what to change; the validator reports it.
func (p *Policy) stepWindow(s ChainStep) (r Restriction, ok bool, why string) {
	switch s.Window {
	case "":
	case WindowBusinessHours:
		return p.Paging.BusinessHours, true, ""
	default:
		sched, found := p.Schedule(s.Window)
		if !found {
			return Restriction{}, false, ""
		}
		r, ok, why := scheduleWindow(sched)
		if !ok && why == "" {
			why = fmt.Sprintf("schedule %s covers every hour, so it is no window: use business_hours or a restricted schedule, or remove window", sched.ID)
		}
		return r, ok, why
	}
	var shared *Restriction
	restricted := 0
	for _, t := range s.Targets {
		id, isSched := strings.CutPrefix(t, schedulePrefix)
		sched, found := p.Schedule(id)
		if !isSched || !found || sched.Coverage != CoverageRestricted {
			continue
		}
		restricted++
		r, ok, why := scheduleWindow(sched)
		switch {
		case !ok:
			return Restriction{}, false, why
		case shared == nil:
			shared = &r
		case !sameWindow(*shared, r):
			return Restriction{}, false, fmt.Sprintf("%s and another target cover different hours: page them in steps of their own, or give the step a window", t)
		}
	}
	switch {
	case restricted == 0:
		return Restriction{}, false, ""
	case restricted < len(s.Targets):
		return Restriction{}, false, fmt.Sprintf("the step mixes restricted schedules with targets paged at any hour: page the restricted schedule in a step of its own (it is skipped outside %s), or give the step a window", describeWindow(*shared))
	}
	return *shared, true, ""
}

// scheduleWindow returns the weekly window a restricted schedule covers:
// its restriction, or the one restriction all its layers share. ok is
// false for a schedule covering every hour (why empty) or layers with
// different windows (why says what to do).
func scheduleWindow(s Schedule) (r Restriction, ok bool, why string) {
	if s.Coverage != CoverageRestricted {
		return Restriction{}, false, ""
	}
	if len(s.Layers) == 0 {
		return s.Restriction, true, ""
	}
	for i, l := range s.Layers {
		if i > 0 && !sameWindow(r, l.Restriction) {
			return Restriction{}, false, fmt.Sprintf("the layers of schedule %s cover different hours: give the step a window (business_hours or a schedule id)", s.ID)
		}
		r = l.Restriction
	}
	return r, true, ""
}

func sameWindow(a, b Restriction) bool {
	return slices.Equal(a.Weekdays, b.Weekdays) && a.From == b.From && a.To == b.To && a.Zone.String() == b.Zone.String()
}

// describeWindow words a window, e.g. "Monday–Friday 09:00–17:00 America/New_York".
func describeWindow(r Restriction) string {
	days := make([]string, len(r.Weekdays))
	for i, d := range r.Weekdays {
		days[i] = d.String()
	}
	zone := "UTC"
	if r.Zone != nil {
		zone = r.Zone.String()
	}
	return fmt.Sprintf("%s %s–%s %s", strings.Join(days, ", "), r.From, r.To, zone)
}
