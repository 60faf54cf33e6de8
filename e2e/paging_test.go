package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// isPage matches a page of the step (the message says "Step: N of …").
func isPage(step string) func(o outbound) bool {
	return contains("page:", "Step: "+step+" of")
}

// takePage expects the page of a step on each of ada's channels.
func (p *pager) takePage(step string) {
	p.t.Helper()
	p.out.expect("slack", func(o outbound) bool { return o.To == "U0ONCALL1" && isPage(step)(o) }, "step "+step+" page to ada on Slack")
	p.out.expect("email", func(o outbound) bool { return o.To == "ada@example.com" && isPage(step)(o) }, "step "+step+" page to ada by e-mail")
	p.out.expect("sms", func(o outbound) bool {
		return strings.Contains(o.To, "/page/") && strings.Contains(o.Text, "Step: "+step+" of")
	}, "step "+step+" page to ada by SMS")
}

// takeOpening expects what every new SEV1/SEV2 incident sends at once: the
// initial notice (C1), the PagerDuty trigger (R4), the Zoom bridge (R5) and
// the channel message updated with its link, the step 1 page to the
// primary (O4), and the stakeholder notice (R7). The severity's
// escalation targets are left to the test.
func (p *pager) takeOpening(inc *arqir.Incident) {
	p.t.Helper()
	p.out.expect("slack", func(o outbound) bool {
		return o.To == "#incidents" && !o.Update && !o.Thread && strings.Contains(o.Text, inc.Severity+" declared: "+inc.Title)
	}, "initial notice in #incidents (C1)")
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "trigger" && o.To == inc.ID.String() }, "PagerDuty trigger with dedup_key = incident ID (R4)")
	p.out.expect("zoom", contains(inc.ID.String()), "Zoom war room (R5)")
	p.out.expect("slack", func(o outbound) bool { return o.Update && strings.Contains(o.Text, "War room") }, "the #incidents message updated with the war-room link")
	p.takePage("1")
	p.out.expect("email", func(o outbound) bool { return o.To == "csd@example.com" && strings.Contains(o.Text, "declared") }, "stakeholder notice to the Customer Success Director (R7)")
}

// alertSev2 sends the D3 request-error-rate alert, which opens a SEV2.
func (p *pager) alertSev2() *arqir.Incident {
	p.t.Helper()
	am := p.integration(arqir.KindAlertmanager, "checkout")
	body := fixture(p.t, "alertmanager", "alertmanager-v4.json")
	body = replace(p.t, body, `"alertname": "HighCPU", "instance"`, `"alertname": "RequestErrorRate", "service": "payments", "instance"`)
	p.bearer(am, "/ingest/alertmanager", body).want(p.t, 200)
	return p.only()
}

// takeSev2Escalation expects the SEV2 escalation (S2): VP Engineering and
// the on-call team (the on-call lead: ada, who is primary).
func (p *pager) takeSev2Escalation() {
	p.t.Helper()
	p.out.expect("email", func(o outbound) bool { return o.To == "vp@example.com" && strings.Contains(o.Text, "SEV2 escalation") }, "VP Engineering told of the SEV2 (S2)")
	p.out.expect("email", func(o outbound) bool { return o.To == "ada@example.com" && strings.Contains(o.Text, "SEV2 escalation") }, "on-call team told of the SEV2 (S2)")
	p.out.expect("slack", func(o outbound) bool { return o.To == "U0ONCALL1" && strings.Contains(o.Text, "SEV2 escalation") }, "on-call team on Slack")
	p.out.expect("sms", contains("SEV2 escalation"), "on-call team by SMS")
}

