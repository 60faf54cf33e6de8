package storetest

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// pagingTests check the storage side of paging: the planner hook in every
// incident change, the notification outbox and its fenced claims, status
// updates and server secrets (paging_*.go, notifications_*.go).
var pagingTests = []namedTest{
	{name: "O4_PlannerSeesEveryIncidentChange", fn: testPlannerSeesChanges},
	{name: "O4_PlannerSeesEachIngestOnce", fn: testPlannerSeesIngest},
	{name: "C1_IntentsQueueInTheChangesTransaction", fn: testIntentsQueue},
	{name: "RejectedChangeQueuesNothing", fn: testRejectedQueuesNothing},
	{name: "SamePagePlannedTwiceQueuesOnce", fn: testSameKeyQueuesOnce},
	{name: "R1_AcknowledgeStopsQueuedPages", fn: testAckCancelsPages},
	{name: "S1_AcknowledgeKeepsEscalationsAlreadyDue", fn: testCancelLaterKeepsWhatIsDue},
	{name: "R1_AcknowledgeStopsPagesInFlight", fn: testAckStopsPagesInFlight},
	{name: "T2_SlackReplayRefusedOnEveryReplica", fn: testFirstSeen},
	{name: "O4_SweepEscalatesThroughThePlanner", fn: testSweepEscalates},
	{name: "NotificationsListing", fn: testNotificationsListing},
	{name: "ClaimNeverEarlyAndRespectsLeaseAndLimit", fn: testClaimTiming},
	{name: "TwoReplicasNeverClaimTheSameNotification", fn: testConcurrentClaims},
	{name: "LapsedClaimIsTakenOverAndCountedAmbiguous", fn: testLapsedClaim},
	{name: "RetryWaitsForItsTimeThenFails", fn: testRetryThenFail},
	{name: "StaleNotificationsExpire", fn: testExpiry},
	{name: "R4_R5_DeliveriesRecordRefsAndTickTheChecklist", fn: testRecordDelivery},
	{name: "O4_RoleResolvesIntoOneNotificationPerChannel", fn: testResolvedChildren},
	{name: "C2_UpdateMeetsTheDeadlineAndArmsTheNext", fn: testPostUpdate},
	{name: "ServerSecretIsTheSameOnEveryReplica", fn: testServerSecret},
}

// PagingRules returns Rules with the communication cadence of the ARQ
// procedures: an initial notice in #incidents within 5 min (C1), status
// updates every 15 min for SEV1 and SEV2 (C2), acknowledgement within
// 2 min (O4), and notifications stale 10 min after they were due.
func PagingRules(revision int) arqir.Rules {
	r := Rules(revision)
	r.Paging = arqir.PagingRules{
		AckWithin:        2 * time.Minute,
		StaleAfter:       10 * time.Minute,
		Channel:          "#incidents",
		InitialWithin:    5 * time.Minute,
		UpdateEvery:      15 * time.Minute,
		UpdateSeverities: []string{"SEV1", "SEV2"},
		UpdateGrace:      5 * time.Minute,
	}
	return r
}

// stale is PagingRules' StaleAfter.
const stale = 10 * time.Minute

// planFunc decides a plan like arqir.Planner.Plan.
type planFunc func(before, after *arqir.Incident, events []arqir.TimelineEvent, now time.Time) arqir.Plan

// testPlanner records every call and answers with fn (nothing when nil) or
// with a plan given for the next call only. Stores call it inside their
// transactions, from any goroutine.
type testPlanner struct {
	mu    sync.Mutex
	calls []planCall
	fn    planFunc
	next  *arqir.Plan
}

// planCall is one call of the planner, with copies of what it was given.
type planCall struct {
	before, after *arqir.Incident
	events        []arqir.TimelineEvent
	now           time.Time
}

// Plan implements arqir.Planner.
func (p *testPlanner) Plan(before, after *arqir.Incident, events []arqir.TimelineEvent, now time.Time) arqir.Plan {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, planCall{before: copyIncident(before), after: copyIncident(after), events: copyEvents(events), now: now})
	if p.next != nil {
		plan := *p.next
		p.next = nil
		return plan
	}
	if p.fn != nil {
		return p.fn(before, after, events, now)
	}
	return arqir.Plan{}
}

