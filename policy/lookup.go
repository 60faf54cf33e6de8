package policy

import "slices"

// Lookups by id for the packages that act on the policy (escalation, notify,
// on-call). References were checked at load, so a miss means a hand-built
// policy or a caller's typo.

// Severity returns the severity with the given name.
func (p *Policy) Severity(name string) (Severity, bool) {
	i := slices.IndexFunc(p.Severities, func(s Severity) bool { return s.Name == name })
	if i < 0 {
		return Severity{}, false
	}
	return p.Severities[i], true
}

// Runbook returns the runbook with the given id.
func (p *Policy) Runbook(id string) (Runbook, bool) {
	i := slices.IndexFunc(p.Runbooks, func(r Runbook) bool { return r.ID == id })
	if i < 0 {
		return Runbook{}, false
	}
	return p.Runbooks[i], true
}

// Schedule returns the on-call schedule with the given id.
func (p *Policy) Schedule(id string) (Schedule, bool) {
	i := slices.IndexFunc(p.Oncall.Schedules, func(s Schedule) bool { return s.ID == id })
	if i < 0 {
		return Schedule{}, false
	}
	return p.Oncall.Schedules[i], true
}

// ToolFor returns the tool playing the role (ToolRolePaging, ...).
func (p *Policy) ToolFor(role string) (Tool, bool) {
	i := slices.IndexFunc(p.Tools, func(t Tool) bool { return t.Role == role })
	if i < 0 {
		return Tool{}, false
	}
	return p.Tools[i], true
}

// Person returns the person with the given id.
func (c Contacts) Person(id string) (Person, bool) {
	i := slices.IndexFunc(c.People, func(x Person) bool { return x.ID == id })
	if i < 0 {
		return Person{}, false
	}
	return c.People[i], true
}

// Resolve expands an escalation contact into people: a person id gives that
// person, a group id gives its members (possibly none). ok is false when the
// id names neither.
func (c Contacts) Resolve(id string) (people []Person, ok bool) {
	if x, ok := c.Person(id); ok {
		return []Person{x}, true
	}
	i := slices.IndexFunc(c.Groups, func(g Group) bool { return g.ID == id })
	if i < 0 {
		return nil, false
	}
	for _, m := range c.Groups[i].Members {
		if x, ok := c.Person(m); ok {
			people = append(people, x)
		}
	}
	return people, true
}

// Title returns the wording of a person or group id, e.g. "VP Engineering".
func (c Contacts) Title(id string) string {
	if x, ok := c.Person(id); ok {
		return x.Title
	}
	for _, g := range c.Groups {
		if g.ID == id {
			return g.Title
		}
	}
	return id
}