// The "done when": an alert from the detection path pages the
// on-call primary through the fakes, escalates when not acknowledged,
// creates the Zoom bridge for a SEV2, posts the initial notice, and every
// step is on the timeline. At 03:00 in New York the secondary (business
// hours only, O2) is skipped and the engineering lead has nobody, so step 4
// (the chain's second round) pages the primary again — two minutes after
// step 1, not a second earlier (O4).
func TestO4_UnacknowledgedPageEscalatesAfterTwoMinutesNotBefore(t *testing.T) {
	p := newPager(t)
	p.staff()
	inc := p.alertSev2()
	if inc.Severity != "SEV2" {
		t.Fatalf("the D3 alert opened %s", inc.Severity)
	}
	p.dispatch()
	p.takeOpening(inc)
	p.takeSev2Escalation()
	p.out.none("after the opening burst")

	declared := inc.DeclaredAt
	p.at(declared, 2*time.Minute-time.Second)
	p.out.none("1s before the page acknowledgement deadline")

	p.at(declared, 2*time.Minute)
	p.takePage("4")
	p.out.none("after step 4")
	if !p.hasEvent(inc.ID, arqir.EventEscalated, "step 4") {
		t.Errorf("no escalation event for step 4 on the timeline: %v", kinds(p.timeline(inc.ID)))
	}
	if !p.hasEvent(inc.ID, arqir.EventDeadlineBreached, "step 1 page was not acknowledged") {
		t.Error("the missed page acknowledgement is not on the timeline")
	}
	got := p.incident(inc.ID)
	if got.Refs[arqir.RefWarRoomURL] == "" || got.Refs[arqir.RefPagerDutyDedupKey] != inc.ID.String() {
		t.Errorf("incident refs %v: want the Zoom link and the PagerDuty dedup key", got.Refs)
	}
}

// R1, delivery contract 5: acknowledging with the Slack button stops every
// later page within one scheduler tick; PagerDuty and the channel follow.
func TestR1_AcknowledgeInSlackStopsEveryLaterPage(t *testing.T) {
	p := newPager(t)
	p.staff()
	inc := p.alertSev2()
	p.dispatch()
	p.takeOpening(inc)
	p.takeSev2Escalation()

	p.Clock.Advance(70 * time.Second)
	p.slackButton("arqir_ack", inc.ID.String(), fakeSlackMember).want(t, 200)
	p.dispatch()
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "acknowledge" && o.To == inc.ID.String() }, "PagerDuty acknowledge (R4)")
	p.out.expect("slack", func(o outbound) bool { return o.Update && strings.Contains(o.Text, "Acknowledged by") }, "the #incidents message shows who acknowledged")
	p.out.expect("slack", func(o outbound) bool { return o.Thread && strings.Contains(o.Text, "Acknowledged by") }, "a thread reply says who acknowledged")

	for _, d := range []time.Duration{2 * time.Minute, 4 * time.Minute, 10 * time.Minute} {
		p.at(inc.DeclaredAt, d)
	}
	p.out.none("after the acknowledgement")
	got := p.incident(inc.ID)
	if got.AcknowledgedAt == nil || got.AcknowledgedBy != "ada" {
		t.Errorf("acknowledged by %q at %v; want ada, the arqir user of the Slack member", got.AcknowledgedBy, got.AcknowledgedAt)
	}
	for _, e := range p.timeline(inc.ID) {
		if e.Kind == arqir.EventAcknowledged && e.Source != arqir.SourceSlack {
			t.Errorf("acknowledged through %q, want slack", e.Source)
		}
	}
	for _, c := range got.Checklist {
		if c.ID == "R1" && !c.Done {
			t.Error("R1 (acknowledge in Slack) is not ticked")
		}
	}
}

// S1: a SEV1 notifies the executives at once and opens the Zoom bridge (R5).
func TestS1_Sev1PagesPrimaryNotifiesExecutivesAndOpensTheBridge(t *testing.T) {
	p := newPager(t)
	p.staff()
	inc := p.declare(p.Admin, "Checkout down", "SEV1")
	p.dispatch()
	p.takeOpening(inc)
	for _, who := range []string{"cto@example.com", "vp@example.com"} {
		p.out.expect("email", func(o outbound) bool { return o.To == who && strings.Contains(o.Text, "SEV1 escalation") }, "immediate executive notification to "+who+" (S1)")
	}
	p.out.none("after the SEV1 opening")
	if !strings.HasPrefix(p.incident(inc.ID).Refs[arqir.RefWarRoomURL], "http") {
		t.Error("the SEV1 has no war-room link")
	}
}

