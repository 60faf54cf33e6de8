package storetest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// postIncidentTests are the groups of issue 6 (RCAs, action items, KPIs);
// Run runs them with the others.
var postIncidentTests = concat(rcaTests, rcaMeetingTests, actionItemTests, actionItemSweepTests, kpiTests)

// rcaSections are the eight sections of the ARQ RCA template (P2).
var rcaSections = []arqir.RCASectionRule{
	{ID: "executive_summary", Title: "Executive Summary"},
	{ID: "incident_timeline", Title: "Incident Timeline"},
	{ID: "root_cause_analysis", Title: "Root Cause Analysis"},
	{ID: "contributing_factors", Title: "Contributing Factors"},
	{ID: "impact_assessment", Title: "Impact Assessment"},
	{ID: "corrective_actions", Title: "Corrective Actions"},
	{ID: "prevention_strategies", Title: "Prevention Strategies"},
	{ID: "action_item_owners", Title: "Action Item Owners & Due Dates"},
}

// PostIncidentRules returns AlertRules (so alerts open and auto-resolve
// incidents) with the communication cadence of PagingRules and the
// post-incident rules of the ARQ procedures: the RCA meeting within 24 h
// of resolution (P1) with the eight-section template (P2), the four
// action-item categories (P3), owners and due dates required (P4), and
// two runbooks action items may update (I6).
func PostIncidentRules(revision int) arqir.Rules {
	r := AlertRules(revision)
	r.Paging = PagingRules(revision).Paging
	r.PostIncident = arqir.PostIncidentRules{
		RCAWithin:         24 * time.Hour,
		RCAReminderBefore: 2 * time.Hour,
		RCASections:       rcaSections,
		Categories: []arqir.ActionCategoryRule{
			{ID: "prevention", Title: "Prevention", Description: "Stop this from happening again"},
			{ID: "detection", Title: "Detection", Description: "Catch issues faster"},
			{ID: "response", Title: "Response", Description: "Resolve issues quicker"},
			{ID: "documentation", Title: "Documentation", Description: "Improve runbooks"},
		},
		RequireOwner: true, RequireDueDate: true,
		Runbooks: []string{"memory_leak", "database_degradation"},
	}
	return r
}

// postIncident installs PostIncidentRules and creates the people of the
// post-incident tests: ada and bob with e-mail addresses, carol without.
func (e *env) postIncident() *env {
	e.t.Helper()
	e.st.SetRules(PostIncidentRules(e.policy.Revision))
	for _, u := range []arqir.UserInput{
		{Handle: "ada", Name: "Ada Lovelace", Email: "ada@example.com"},
		{Handle: "bob", Name: "Bob Kahn", Email: "bob@example.com"},
		{Handle: "carol", Name: "Carol Shaw"},
	} {
		if _, err := e.st.CreateUser(e.ctx, u, alice); err != nil {
			e.t.Fatalf("create user %s: %v", u.Handle, err)
		}
	}
	return e
}

// resolve resolves an incident, failing the test on error.
func (e *env) resolve(id arqir.IncidentID) *arqir.Incident {
	e.t.Helper()
	return e.must(e.st.Resolve(e.ctx, id, arqir.Resolution{RootCause: "a bad deploy", CustomerImpact: "checkouts failed"}, as))
}

// rca reads an incident's RCA, failing the test on error.
func (e *env) rca(id arqir.IncidentID) *arqir.RCA {
	e.t.Helper()
	r, err := e.st.RCA(e.ctx, id)
	if err != nil {
		e.t.Fatalf("read the RCA of %s: %v", id, err)
	}
	return r
}

// mustRCA fails the test when an RCA change returned an error, and checks
// that what it returned is what the store reads back.
func (e *env) mustRCA(r *arqir.RCA, err error) *arqir.RCA {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("unexpected error: %v", err)
	}
	equal(e.t, "the RCA read back", e.rca(r.IncidentID), r)
	return r
}

// rcaUnchanged checks that an RCA, its incident and the timeline are as in
// before: a refused RCA change changes nothing.
func (e *env) rcaUnchanged(before *arqir.RCA, inc snapshot) {
	e.t.Helper()
	equal(e.t, "the RCA after a refused change", e.rca(before.IncidentID), before)
	e.unchanged(inc)
}

// drafter is an RCA drafter that records what it was given and fills each
// section with a line naming the call, so tests see which draft a section
// comes from.
type drafter struct {
	mu    sync.Mutex
	calls []draftCall
}

// draftCall is what one drafting saw.
type draftCall struct {
	inc      *arqir.Incident
	timeline []string // event kinds
	alerts   []string // dedup keys
}

func (d *drafter) draft(inc *arqir.Incident, timeline []arqir.TimelineEvent, alerts []*arqir.Alert, rules arqir.PostIncidentRules) []arqir.RCASection {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := draftCall{inc: copyIncident(inc), timeline: kinds(timeline), alerts: []string{}}
	for _, a := range alerts {
		c.alerts = append(c.alerts, a.DedupKey)
	}
	d.calls = append(d.calls, c)
	out := make([]arqir.RCASection, len(rules.RCASections))
	for i, s := range rules.RCASections {
		out[i] = arqir.RCASection{ID: s.ID, Title: s.Title,
			Body: fmt.Sprintf("draft %d of %s: %s, root cause %q, alerts %s", len(d.calls), s.ID, inc.Status, inc.RootCause, strings.Join(c.alerts, ","))}
	}
	return out
}

// take returns the calls so far and forgets them.
func (d *drafter) take() []draftCall {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.calls
	d.calls = nil
	return out
}

// sectionIDs lists the ids of sections, in order.
func sectionIDs(sections []arqir.RCASection) []string {
	out := make([]string, len(sections))
	for i, s := range sections {
		out[i] = s.ID
	}
	return out
}

// day is a UTC time on a day of March 2025, the month the post-incident
// data sets live in.
func day(d, hour, minute int) time.Time { return time.Date(2025, 3, d, hour, minute, 0, 0, time.UTC) }
