package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// Issue 6, "done when": resolving creates the RCA with the eight sections
// filled from the timeline, due 24 h later (P1, P2); the commander is
// reminded before it is due and told when it is overdue, which the clock
// flags; an action item with owner and due date (P3, P4) reminds its owner
// once it is overdue, once a day.
func TestP1_ResolvedIncidentGetsItsRCAOverdueIsFlaggedActionItemsRemind(t *testing.T) {
	p := newPager(t)
	p.staff()
	ctx := context.Background()
	inc := p.declare(p.Admin, "Checkout down", "SEV3")
	p.dispatch()
	p.out.expect("slack", contains("SEV3 declared"), "initial notice")
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "trigger" }, "PagerDuty trigger")
	p.takePage("1")
	if _, err := p.Admin.AssignRoles(ctx, inc.ID.String(), client.RolesRequest{Commander: ptr("ada")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Admin.Acknowledge(ctx, inc.ID.String()); err != nil {
		t.Fatal(err)
	}
	p.Clock.Advance(20 * time.Minute)
	resolved, err := p.Admin.Resolve(ctx, inc.ID.String(), client.ResolveRequest{RootCause: "a full disk on db-2", CustomerImpact: "checkout failed for 20 minutes"})
	if err != nil {
		t.Fatal(err)
	}
	p.dispatch()
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "acknowledge" }, "PagerDuty acknowledge")
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "resolve" }, "PagerDuty resolve")
	for p.takeIf("slack", func(o outbound) bool { return o.Update || o.Thread || strings.Contains(o.Text, "resolved") }) {
	}

	r, err := p.Admin.RCA(ctx, inc.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	if !r.DueAt.Equal(resolved.ResolvedAt.Add(24*time.Hour)) || r.State != arqir.RCADraft || len(r.Sections) != 8 {
		t.Fatalf("RCA due %s, %s, %d sections; want a draft due 24 h after resolution with the policy's 8 sections", r.DueAt, r.State, len(r.Sections))
	}
	body := map[string]string{}
	for _, s := range r.Sections {
		body[s.ID] = s.Body
	}
	if !strings.Contains(body["root_cause_analysis"], "a full disk on db-2") || !strings.Contains(body["incident_timeline"], "Acknowledged") || !strings.Contains(body["impact_assessment"], "checkout failed for 20 minutes") {
		t.Errorf("sections not filled from the incident: %q / %q / %q", body["root_cause_analysis"], body["incident_timeline"], body["impact_assessment"])
	}

	// Two hours before it is due, the commander is reminded.
	p.at(*resolved.ResolvedAt, 22*time.Hour)
	for _, ch := range []string{"slack", "email", "sms"} {
		p.out.expect(ch, contains("RCA"), "RCA reminder to the commander on "+ch)
	}
	p.out.none("after the RCA reminder")
	overdue := true
	if list, _ := p.Admin.RCAs(ctx, client.RCAListOptions{Overdue: &overdue}); len(list) != 0 {
		t.Fatal("the RCA is listed overdue before its deadline")
	}
	// At 24 hours it is overdue: flagged, and the commander and the
	// escalation list are told.
	p.at(*resolved.ResolvedAt, 24*time.Hour)
	if list, _ := p.Admin.RCAs(ctx, client.RCAListOptions{Overdue: &overdue}); len(list) != 1 || !list[0].Overdue {
		t.Fatalf("overdue RCAs at the deadline: %v", list)
	}
	p.out.expect("email", func(o outbound) bool { return o.To == "incidents@company.com" && strings.Contains(o.Text, "overdue") }, "overdue RCA to the escalation list")
	for p.takeIf("slack", contains("overdue")) || p.takeIf("email", contains("overdue")) || p.takeIf("sms", contains("overdue")) {
	}
	p.out.none("after the overdue notice")

	// An action item due tomorrow reminds its owner once it is overdue.
	due := p.Clock.Now().Add(24 * time.Hour).Format("2006-01-02")
	item, err := p.Admin.CreateActionItem(ctx, inc.ID.String(), client.ActionItemRequest{Category: "prevention", Title: "Alert on disk usage over 80%", Owner: "ada", DueOn: due})
	if err != nil {
		t.Fatal(err)
	}
	p.at(p.Clock.Now(), 24*time.Hour)
	p.out.none("on the due date")
	p.at(p.Clock.Now(), 24*time.Hour)
	for _, ch := range []string{"slack", "email", "sms"} {
		p.out.expect(ch, contains("Alert on disk usage over 80%"), "overdue action item reminder to its owner on "+ch)
	}
	p.at(p.Clock.Now(), time.Hour)
	p.out.none("a second reminder within a day")
	got, err := p.Admin.ActionItem(ctx, item.ID)
	if err != nil || !got.Overdue {
		t.Fatalf("action item %+v (%v): want overdue", got, err)
	}
}

// takeIf takes the first not yet taken message that matches, if any.
func (p *pager) takeIf(vendor string, match func(o outbound) bool) bool {
	for _, o := range p.out.all() {
		if !p.out.taken[o.id] && o.Vendor == vendor && match(o) {
			p.out.taken[o.id] = true
			return true
		}
	}
	return false
}
