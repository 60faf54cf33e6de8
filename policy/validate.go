package policy

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/arqir/arqir"
)

// checker validates a decoded policy: required keys, impossible values,
// duplicates and references. It reports through the walker so all problems
// share one list, and it stays quiet about paths the walker already failed,
// so that one mistake is one problem.
type checker struct {
	w *walker
	p *Policy

	severities []string // defined severity names
	runbooks   []string // defined runbook ids
	people     []string // defined person ids
	groups     []string // defined group ids
	schedules  []string // defined schedule ids
}

func validate(p *Policy, w *walker) {
	c := &checker{w: w, p: p}
	for _, s := range p.Severities {
		c.severities = appendNonEmpty(c.severities, s.Name)
	}
	for _, r := range p.Runbooks {
		c.runbooks = appendNonEmpty(c.runbooks, r.ID)
	}
	for _, x := range p.Contacts.People {
		c.people = appendNonEmpty(c.people, x.ID)
	}
	for _, g := range p.Contacts.Groups {
		c.groups = appendNonEmpty(c.groups, g.ID)
	}
	for _, s := range p.Oncall.Schedules {
		c.schedules = appendNonEmpty(c.schedules, s.ID)
	}

	c.document()
	c.severityLevels()
	c.detection()
	c.routing()
	c.firstResponder()
	c.diagnostics()
	c.runbookList()
	c.communication()
	c.postIncident()
	c.oncall()
	c.toolList()
	c.contacts()
	c.paging()
	c.kpis()
	c.improvement()
}

func (c *checker) document() {
	p := c.p
	switch {
	case p.ProceduresVersion == "":
		c.missing("version", `add the procedures version, e.g. version: "16.0"`)
	case !versionRE.MatchString(p.ProceduresVersion):
		c.errf("version", "must be a version number like 16.0, got %q", p.ProceduresVersion)
	}
	c.text("name", p.Name, "add the document title, e.g. name: Incident Response Procedures")
	c.list("severities", len(p.Severities), "list at least one severity, most severe first, e.g. - name: SEV1")
}

func (c *checker) severityLevels() {
	names := make([]string, len(c.p.Severities))
	for i, s := range c.p.Severities {
		at := fmt.Sprintf("severities[%d]", i)
		names[i] = s.Name
		c.id(at+".name", s.Name, "SEV1")
		c.clauses(at+".clause", s.Clause)
		c.text(at+".title", s.Title, `add a short title like "Critical"`)
		c.texts(at+".meaning", s.Meaning, "say which incidents get this level, e.g. Complete service outage")
		c.positive(at+".response_target", s.ResponseTarget, "5m or 2h")
		c.list(at+".escalation", len(s.Escalation), "list who is notified, e.g. - contact: executives")
		for j, e := range s.Escalation {
			et := fmt.Sprintf("%s.escalation[%d]", at, j)
			if e.Contact == "" {
				c.missing(et+".contact", "name a person or group id from contacts, e.g. contact: executives")
			} else {
				c.ref(et+".contact", e.Contact, slices.Concat(c.people, c.groups), "contact", "contacts.people or contacts.groups")
			}
			c.notNegative(et+".after", e.After)
		}
	}
	c.unique("severities", "name", names, "severity name")
}

func (c *checker) detection() {
	d := c.p.Detection
	ids := make([]string, len(d.Rules))
	for i, r := range d.Rules {
		at := fmt.Sprintf("detection.rules[%d]", i)
		ids[i] = r.ID
		c.id(at+".id", r.ID, "D1")
		c.text(at+".name", r.Name, `say what is watched, e.g. name: CPU`)
		switch {
		case r.Metric == "":
			c.missing(at+".metric", "add the metric alerts report, e.g. metric: cpu_utilization_percent")
		case !metricRE.MatchString(r.Metric):
			c.errf(at+".metric", "must be a snake_case metric name like cpu_utilization_percent, got %q", r.Metric)
		}
		if !c.w.has(at + ".comparison") {
			c.missing(at+".comparison", `add how the metric fires the alert, e.g. comparison: ">"`)
		}
		if !c.w.has(at + ".threshold") {
			c.missing(at+".threshold", "add the threshold value, e.g. threshold: 80")
		}
		if c.enum(at+".unit", r.Unit, Units, "unit") {
			switch r.Unit {
			case UnitPercent:
				c.percent(at+".threshold", r.Threshold)
			case UnitSeconds, UnitMilliseconds:
				if r.Threshold < 0 {
					c.errf(at+".threshold", "must not be negative for a time, got %s", formatNumber(r.Threshold))
				}
			}
		}
		c.notNegative(at+".for", r.For)
		if r.Aggregation != "" && !aggregationRE.MatchString(r.Aggregation) {
			c.errf(at+".aggregation", "must be avg, min, max, sum or a percentile like p95, or left out, got %q", r.Aggregation)
		}
		if r.Severity == "" {
			c.missing(at+".severity", "add the severity the incident opens at, e.g. severity: SEV3")
		} else {
			c.ref(at+".severity", r.Severity, c.severities, "severity", "severities")
		}
		if r.Runbook != "" {
			c.ref(at+".runbook", r.Runbook, c.runbooks, "runbook", "runbooks")
		}
		c.ruleExpr(at, r)
	}
	c.unique("detection.rules", "id", ids, "rule id")

	ids = make([]string, len(d.ManualSources))
	for i, m := range d.ManualSources {
		at := fmt.Sprintf("detection.manual_sources[%d]", i)
		ids[i] = m.ID
		c.id(at+".id", m.ID, "customer_support")
		c.clauses(at+".clause", m.Clause)
		c.text(at+".label", m.Label, `add the wording, e.g. label: Customer support reports`)
	}
	c.unique("detection.manual_sources", "id", ids, "source id")
}

