package escalate_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/escalate"
)

// R1 and delivery contract 5: an acknowledgement stops the pages and the
// delayed escalations, and the channel and PagerDuty follow.
func TestR1_AcknowledgeStopsPagesAndTellsChannelAndPagerDuty(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10)
	p := h.ack(tuesday10.Add(90 * time.Second))
	if !slices.Equal(p.Cancel, []string{arqir.PurposePage}) || !slices.Equal(p.CancelLater, []string{arqir.PurposeEscalation}) || p.CancelReason != "acknowledged by ada" {
		t.Errorf("cancel %v, later %v: %q", p.Cancel, p.CancelLater, p.CancelReason)
	}
	main := one(t, p, arqir.PurposeStatusSync, func(n arqir.NotificationIntent) bool { return toSlack(n) && inPlace(n) })
	if main.Message.Field("Acknowledged by") != "ada at 2024-03-12T14:01:30Z" || main.Message.Headline != "SEV1 declared: Checkout down" || !main.Message.Actions {
		t.Errorf("channel message = %+v", main.Message)
	}
	if pd := one(t, p, arqir.PurposeStatusSync, toPagerDuty); pd.Message.Event != arqir.EventActionAcknowledge || pd.Key != "INC-7/pagerduty/1/acknowledge" {
		t.Errorf("PagerDuty = %+v", pd)
	}
	if th := one(t, p, arqir.PurposeStatusSync, inThread); th.Message.Headline != "Acknowledged by ada after 1m30s" {
		t.Errorf("thread = %q", th.Message.Headline)
	}
	if len(of(p, arqir.PurposePage)) != 0 {
		t.Error("acknowledging paged someone")
	}
	// The page deadline was met: the sweep pages nobody.
	if p := h.sweep(tuesday10.Add(10 * time.Minute)); len(of(p, arqir.PurposePage))+len(of(p, arqir.PurposeEscalation)) != 0 {
		t.Errorf("after ack:\n%s", dump(p))
	}
}

// S1–S4: a missed response target tells the escalation e-mail and every
// escalation target of the level, and the channel hears it in the thread.
func TestS1_MissedResponseTargetEscalates(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10)
	for _, m := range []time.Duration{2, 4} {
		h.sweep(tuesday10.Add(m * time.Minute))
	}
	p := h.sweep(tuesday10.Add(5 * time.Minute))
	want := []string{"INC-7/response_breach/1/escalation_email", "INC-7/response_breach/1/SEV1/cto", "INC-7/response_breach/1/SEV1/vp_engineering", "INC-7/response_breach/1/channel"}
	if got := keys(p, arqir.PurposeEscalation); !slices.Equal(got, want) {
		t.Fatalf("escalations = %v\nwant %v", got, want)
	}
	mail := one(t, p, arqir.PurposeEscalation, toEmail)
	if mail.Address != "incidents@company.com" || mail.Message.Headline != "SEV1 not acknowledged in time: Checkout down" || mail.Message.Field("Response due") != "2024-03-12T14:05:00Z" {
		t.Errorf("e-mail = %+v", mail)
	}
	if th := one(t, p, arqir.PurposeEscalation, toSlack); !th.Message.InThread {
		t.Errorf("channel message not in the thread: %+v", th)
	}
}

func TestR5_RaisedSeverityGetsTheWarRoomOnce(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10)
	p := h.severity(tuesday10.Add(time.Minute), "SEV2")
	if got := keys(p, arqir.PurposeWarRoom); !slices.Equal(got, []string{"INC-7/war_room"}) {
		t.Errorf("war room = %v", got)
	}
	if got := keys(p, arqir.PurposeEscalation); !slices.Equal(got, []string{"INC-7/escalation/1/SEV2/vp_engineering", "INC-7/escalation/1/SEV2/on_call_lead"}) {
		t.Errorf("escalations = %v", got)
	}
	for _, n := range of(p, arqir.PurposeEscalation) {
		if !n.NotBefore.Equal(tuesday10.Add(time.Minute)) {
			t.Errorf("%s not before %s, want now: the new level's targets hear of it when it is set", n.Key, n.NotBefore)
		}
	}
	if one(t, p, arqir.PurposeStatusSync, inPlace).Message.Field("Severity") != "SEV2" {
		t.Error("the channel message shows the old severity")
	}
	// SEV2 → SEV1: both have a war room; only the executives are new.
	p = h.severity(tuesday10.Add(2*time.Minute), "SEV1")
	if got := of(p, arqir.PurposeWarRoom); len(got) != 0 {
		t.Errorf("a second war room: %+v", got)
	}
	if got := keys(p, arqir.PurposeEscalation); !slices.Equal(got, []string{"INC-7/escalation/1/SEV1/cto", "INC-7/escalation/1/SEV1/vp_engineering"}) {
		t.Errorf("escalations = %v", got)
	}
	// Once the war room exists, no level asks for another.
	h.inc.Refs = map[string]string{arqir.RefWarRoomURL: "https://zoom.us/j/1"}
	h.severity(tuesday10.Add(3*time.Minute), "SEV3")
	if got := of(h.severity(tuesday10.Add(4*time.Minute), "SEV2"), arqir.PurposeWarRoom); len(got) != 0 {
		t.Errorf("war room with one recorded: %+v", got)
	}
}

