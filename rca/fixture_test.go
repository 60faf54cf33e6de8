package rca_test

import (
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/policy"
)

// rules are the ARQ procedures' rules: the default policy.
func rules() arqir.Rules { return policy.Default().Rules(1) }

// minute returns 10 March 2025 14:00 UTC plus m minutes.
func minute(m float64) time.Time {
	return time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC).Add(time.Duration(m * float64(time.Minute)))
}

// fixture is a SEV2 checkout incident played through the root's life
// cycle as the store would: an alert declares it, step 2 of the chain is
// paged, bob acknowledges, it is raised to SEV1, identified, updated,
// mitigated by a rollback and resolved.
type fixture struct {
	inc      *arqir.Incident
	timeline []arqir.TimelineEvent
	alerts   []*arqir.Alert
}

func checkoutIncident(t *testing.T, title, rootCause, impact string) fixture {
	t.Helper()
	r := rules()
	impactAt, detectedAt := minute(2), minute(5.5)
	am := arqir.Actor{Name: "alertmanager:prod", Source: arqir.SourceAPI}
	inc, events, err := arqir.NewIncident(arqir.Declaration{
		Title: title, Summary: "Checkout returns 502 for card payments.", Severity: "SEV2", Services: []string{"checkout", "payments"},
		Detection:       arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager:prod"},
		ImpactStartedAt: &impactAt, DetectedAt: &detectedAt, Commander: "ada",
	}, r, am, minute(6))
	if err != nil {
		t.Fatal(err)
	}
	inc.ID = 42
	f := fixture{inc: inc, timeline: stamp(inc.ID, events)}
	step := func(now time.Time, fn func() ([]arqir.TimelineEvent, error)) {
		t.Helper()
		evs, err := fn()
		if err != nil {
			t.Fatalf("at %s: %v", now, err)
		}
		f.timeline = append(f.timeline, stamp(inc.ID, evs)...)
	}
	bob := arqir.Actor{Name: "bob", Source: arqir.SourceSlack}
	ada := arqir.Actor{Name: "ada", Source: arqir.SourceCLI}
	// What the planner records on the timeline as it pages.
	f.timeline = append(f.timeline,
		arqir.TimelineEvent{IncidentID: 42, At: minute(6), Kind: arqir.EventNotificationQueued, Actor: "system", Source: arqir.SourceSystem,
			Message: "Queued page (step 1) to Primary On-Call"},
		arqir.TimelineEvent{IncidentID: 42, At: minute(8), Kind: arqir.EventDeadlineBreached, Actor: "system", Source: arqir.SourceSystem,
			Message: "Deadline breached: the step 1 page was not acknowledged by 2025-03-10T14:08:00Z", Data: map[string]string{"deadline": arqir.DeadlinePageAck}},
		arqir.TimelineEvent{IncidentID: 42, At: minute(8), Kind: arqir.EventEscalated, Actor: "system", Source: arqir.SourceSystem,
			Message: "Escalated to step 2: Secondary On-Call", Data: map[string]string{"step": "2", "round": "0", "targets": "schedule:secondary"}},
		arqir.TimelineEvent{IncidentID: 42, At: minute(8), Kind: arqir.EventEscalated, Actor: "system", Source: arqir.SourceSystem,
			Message: "Development Team has nobody: assign someone", Data: map[string]string{"group": "development_team"}},
	)
	step(minute(9), func() ([]arqir.TimelineEvent, error) { return inc.Acknowledge(bob, minute(9)) })
	step(minute(12), func() ([]arqir.TimelineEvent, error) {
		return inc.ChangeSeverity(r, "SEV1", "every card payment fails", bob, minute(12))
	})
	step(minute(14), func() ([]arqir.TimelineEvent, error) {
		return inc.AddNote("checking the gateway dashboards", bob, minute(14))
	})
	step(minute(20), func() ([]arqir.TimelineEvent, error) {
		return inc.ChangeStatus(arqir.StatusIdentified, "payment-gateway 2.14 rejects the new TLS chain", ada, minute(20))
	})
	step(minute(25), func() ([]arqir.TimelineEvent, error) {
		return inc.PostUpdate(r, arqir.StatusUpdate{Investigating: "rollback of payment-gateway", Findings: "2.14 broke TLS to the card processor", ETA: "15 minutes"}, ada, minute(25))
	})
	step(minute(38), func() ([]arqir.TimelineEvent, error) {
		return inc.ChangeStatus(arqir.StatusMonitoring, "rolled back to 2.13", ada, minute(38))
	})
	step(minute(55), func() ([]arqir.TimelineEvent, error) {
		return inc.Resolve(arqir.Resolution{RootCause: rootCause, CustomerImpact: impact}, ada, minute(55))
	})
	resolved := minute(30)
	f.alerts = []*arqir.Alert{
		{ID: 8, Source: "alertmanager", DedupKey: "fp-latency", Status: arqir.AlertFiring, Summary: "p95 latency of payments over 2s",
			Labels: map[string]string{"alertname": "PaymentsLatencyHigh"}, Service: "payments", Severity: "SEV2",
			StartedAt: minute(4), ReceivedAt: minute(5.5), LastSeenAt: minute(50), Count: 1},
		{ID: 7, Source: "alertmanager", DedupKey: "fp-errors", Status: arqir.AlertResolved, Summary: "5xx rate of checkout over 5%",
			Labels: map[string]string{"alertname": "CheckoutErrorRate"}, Service: "checkout", Severity: "SEV2",
			StartedAt: minute(3), ReceivedAt: minute(5.5), LastSeenAt: minute(28), ResolvedAt: &resolved, Count: 3},
	}
	return f
}