func (c *checker) firstResponder() {
	ids := make([]string, len(c.p.FirstResponder.Checklist))
	for i, it := range c.p.FirstResponder.Checklist {
		at := fmt.Sprintf("first_responder.checklist[%d]", i)
		ids[i] = it.ID
		c.id(at+".id", it.ID, "R1")
		c.text(at+".task", it.Task, "say what the responder does")
		c.enum(at+".done_by", it.DoneBy, arqir.ChecklistTriggers, "event that ticks the item")
		for j, s := range it.Severities {
			c.ref(fmt.Sprintf("%s.severities[%d]", at, j), s, c.severities, "severity", "severities")
		}
	}
	c.unique("first_responder.checklist", "id", ids, "checklist id")
}

func (c *checker) diagnostics() {
	ids := make([]string, len(c.p.Diagnostics.Groups))
	for i, g := range c.p.Diagnostics.Groups {
		at := fmt.Sprintf("diagnostics.groups[%d]", i)
		ids[i] = g.ID
		c.id(at+".id", g.ID, "G1")
		c.text(at+".title", g.Title, `add a title like "System Health Check"`)
		c.texts(at+".checks", g.Checks, "list what to check")
	}
	c.unique("diagnostics.groups", "id", ids, "group id")
}

func (c *checker) runbookList() {
	ids := make([]string, len(c.p.Runbooks)) // by position, unlike c.runbooks, so paths match
	for i, r := range c.p.Runbooks {
		at := fmt.Sprintf("runbooks[%d]", i)
		ids[i] = r.ID
		c.id(at+".id", r.ID, "memory_leak")
		c.clauses(at+".clause", r.Clause)
		c.text(at+".title", r.Title, `add a title like "Memory Leak / High Memory Usage"`)
		c.texts(at+".steps", r.Steps, "list the steps in order")
	}
	c.unique("runbooks", "id", ids, "runbook id")
}

func (c *checker) communication() {
	if !c.w.has("communication") {
		return
	}
	m := c.p.Communication
	c.channel("communication.channel", m.Channel, true)
	if at := "communication.initial_notification"; c.w.has(at) {
		n := m.InitialNotification
		c.clauses(at+".clause", n.Clause)
		c.notNegativeRequired(at+".within", n.Within, "5m")
		if c.w.has(at + ".channel") {
			c.channel(at+".channel", n.Channel, true)
		}
		c.include(at+".include", n.Include)
	}
	if at := "communication.status_updates"; c.w.has(at) {
		u := m.StatusUpdates
		c.clauses(at+".clause", u.Clause)
		c.positive(at+".every", u.Every, "15m")
		for j, s := range u.Severities {
			c.ref(fmt.Sprintf("%s.severities[%d]", at, j), s, c.severities, "severity", "severities")
		}
		c.include(at+".include", u.Include)
	}
	if at := "communication.resolution_notification"; c.w.has(at) {
		r := m.ResolutionNotification
		c.clauses(at+".clause", r.Clause)
		c.notNegativeRequired(at+".within", r.Within, "5m")
		c.include(at+".include", r.Include)
	}
}

