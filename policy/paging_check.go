package policy

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/arqir/arqir"
)

// mentionRE is what a mention can be: Slack's here, channel or everyone, a
// user-group ID (S…) or a member ID (U… or W…), which is what Slack needs
// to notify anyone; a plain @name in a message notifies nobody.
var mentionRE = regexp.MustCompile(`^(here|channel|everyone|[SUW][A-Z0-9]{2,20})$`)

func (c *checker) paging() {
	if !c.w.has("paging") {
		return
	}
	g := c.p.Paging
	if c.w.has("paging.chain") {
		c.list("paging.chain", len(g.Chain), "list who is paged, step by step, e.g. - targets: [schedule:primary]; leave chain out to page each on-call schedule in turn")
		for i, s := range g.Chain {
			c.chainStep(fmt.Sprintf("paging.chain[%d]", i), s)
		}
		if len(g.Chain) > 1 && c.p.Oncall.Availability.AcknowledgePageWithin <= 0 {
			c.errf("paging.chain", "has %d steps but oncall.availability.acknowledge_page_within is not set: the next step is paged when a page goes unacknowledged that long; add it, e.g. 2m", len(g.Chain))
		}
	}
	if r := int(g.Repeat); r < 0 || r > MaxRepeat {
		c.errf("paging.repeat", "must be a whole number from 0 (page the chain once) to %d, got %d", MaxRepeat, r)
	}
	if c.w.has("paging.stale_after") {
		c.positive("paging.stale_after", g.StaleAfter, "30m")
	}
	c.notNegative("paging.update_grace", g.UpdateGrace)
	if c.w.has("paging.business_hours") {
		c.window("paging.business_hours", g.BusinessHours)
	}
	for i, s := range g.Stakeholders {
		c.stakeholder(fmt.Sprintf("paging.stakeholders[%d]", i), s)
	}
	c.mentions("paging.mentions", g.Mentions)
	if g.BaseURL != "" {
		u, err := url.Parse(g.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			c.errf("paging.base_url", "must be where people open arqir, like https://arqir.example.com (no query, fragment or password), got %q", g.BaseURL)
		}
	}
}

func (c *checker) chainStep(at string, s ChainStep) {
	c.list(at+".targets", len(s.Targets), "list who this step pages, e.g. targets: [schedule:primary] or [engineering_lead]")
	for j, t := range s.Targets {
		tt := fmt.Sprintf("%s.targets[%d]", at, j)
		if k := slices.Index(s.Targets, t); k < j {
			c.errf(tt, "%q is listed twice in this step: list each target once", t)
			continue
		}
		c.target(tt, t)
	}
	wt := at + ".window"
	switch {
	case s.Window == "" || s.Window == WindowBusinessHours:
	case !slices.Contains(c.schedules, s.Window):
		if sug := suggest(s.Window, append([]string{WindowBusinessHours}, c.schedules...)); sug != "" {
			c.errf(wt, "unknown window %q; did you mean %q?", s.Window, sug)
		} else {
			c.errf(wt, "unknown window %q: use business_hours or the id of a restricted schedule under oncall.schedules (%s)", s.Window, strings.Join(c.schedules, ", "))
		}
		return
	}
	if _, _, why := c.p.stepWindow(s); why != "" {
		path := at
		if s.Window != "" {
			path = wt
		}
		c.errf(path, "%s", why)
	}
}

// target checks one chain target: a contact or "schedule:<id>".
func (c *checker) target(path, t string) {
	if id, ok := strings.CutPrefix(t, schedulePrefix); ok {
		c.ref(path, id, c.schedules, "schedule", "oncall.schedules")
		return
	}
	if t == "" {
		c.missing(path, "name a contact id or schedule:<id>, e.g. schedule:primary")
		return
	}
	c.ref(path, t, slices.Concat(c.people, c.groups), "contact", "contacts.people or contacts.groups, or write schedule:<id>")
}

func (c *checker) stakeholder(at string, s Stakeholder) {
	if s.Contact == "" {
		c.missing(at+".contact", "name a person or group id from contacts, e.g. contact: customer_success_director")
	} else {
		c.ref(at+".contact", s.Contact, slices.Concat(c.people, c.groups), "contact", "contacts.people or contacts.groups")
	}
	for j, sev := range s.Severities {
		c.ref(fmt.Sprintf("%s.severities[%d]", at, j), sev, c.severities, "severity", "severities")
	}
	for j, svc := range s.Services {
		c.serviceName(fmt.Sprintf("%s.services[%d]", at, j), svc)
	}
}

func (c *checker) mentions(path string, m Mentions) {
	for k, line := range m.lines {
		c.w.lines[path+"."+k] = line
	}
	for _, k := range m.sortedKeys() {
		kt := path + "." + k
		if k != MentionAll {
			c.serviceName(kt, k)
		}
		for j, who := range m.Values[k] {
			if !mentionRE.MatchString(who) {
				c.errf(kt, `mention %d is %q: use here, channel, everyone, a Slack user-group ID like S0123ABCD or a member ID like U024BE7LH (a plain @name notifies nobody)`, j+1, who)
				break
			}
		}
	}
}

// serviceName requires the form incidents give their services.
func (c *checker) serviceName(path, s string) {
	if s == "" || strings.TrimSpace(s) != s || len(s) > arqir.MaxNameLen {
		c.errf(path, "must be a service name of at most %d characters without surrounding spaces, got %q", arqir.MaxNameLen, s)
	}
}