// stamp gives events their incident, as the store does.
func stamp(id arqir.IncidentID, evs []arqir.TimelineEvent) []arqir.TimelineEvent {
	for i := range evs {
		evs[i].IncidentID = id
	}
	return evs
}

// reviewedRCA is the fixture's RCA in review: drafted at resolution, one
// section rewritten by people, the meeting held, feedback given.
func reviewedRCA(t *testing.T, f fixture) *arqir.RCA {
	t.Helper()
	pi := rules().PostIncident
	sections := rcaDraft(f, pi)
	edited := minute(60 * 20)
	for i := range sections {
		if sections[i].ID == "contributing_factors" {
			sections[i].Body = "- The TLS chain change was not in the release notes.\n- No alert on the card processor's handshake errors.\n- The canary took **no card payments**, so it stayed green."
			sections[i].EditedBy, sections[i].EditedAt = "ada", &edited
		}
	}
	due := f.inc.ResolvedAt.Add(pi.RCAWithin)
	meeting, held := minute(60*20), minute(60*20+50)
	return &arqir.RCA{
		IncidentID: f.inc.ID, State: arqir.RCAInReview, DueAt: due, MeetingAt: &meeting, HeldAt: &held,
		Attendees: []string{"ada", "bob", "grace"}, Sections: sections,
		Feedback: []arqir.RCAFeedback{
			{Author: "grace", Rating: 3, WentWell: "Rollback was quick.", ToImprove: "Page the payments team sooner.", At: minute(60*21 + 5)},
			{Author: "bob", Rating: 4, WentWell: "Clear commander, one channel.", ToImprove: "", At: minute(60 * 21)},
		},
		Version: 3, CreatedAt: *f.inc.ResolvedAt, UpdatedAt: minute(60*21 + 5),
	}
}

// actionItems are filed out of due-date order; one is overdue, one
// changes a runbook (I6), one was exported to GitHub (T6).
func actionItems() []*arqir.ActionItem {
	day := func(d int) time.Time { return time.Date(2025, 3, 10+d, 0, 0, 0, 0, time.UTC) }
	return []*arqir.ActionItem{
		{ID: 3, IncidentID: 42, Category: "documentation", Title: "Add the TLS chain check to the rollback runbook", Owner: "bob",
			DueOn: day(14), Status: arqir.ActionItemOpen, Runbook: "service_unavailability"},
		{ID: 1, IncidentID: 42, Category: "detection", Title: "Alert on card processor handshake errors", Owner: "grace",
			DueOn: day(2), Status: arqir.ActionItemOpen, Overdue: true, TrackerURL: "https://github.com/acme/payments/issues/311"},
		{ID: 2, IncidentID: 42, Category: "prevention", Title: "Canary must take card payments", Owner: "ada",
			DueOn: day(7), Status: arqir.ActionItemDone},
	}
}