func (c *checker) postIncident() {
	if at := "post_incident.rca"; c.w.has(at) {
		r := c.p.PostIncident.RCA
		c.clauses(at+".clause", r.Clause)
		c.positive(at+".meeting_within", r.MeetingWithin, "24h")
		c.notNegative(at+".remind_before", r.RemindBefore)
		if r.MeetingWithin > 0 && r.RemindBefore >= r.MeetingWithin {
			c.errf(at+".remind_before", "is %s, not less than meeting_within (%s): the reminder would go out as the incident resolves; use less, e.g. 2h, or 0s for no early reminder", r.RemindBefore.Human(), r.MeetingWithin.Human())
		}
		c.list(at+".sections", len(r.Sections), "list the RCA template sections in order, e.g. - {id: executive_summary, title: Executive Summary}")
		ids := make([]string, len(r.Sections))
		for i, s := range r.Sections {
			st := fmt.Sprintf("%s.sections[%d]", at, i)
			ids[i] = s.ID
			c.id(st+".id", s.ID, "executive_summary")
			c.text(st+".title", s.Title, `add the heading, e.g. title: Executive Summary`)
		}
		c.unique(at+".sections", "id", ids, "section id")
	}
	if at := "post_incident.action_items"; c.w.has(at) {
		a := c.p.PostIncident.ActionItems
		c.clauses(at+".clause", a.Clause)
		c.list(at+".categories", len(a.Categories), "list the action-item categories, e.g. - {id: prevention, title: Prevention, description: ...}")
		ids := make([]string, len(a.Categories))
		for i, k := range a.Categories {
			kt := fmt.Sprintf("%s.categories[%d]", at, i)
			ids[i] = k.ID
			c.id(kt+".id", k.ID, "prevention")
			c.text(kt+".title", k.Title, "add a title like Prevention")
			c.text(kt+".description", k.Description, "say what the category is for")
		}
		c.unique(at+".categories", "id", ids, "category id")
	}
}

func (c *checker) oncall() {
	o := c.p.Oncall
	ids := make([]string, len(o.Schedules))
	for i, s := range o.Schedules {
		at := fmt.Sprintf("oncall.schedules[%d]", i)
		ids[i] = s.ID
		c.id(at+".id", s.ID, "primary")
		c.clauses(at+".clause", s.Clause)
		c.text(at+".title", s.Title, `add a title like "Primary On-Call"`)
		c.text(at+".description", s.Description, `say when it covers, e.g. description: 7 days/week`)
		if c.w.has(at + ".layers") {
			c.layers(at, s)
			continue
		}
		if c.enum(at+".coverage", s.Coverage, Coverages, "coverage") {
			c.restriction(at, s)
		}
		c.rotation(at+".rotation", s.Rotation)
	}
	c.unique("oncall.schedules", "id", ids, "schedule id")

	if at := "oncall.availability"; c.w.has(at) {
		a := o.Availability
		c.clauses(at+".clause", a.Clause)
		c.positive(at+".respond_within", a.RespondWithin, "5m")
		c.positive(at+".acknowledge_page_within", a.AcknowledgePageWithin, "2m")
		c.notNegativeRequired(at+".join_calls_within", a.JoinCallsWithin, "5m")
	}
	for _, d := range []struct {
		at     string
		duties Duties
	}{{"oncall.handoff", o.Handoff}, {"oncall.post_shift", o.PostShift}} {
		if c.w.has(d.at) {
			c.clauses(d.at+".clause", d.duties.Clause)
			c.texts(d.at+".tasks", d.duties.Tasks, "list the tasks")
		}
	}
}

func (c *checker) restriction(at string, s Schedule) {
	rt := at + ".restriction"
	switch {
	case s.Coverage == CoverageAlways && c.w.has(rt):
		c.errf(rt, "does not apply to coverage: always; remove it, or set coverage: restricted")
		return
	case s.Coverage == CoverageAlways:
		return
	case !c.w.has(rt):
		c.missing(rt, "a restricted schedule needs restriction: {weekdays, from, to, zone}")
		return
	}
	c.window(rt, s.Restriction)
}