func TestR5_RecordedWarRoomUpdatesTheChannelMessage(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10)
	zoom := &arqir.Notification{Purpose: arqir.PurposeWarRoom}
	at := tuesday10.Add(5 * time.Second)
	p := h.change(at, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		return inc.RecordDelivery(zoom, map[string]string{arqir.RefWarRoomURL: "https://zoom.us/j/123"}, at), nil
	})
	n := one(t, p, arqir.PurposeStatusSync, nil)
	if !n.Message.UpdateInPlace || !n.Message.Actions || n.Message.Field("War room") != "https://zoom.us/j/123" {
		t.Errorf("sync = %+v", n.Message)
	}
	// Other refs (the Slack message's own ts) change nothing.
	p = h.change(at, func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		return inc.RecordDelivery(&arqir.Notification{Purpose: arqir.PurposeInitialNotice}, map[string]string{arqir.RefSlackTS: "1.2"}, at), nil
	})
	if len(p.Notify) != 0 {
		t.Errorf("slack ts recorded:\n%s", dump(p))
	}
}

func TestStatusChangeUpdatesTheChannelMessage(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10)
	p := h.change(tuesday10.Add(time.Minute), func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
		return inc.ChangeStatus(arqir.StatusIdentified, "", ada, tuesday10.Add(time.Minute))
	})
	if len(p.Notify) != 1 || p.Notify[0].Message.Field("Status") != "IDENTIFIED" || !p.Notify[0].Message.UpdateInPlace {
		t.Errorf("plan:\n%s", dump(p))
	}
}

func TestC3_ResolutionNoticeImmediately(t *testing.T) {
	h := newHarness(t, arq())
	impact := tuesday10.Add(-10 * time.Minute)
	h.declare(arqir.Declaration{Severity: "SEV1", ImpactStartedAt: &impact}, tuesday10)
	h.ack(tuesday10.Add(time.Minute))
	p := h.resolve(tuesday10.Add(33*time.Minute + 20*time.Second))
	if !slices.Equal(p.Cancel, []string{arqir.PurposePage, arqir.PurposeUpdateReminder}) || !slices.Equal(p.CancelLater, []string{arqir.PurposeEscalation}) || p.CancelReason != "resolved by ada" {
		t.Errorf("cancel %v, later %v: %q", p.Cancel, p.CancelLater, p.CancelReason)
	}
	n := one(t, p, arqir.PurposeResolution, nil)
	if n.Key != "INC-7/resolution/1" || n.Channel != arqir.ChannelSlackChannel || n.Message.InThread || n.Message.UpdateInPlace {
		t.Errorf("resolution = %+v, want a new post in the channel", n)
	}
	want := []arqir.MessageField{
		{Label: "Service restored", Value: "yes, at 2024-03-12T14:33:20Z"},
		{Label: "Root cause", Value: "bad deploy"},
		{Label: "Duration", Value: "43m"},
		{Label: "Customer impact", Value: "checkout failed for all"},
	}
	if n.Message.Headline != "SEV1 resolved: Checkout down" || !slices.Equal(n.Message.Fields, want) {
		t.Errorf("resolution message = %q %v", n.Message.Headline, n.Message.Fields)
	}
	main := one(t, p, arqir.PurposeStatusSync, inPlace)
	if main.Message.Actions || main.Message.Field("Status") != "RESOLVED" {
		t.Errorf("channel message = %+v, want resolved without buttons", main.Message)
	}
	if pd := one(t, p, arqir.PurposeStatusSync, toPagerDuty); pd.Message.Event != arqir.EventActionResolve {
		t.Errorf("PagerDuty = %+v", pd)
	}
	if got := keys(p, arqir.PurposeStakeholder); !slices.Equal(got, []string{"INC-7/stakeholder/1/resolved/customer_success_director"}) {
		t.Errorf("stakeholders = %v", got)
	}
}