// take returns the calls so far and forgets them.
func (p *testPlanner) take() []planCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.calls
	p.calls = nil
	return out
}

// once makes the next call return plan.
func (p *testPlanner) once(plan arqir.Plan) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next = &plan
}

// copyIncident copies an incident through JSON, so that later changes the
// store makes to its own value do not show in the record.
func copyIncident(inc *arqir.Incident) *arqir.Incident {
	if inc == nil {
		return nil
	}
	b, err := json.Marshal(inc)
	if err != nil {
		panic(err)
	}
	var out arqir.Incident
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return &out
}

func copyEvents(events []arqir.TimelineEvent) []arqir.TimelineEvent {
	out := make([]arqir.TimelineEvent, len(events))
	for i, e := range events {
		out[i] = e
		if e.Data != nil {
			out[i].Data = map[string]string{}
			for k, v := range e.Data {
				out[i].Data[k] = v
			}
		}
	}
	return out
}

// pager installs PagingRules and a test planner answering with fn.
func (e *env) pager(fn planFunc) *testPlanner {
	e.st.SetRules(PagingRules(e.policy.Revision))
	p := &testPlanner{fn: fn}
	e.st.SetPlanner(p)
	return p
}

// queue makes the store queue intents for an incident, through the planner
// of a note added to it, and returns the notifications queued.
func (e *env) queue(p *testPlanner, id arqir.IncidentID, intents ...arqir.NotificationIntent) []*arqir.Notification {
	e.t.Helper()
	before := len(e.notifications(id))
	p.once(arqir.Plan{Notify: intents})
	e.must(e.st.AddNote(e.ctx, id, "queue notifications", as))
	all := e.notifications(id)
	return all[before:]
}

// notifications lists every notification of an incident, oldest first.
func (e *env) notifications(id arqir.IncidentID) []*arqir.Notification {
	e.t.Helper()
	ns, err := e.st.Notifications(e.ctx, arqir.NotificationFilter{IncidentID: id})
	if err != nil {
		e.t.Fatalf("list the notifications of %s: %v", id, err)
	}
	return ns
}

// notification reads one notification back.
func (e *env) notification(n *arqir.Notification) *arqir.Notification {
	e.t.Helper()
	for _, x := range e.notifications(n.IncidentID) {
		if x.ID == n.ID {
			return x
		}
	}
	e.t.Fatalf("notification %d (%s) is gone", n.ID, n.Key)
	return nil
}

// claim claims notifications on st, failing the test on error.
func (e *env) claim(st arqir.Store, at time.Time, lease time.Duration, limit int) []*arqir.Notification {
	e.t.Helper()
	ns, err := st.ClaimNotifications(e.ctx, at, lease, limit)
	if err != nil {
		e.t.Fatalf("claim at %v: %v", at, err)
	}
	return ns
}

// finish records a delivery, failing the test on error.
func (e *env) finish(n *arqir.Notification, d arqir.Delivery, at time.Time) {
	e.t.Helper()
	if err := e.st.FinishNotification(e.ctx, n.ID, n.Attempts, d, at); err != nil {
		e.t.Fatalf("finish notification %d (%s): %v", n.ID, n.Key, err)
	}
}

// page is an intent to page target at step with an explicit key.
func page(id arqir.IncidentID, step int, target string) arqir.NotificationIntent {
	return arqir.NotificationIntent{
		Key: fmt.Sprintf("%s/page/%d/%s", id, step, target), Purpose: arqir.PurposePage, Step: step, Target: target,
		Message: arqir.Message{IncidentID: id, Headline: fmt.Sprintf("Page for %s", id)},
	}
}

// events returns the events of an incident's timeline of a kind.
func (e *env) eventsOf(id arqir.IncidentID, kind string) []arqir.TimelineEvent {
	e.t.Helper()
	var out []arqir.TimelineEvent
	for _, ev := range e.timeline(id) {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}