// layers checks a schedule written with layers: each layer's rotation and
// optional window, unique names, no schedule-wide rotation or window
// beside them, and a coverage that says what the layers do.
func (c *checker) layers(at string, s Schedule) {
	for _, key := range []string{"rotation", "restriction"} {
		if c.w.has(at + "." + key) {
			c.errf(at+"."+key, "does not apply to a schedule with layers: give each layer its own %s, or remove layers", key)
		}
	}
	c.list(at+".layers", len(s.Layers), `list at least one layer, e.g. - {name: weekly, rotation: {length: 1w, handoff: {weekday: Monday, time: "09:00", zone: America/New_York}}}`)
	names := make([]string, len(s.Layers))
	restricted := 0
	for i, l := range s.Layers {
		lt := fmt.Sprintf("%s.layers[%d]", at, i)
		names[i] = l.Name
		c.id(lt+".name", l.Name, "business-hours")
		c.rotation(lt+".rotation", l.Rotation)
		if l.Restricted {
			restricted++
			c.window(lt+".restriction", l.Restriction)
		}
	}
	c.unique(at+".layers", "name", names, "layer name")
	if !c.enum(at+".coverage", s.Coverage, Coverages, "coverage") || len(s.Layers) == 0 {
		return
	}
	switch {
	case s.Coverage == CoverageAlways && restricted == len(s.Layers):
		c.errf(at+".coverage", "is always, but every layer has a restriction, so some hours have nobody: add a layer without restriction, or set coverage: restricted")
	case s.Coverage == CoverageRestricted && restricted < len(s.Layers):
		c.errf(at+".coverage", "is restricted, but a layer has no restriction, so the schedule covers every hour: set coverage: always, or restrict every layer")
	}
}

// window checks a weekly window at rt.
func (c *checker) window(rt string, r Restriction) {
	c.list(rt+".weekdays", len(r.Weekdays), "list the covered days, e.g. weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday]")
	for i, d := range r.Weekdays {
		if slices.Index(r.Weekdays, d) < i {
			c.errf(fmt.Sprintf("%s.weekdays[%d]", rt, i), "%s is listed twice: list each day once", d)
		}
	}
	c.has(rt+".from", `add the start of the window, e.g. from: "09:00"`)
	c.has(rt+".to", `add the end of the window, e.g. to: "17:00"`)
	c.has(rt+".zone", "add the IANA zone, e.g. zone: America/New_York")
	if c.w.has(rt+".from") && c.w.has(rt+".to") && r.From == r.To {
		c.errf(rt+".to", "must differ from from (%s): the window would be empty; a to earlier than from ends the next day", r.From)
	}
}

func (c *checker) rotation(at string, r Rotation) {
	if !c.w.has(at) {
		c.missing(at, "add rotation: {length: 1w, handoff: {weekday: Monday, time: \"09:00\", zone: America/New_York}}")
		return
	}
	c.clauses(at+".clause", r.Clause)
	c.positive(at+".length", r.Length, "1w or 1d")
	ht := at + ".handoff"
	if !c.w.has(ht) {
		c.missing(ht, `add handoff: {weekday: Monday, time: "09:00", zone: America/New_York}`)
		return
	}
	weekly := r.Length > 0 && r.Length.Std()%Week == 0
	switch {
	case r.Handoff.HasWeekday && r.Length > 0 && !weekly:
		c.errf(ht+".weekday", "only rotations of whole weeks hand off on a weekday: remove weekday, or make length whole weeks like 1w (got %s)", r.Length)
	case !r.Handoff.HasWeekday && weekly:
		c.missing(ht+".weekday", "a weekly rotation needs the handoff day, e.g. weekday: Monday")
	}
	c.has(ht+".time", `add the handoff time, e.g. time: "09:00"`)
	c.has(ht+".zone", "add the IANA zone, e.g. zone: America/New_York")
}

func (c *checker) toolList() {
	ids := make([]string, len(c.p.Tools))
	roles := map[string]int{}
	for i, t := range c.p.Tools {
		at := fmt.Sprintf("tools[%d]", i)
		ids[i] = t.ID
		c.id(at+".id", t.ID, "pagerduty")
		c.clauses(at+".clause", t.Clause)
		c.text(at+".title", t.Title, "add the product name, e.g. title: PagerDuty")
		c.text(at+".purpose", t.Purpose, "say what it is used for")
		if t.Role == "" {
			continue
		}
		if c.enum(at+".role", t.Role, ToolRoles, "tool role") {
			if j, dup := roles[t.Role]; dup {
				c.errf(at+".role", "role %q is already taken by tools[%d] (%s): one tool per role", t.Role, j, c.p.Tools[j].ID)
			} else {
				roles[t.Role] = i
			}
		}
	}
	c.unique("tools", "id", ids, "tool id")
}