// S4: a SEV4 declared at night is announced in the channel but pages
// nobody until business hours (page_at_night: false), then pages the primary.
func TestS4_Sev4WaitsForBusinessHoursToPage(t *testing.T) {
	p := newPager(t)
	p.staff()
	inc := p.declare(p.Admin, "Typo on the pricing page", "SEV4")
	p.dispatch()
	p.out.expect("slack", contains("SEV4 declared"), "initial notice (C1)")
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "trigger" }, "PagerDuty trigger (R4)")
	p.out.none("a SEV4 at 03:00 New York")

	// Its 2-hour response target (S4) passes at 05:00 unacknowledged: that
	// is said in the channel and to the escalation list, and pages nobody.
	p.at(inc.DeclaredAt, 2*time.Hour)
	p.out.expect("slack", func(o outbound) bool { return o.Thread && strings.Contains(o.Text, "not acknowledged in time") }, "the missed response target in the thread")
	p.out.expect("email", func(o outbound) bool {
		return o.To == "incidents@company.com" && strings.Contains(o.Text, "not acknowledged in time")
	}, "the missed response target to the escalation list")
	// 09:00 in New York is 14:00 UTC on 2026-11-30.
	nine := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	p.at(nine.Add(-time.Second), 0)
	p.out.none("a second before business hours")
	p.at(nine, 0)
	p.takePage("1")
	// The development team (S4) has no members in the default policy: the
	// timeline says so instead of pretending someone was told.
	if !timelineMentions(p, inc.ID, "Development team has nobody") {
		t.Errorf("the timeline does not say the development team has nobody: %v", kinds(p.timeline(inc.ID)))
	}
	p.out.none("at 09:00")
}

// C1: the initial notice's delivery is recorded against its 5-minute deadline.
func TestC1_InitialNoticeDeliveryIsRecordedAgainstItsDeadline(t *testing.T) {
	p := newPager(t)
	inc := p.declare(p.Admin, "Search slow", "SEV3")
	p.Clock.Advance(40 * time.Second)
	p.dispatch()
	p.out.expect("slack", func(o outbound) bool { return o.To == "#incidents" && strings.Contains(o.Text, "SEV3 declared") }, "initial notice")
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "trigger" }, "PagerDuty trigger")
	var notice *arqir.Deadline
	for _, d := range p.incident(inc.ID).Deadlines {
		if d.Kind == arqir.DeadlineInitialNotice {
			notice = &d
		}
	}
	if notice == nil || notice.MetAt == nil || !notice.MetAt.Equal(inc.DeclaredAt.Add(40*time.Second)) || !notice.DueAt.Equal(inc.DeclaredAt.Add(5*time.Minute)) {
		t.Fatalf("initial notice deadline %+v: want due +5m, met at delivery (+40s)", notice)
	}
}

// C2: a SEV2 needs a status update every 15 minutes. The reminder goes to
// the commander at 15 minutes, not 14; after the grace it escalates; a
// posted update goes to the thread and the stakeholders and re-arms the
// cadence from the update.
func TestC2_Sev2UpdateReminderAt15MinutesNot14(t *testing.T) {
	p := newPager(t)
	p.staff()
	inc := p.alertSev2()
	p.dispatch()
	p.takeOpening(inc)
	p.takeSev2Escalation()
	ctx := context.Background()
	if _, err := p.Admin.Acknowledge(ctx, inc.ID.String()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Admin.AssignRoles(ctx, inc.ID.String(), client.RolesRequest{Commander: ptr("ada")}); err != nil {
		t.Fatal(err)
	}
	p.dispatch()
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "acknowledge" }, "PagerDuty acknowledge")
	for range 2 {
		p.out.expect("slack", func(o outbound) bool { return o.Update || o.Thread }, "channel follows the acknowledgement")
	}
	p.out.none("after the acknowledgement")

	p.at(inc.DeclaredAt, 14*time.Minute)
	p.out.none("at 14 minutes")
	p.at(inc.DeclaredAt, 15*time.Minute)
	p.out.expect("slack", func(o outbound) bool { return o.To == "U0ONCALL1" && strings.Contains(o.Text, "Status update overdue") }, "reminder to the commander on Slack")
	p.out.expect("email", func(o outbound) bool {
		return o.To == "ada@example.com" && strings.Contains(o.Text, "Status update overdue")
	}, "reminder to the commander by e-mail")
	p.out.expect("sms", contains("Status update overdue"), "reminder to the commander by SMS")
	p.out.expect("slack", func(o outbound) bool { return o.Thread && strings.Contains(o.Text, "update") }, "reminder in the incident thread")
	p.out.none("after the reminder")

	p.at(inc.DeclaredAt, 20*time.Minute)
	p.out.expect("email", func(o outbound) bool {
		return o.To == "incidents@company.com" && strings.Contains(o.Text, "Still no status update")
	}, "the reminder escalates to the escalation list after the grace")
	for _, ch := range []string{"slack", "email", "sms"} {
		p.out.expect(ch, contains("Still no status update"), "the reminder escalates to the on-call lead on "+ch)
	}
	p.out.none("after the escalated reminder")

	if _, err := p.Admin.PostUpdate(ctx, inc.ID.String(), client.UpdateRequest{Status: "IDENTIFIED", Investigating: "primary database failover", Findings: "replica lag 40s", ETA: "10 minutes"}); err != nil {
		t.Fatal(err)
	}
	p.dispatch()
	p.out.expect("slack", func(o outbound) bool { return o.Thread && strings.Contains(o.Text, "replica lag 40s") }, "the update in the incident thread (C2)")
	p.out.expect("slack", func(o outbound) bool { return o.Update && strings.Contains(o.Text, "IDENTIFIED") }, "the channel message shows the new status")
	p.out.expect("email", func(o outbound) bool { return o.To == "csd@example.com" && strings.Contains(o.Text, "replica lag 40s") }, "stakeholders get the update (R7)")
	p.out.none("after the update")

	p.at(inc.DeclaredAt, 20*time.Minute+14*time.Minute)
	p.out.none("14 minutes after the update")
	p.at(inc.DeclaredAt, 20*time.Minute+15*time.Minute)
	p.out.expect("slack", func(o outbound) bool { return o.To == "U0ONCALL1" && strings.Contains(o.Text, "Status update overdue") }, "the next reminder 15 minutes after the update")
	p.out.expect("email", contains("Status update overdue"), "e-mail")
	p.out.expect("sms", contains("Status update overdue"), "sms")
	p.out.expect("slack", func(o outbound) bool { return o.Thread }, "thread")
}