// A reopened incident pages afresh under its new life, so its keys differ
// from the first life's and nothing is swallowed as a duplicate.
func TestReopenedIncidentPagesAfresh(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV2"}, tuesday10)
	h.ack(tuesday10.Add(time.Minute))
	h.resolve(tuesday10.Add(20 * time.Minute))
	at := tuesday10.Add(25 * time.Minute)
	p := h.reopen(at)
	if got := keys(p, arqir.PurposePage); !slices.Equal(got, []string{"INC-7/page/2/1/schedule:primary"}) {
		t.Errorf("pages = %v", got)
	}
	if got := keys(p, arqir.PurposeEscalation); !slices.Equal(got, []string{"INC-7/escalation/2/SEV2/vp_engineering", "INC-7/escalation/2/SEV2/on_call_lead"}) {
		t.Errorf("escalations = %v", got)
	}
	if pd := one(t, p, arqir.PurposeStatusSync, toPagerDuty); pd.Key != "INC-7/pagerduty/2/trigger" {
		t.Errorf("PagerDuty = %+v", pd)
	}
	if one(t, p, arqir.PurposeStatusSync, inPlace).Message.Field("Status") != "INVESTIGATING" {
		t.Error("channel message not updated")
	}
	if got := h.deadlines(arqir.DeadlinePageAck); len(got) != 2 || got[1] != "1@2024-03-12T14:27:00Z" {
		t.Errorf("page_ack deadlines = %v", got)
	}
	// The new life escalates on its own deadline.
	if n := one(t, h.sweep(at.Add(2*time.Minute)), arqir.PurposePage, nil); n.Key != "INC-7/page/2/2/schedule:secondary" {
		t.Errorf("second life step 2 = %+v", n)
	}
	if th := one(t, h.ack(at.Add(3*time.Minute)), arqir.PurposeStatusSync, inThread); th.Message.Headline != "Acknowledged by ada after 3m0s" {
		t.Errorf("ack of the second life: %q, want the time since the reopen", th.Message.Headline)
	}
}

func TestPlan_NothingForNotesAndChecklistTicks(t *testing.T) {
	h := newHarness(t, arq())
	h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10)
	at := tuesday10.Add(time.Minute)
	for name, fn := range map[string]func(*arqir.Incident) ([]arqir.TimelineEvent, error){
		"note": func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
			return inc.AddNote("looking at the LB", ada, at)
		},
		"tick": func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) { return inc.TickChecklist("R7", ada, at) },
		"roles": func(inc *arqir.Incident) ([]arqir.TimelineEvent, error) {
			return inc.AssignRoles(arqir.RoleChange{AddResponders: []string{"bob"}}, ada, at)
		},
	} {
		if p := h.change(at, fn); !reflect.DeepEqual(p, arqir.Plan{}) {
			t.Errorf("%s planned:\n%s", name, dump(p))
		}
	}
}

// The same change planned twice gives the same plan, in the same order.
func TestPlan_Deterministic(t *testing.T) {
	rules := arq()
	rules.Paging.Mentions = map[string][]string{"*": {"here"}, "a": {"S1AAAA"}, "b": {"S2BBBB"}, "c": {"S3CCCC"}}
	rules.Paging.Stakeholders = append(rules.Paging.Stakeholders, arqir.Stakeholder{Contact: "executives"}, arqir.Stakeholder{Contact: "on_call_team"})
	inc, events, err := arqir.NewIncident(arqir.Declaration{Title: "x", Severity: "SEV1", Services: []string{"c", "a", "b"}}, rules, ada, tuesday10)
	if err != nil {
		t.Fatal(err)
	}
	inc.ID = 7
	var first arqir.Plan
	for i := range 20 {
		c := clone(inc)
		p := escalate.New(rules.Paging).Plan(nil, c, events, tuesday10)
		if i == 0 {
			first = p
			if m := one(t, p, arqir.PurposeInitialNotice, nil).Message.Mentions; !slices.Equal(m, []string{"here", "S3CCCC", "S1AAAA", "S2BBBB"}) {
				t.Errorf("mentions = %v, want every incident's, then in the incident's service order", m)
			}
		} else if !reflect.DeepEqual(p, first) {
			t.Fatalf("plan %d differs:\n%s\nfirst:\n%s", i, dump(p), dump(first))
		}
	}
}