func (c *checker) contacts() {
	x := c.p.Contacts
	c.clauses("contacts.clause", x.Clause)
	seen := map[string]string{} // id → path, across people and groups: escalation names either
	claim := func(path, id string) {
		if id == "" {
			return
		}
		if first, dup := seen[id]; dup {
			c.errf(path, "duplicate contact id %q (first used at line %d): people and groups share one set of ids", id, c.line(first))
			return
		}
		seen[id] = path
	}
	for i, p := range x.People {
		at := fmt.Sprintf("contacts.people[%d]", i)
		c.id(at+".id", p.ID, "cto")
		claim(at+".id", p.ID)
		c.text(at+".title", p.Title, `add the role, e.g. title: CTO`)
		c.email(at+".email", p.Email)
		if p.Source != "" {
			sched, ok := strings.CutPrefix(p.Source, "schedule:")
			switch {
			case !ok:
				c.errf(at+".source", "must be schedule:<id> of a schedule under oncall.schedules, e.g. schedule:primary, got %q", p.Source)
			case !slices.Contains(c.schedules, sched):
				c.ref(at+".source", sched, c.schedules, "schedule", "oncall.schedules")
			case p.Name != "" || p.Email != "" || p.Phone != "":
				c.errf(at+".source", "whoever is on call fills this role, so name, email and phone must stay empty: remove them, or remove source")
			}
		}
	}
	for i, g := range x.Groups {
		at := fmt.Sprintf("contacts.groups[%d]", i)
		c.id(at+".id", g.ID, "executives")
		claim(at+".id", g.ID)
		c.text(at+".title", g.Title, `add the wording used in escalation, e.g. title: Executives`)
		for j, m := range g.Members {
			mt := fmt.Sprintf("%s.members[%d]", at, j)
			switch {
			case slices.Contains(c.people, m):
			case slices.Contains(c.groups, m):
				c.errf(mt, "%q is a group; groups list people only, so that escalation cannot loop: list its people instead", m)
			default:
				c.ref(mt, m, c.people, "person", "contacts.people")
			}
		}
	}
	c.email("contacts.escalation_email", x.EscalationEmail)
	if x.WarRoom != "" {
		u, err := url.Parse(x.WarRoom)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			c.errf("contacts.war_room", "must be a link like https://zoom.us/j/123, or empty until there is one, got %q", x.WarRoom)
		}
	}
	if c.w.has("contacts.incident_channel") {
		c.channel("contacts.incident_channel", x.IncidentChannel, false)
	}
}

func (c *checker) kpis() {
	ids := make([]string, len(c.p.KPIs))
	for i, k := range c.p.KPIs {
		at := fmt.Sprintf("kpis[%d]", i)
		ids[i] = k.ID
		known := c.enum(at+".id", k.ID, KPIIDs, "KPI")
		c.clauses(at+".clause", k.Clause)
		c.text(at+".title", k.Title, `add a label, e.g. title: MTTR (Mean Time to Repair)`)
		switch {
		case !c.w.has(at + ".comparison"):
			c.missing(at+".comparison", `add "<" (stay under the target) or ">" (stay over it)`)
		case k.Comparison != Below && k.Comparison != Above:
			c.errf(at+".comparison", `must be "<" (stay under the target) or ">" (stay over it), got %q`, k.Comparison)
		}
		tt := at + ".target"
		switch {
		case !c.w.has(tt):
			c.missing(tt, "add the goal, e.g. target: 30m or target: 80%")
		case !known:
		case kpiIsRate[k.ID] && !k.Target.IsPercent:
			c.errf(tt, "%s is a rate: the target must be a percentage like 80%%, got %q", k.ID, k.Target)
		case kpiIsRate[k.ID]:
			c.percent(tt, k.Target.Percent)
		case k.Target.IsPercent:
			c.errf(tt, "%s is a time: the target must be a duration like 30m or 30d, got %q", k.ID, k.Target)
		case k.Target.Duration <= 0:
			c.errf(tt, "must be a positive duration like 30m or 30d, got %q", k.Target)
		}
	}
	c.unique("kpis", "id", ids, "KPI")
}

func (c *checker) improvement() {
	im := c.p.Improvement
	for _, cd := range []struct {
		at string
		c  Cadence
	}{{"improvement.review", im.Review}, {"improvement.drills", im.Drills}} {
		if !c.w.has(cd.at) {
			continue
		}
		c.clauses(cd.at+".clause", cd.c.Clause)
		switch {
		case !c.w.has(cd.at + ".every"):
			c.missing(cd.at+".every", "add the cadence in months, e.g. every: 3mo (quarterly)")
		case cd.c.Every < 1:
			c.errf(cd.at+".every", "must be at least 1mo, got %s", cd.c.Every)
		}
	}
	ids := make([]string, len(im.Items))
	for i, it := range im.Items {
		at := fmt.Sprintf("improvement.items[%d]", i)
		ids[i] = it.ID
		c.id(at+".id", it.ID, "I3")
		c.text(at+".text", it.Text, "describe the practice")
	}
	c.unique("improvement.items", "id", ids, "item id")
}

func appendNonEmpty(list []string, s string) []string {
	if s == "" {
		return list
	}
	return append(list, s)
}