// C3: resolving posts the resolution notice at once with the root cause,
// the outage duration and the customer impact; PagerDuty resolves and the
// stakeholders hear; nothing is paged afterwards.
func TestC3_ResolutionNoticeImmediatelyWithDuration(t *testing.T) {
	p := newPager(t)
	p.staff()
	inc := p.alertSev2()
	p.dispatch()
	p.takeOpening(inc)
	p.takeSev2Escalation()
	p.Clock.Advance(95 * time.Second)
	if _, err := p.Admin.Resolve(context.Background(), inc.ID.String(), client.ResolveRequest{RootCause: "a bad deploy of the payments service", CustomerImpact: "2% of checkouts failed"}); err != nil {
		t.Fatal(err)
	}
	p.dispatch()
	res := p.out.expect("slack", func(o outbound) bool {
		return o.To == "#incidents" && !o.Update && !o.Thread && strings.Contains(o.Text, "SEV2 resolved")
	}, "resolution notice in #incidents (C3)")
	for _, want := range []string{"Root cause", "a bad deploy of the payments service", "Duration", "Customer impact", "2% of checkouts failed", "Service restored"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("resolution notice lacks %q: %s", want, res.Text)
		}
	}
	p.out.expect("slack", func(o outbound) bool { return o.Update && strings.Contains(o.Text, "RESOLVED") }, "the channel message shows RESOLVED")
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "resolve" && o.To == inc.ID.String() }, "PagerDuty resolve")
	p.out.expect("email", func(o outbound) bool { return o.To == "csd@example.com" && strings.Contains(o.Text, "resolved") }, "stakeholders hear of the resolution")
	p.at(inc.DeclaredAt, time.Hour)
	p.out.none("after the resolution")
}

// X1: when nobody acknowledges after every round of the chain, the
// escalation e-mail list is told, once, and paging stops.
func TestX1_EscalationEmailWhenNobodyAcknowledges(t *testing.T) {
	p := newPager(t)
	p.staff()
	inc := p.alertSev2()
	p.dispatch()
	p.takeOpening(inc)
	p.takeSev2Escalation()
	p.at(inc.DeclaredAt, 2*time.Minute)
	p.takePage("4")
	p.at(inc.DeclaredAt, 4*time.Minute)
	p.takePage("7")
	p.at(inc.DeclaredAt, 6*time.Minute)
	p.out.expect("email", func(o outbound) bool {
		return o.To == "incidents@company.com" && strings.Contains(o.Text, "Nobody acknowledged")
	}, "escalation e-mail (X1)")
	p.at(inc.DeclaredAt, 14*time.Minute)
	p.out.none("after the chain is exhausted")
}

// timelineMentions reports whether any timeline event's message contains text.
func timelineMentions(p *pager, id arqir.IncidentID, text string) bool {
	for _, e := range p.timeline(id) {
		if strings.Contains(e.Message, text) {
			return true
		}
	}
	return false
}
