package escalate_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

func TestC1_InitialNoticeInTheIncidentChannel(t *testing.T) {
	rules := arq()
	rules.Paging.BaseURL = "https://arqir.example.com"
	rules.Paging.Mentions["checkout"] = []string{"S0123ABCD", "here"}
	h := newHarness(t, rules)
	impact := tuesday10.Add(-7 * time.Minute)
	p := h.declare(arqir.Declaration{Title: "Checkout down", Summary: "5xx on /pay", Severity: "SEV1", Services: []string{"checkout"},
		ImpactStartedAt: &impact, Detection: arqir.Detection{Kind: arqir.DetectionAutomated, Source: "alertmanager"}}, tuesday10)

	n := one(t, p, arqir.PurposeInitialNotice, nil)
	if n.Key != "INC-7/initial_notice" || n.Channel != arqir.ChannelSlackChannel || n.Address != "#incidents" || n.Target != "#incidents" {
		t.Errorf("initial notice addressed %+v", n)
	}
	m := n.Message
	if m.Headline != "SEV1 declared: Checkout down" {
		t.Errorf("headline = %q", m.Headline)
	}
	want := []arqir.MessageField{
		{Label: "What", Value: "Checkout down — 5xx on /pay"},
		{Label: "When", Value: "2024-03-12T13:53:00Z"},
		{Label: "Severity", Value: "SEV1"},
		{Label: "Status", Value: "INVESTIGATING"},
		{Label: "Services", Value: "checkout"},
		{Label: "Detected by", Value: "alertmanager (automated)"},
	}
	if !slices.Equal(m.Fields, want) {
		t.Errorf("fields =\n%v\nwant\n%v", m.Fields, want)
	}
	if !slices.Equal(m.Mentions, []string{"here", "S0123ABCD"}) {
		t.Errorf("mentions = %v, want here (every incident) then the checkout team, each once", m.Mentions)
	}
	if !m.Actions || m.URL != "https://arqir.example.com/incidents/INC-7" || m.InThread || m.UpdateInPlace {
		t.Errorf("actions %v url %q thread %v in place %v", m.Actions, m.URL, m.InThread, m.UpdateInPlace)
	}
}

func TestC1_NoMentionsUnlessThePolicyMentionsTeams(t *testing.T) {
	rules := arq()
	rules.Paging.MentionTeams = false
	rules.Paging.BaseURL = ""
	h := newHarness(t, rules)
	m := one(t, h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10), arqir.PurposeInitialNotice, nil).Message
	if len(m.Mentions) != 0 || m.URL != "" {
		t.Errorf("mentions %v, url %q; want none without mention_teams and base_url", m.Mentions, m.URL)
	}
}

func TestC1_NoChannelNoChannelMessages(t *testing.T) {
	rules := arq()
	rules.Paging.Channel = ""
	h := newHarness(t, rules)
	p := h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10)
	for _, n := range p.Notify {
		if n.Channel == arqir.ChannelSlackChannel {
			t.Errorf("a channel message without a channel: %+v", n)
		}
	}
	if len(of(p, arqir.PurposePage)) == 0 {
		t.Error("no channel must not stop the pages")
	}
}

func TestR4_PagerDutyIncidentCreated(t *testing.T) {
	h := newHarness(t, arq())
	n := one(t, h.declare(arqir.Declaration{Severity: "SEV2"}, tuesday10), arqir.PurposeStatusSync, toPagerDuty)
	if n.Key != "INC-7/pagerduty/1/trigger" || n.Message.Event != arqir.EventActionTrigger || n.Target != "pagerduty" {
		t.Errorf("PagerDuty intent = %+v", n)
	}

	rules := arq()
	rules.Paging.PagingTool = false
	h = newHarness(t, rules)
	if got := of(h.declare(arqir.Declaration{Severity: "SEV2"}, tuesday10), arqir.PurposeStatusSync); len(got) != 0 {
		t.Errorf("without a paging tool: %+v", got)
	}
}

func TestR5_ZoomWarRoomForSev1And2Only(t *testing.T) {
	for sev, want := range map[string]int{"SEV1": 1, "SEV2": 1, "SEV3": 0, "SEV4": 0} {
		h := newHarness(t, arq())
		p := h.declare(arqir.Declaration{Severity: sev}, tuesday10)
		got := of(p, arqir.PurposeWarRoom)
		if len(got) != want {
			t.Errorf("%s: %d war rooms, want %d", sev, len(got), want)
			continue
		}
		if want == 1 && (got[0].Key != "INC-7/war_room" || got[0].Channel != arqir.ChannelZoom) {
			t.Errorf("%s war room = %+v", sev, got[0])
		}
	}
}

func TestO4_Step1PagesThePrimaryWithA2MinuteAckDeadline(t *testing.T) {
	h := newHarness(t, arq())
	p := h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday02)
	n := one(t, p, arqir.PurposePage, nil)
	if n.Key != "INC-7/page/1/1/schedule:primary" || n.Step != 1 || n.Target != "schedule:primary" || n.Channel != "" || !n.NotBefore.Equal(tuesday02) {
		t.Errorf("page = %+v", n)
	}
	if n.Recipient != "Primary On-Call" || n.Message.Headline != "SEV3 page: Checkout down" || n.Message.Field("Step") != "1 of 9; acknowledge within 2m or the next step is paged" {
		t.Errorf("page recipient %q, message %+v", n.Recipient, n.Message)
	}
	if got := h.deadlines(arqir.DeadlinePageAck); !slices.Equal(got, []string{"1@2024-03-12T06:02:00Z"}) {
		t.Errorf("page_ack deadlines = %v, want step 1 due two minutes after the page", got)
	}
}

func TestS1_ExecutivesInformedAtOnce(t *testing.T) {
	h := newHarness(t, arq())
	p := h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10)
	want := []string{"INC-7/escalation/1/SEV1/cto", "INC-7/escalation/1/SEV1/vp_engineering"}
	if got := keys(p, arqir.PurposeEscalation); !slices.Equal(got, want) {
		t.Fatalf("escalations = %v, want the executives, each by role", got)
	}
	for _, n := range of(p, arqir.PurposeEscalation) {
		if !n.NotBefore.Equal(tuesday10) || n.Channel != "" || n.Message.Headline != "SEV1 escalation: Checkout down" ||
			n.Message.Field("Escalation") != "Executives is informed of SEV1 incidents" {
			t.Errorf("escalation = %+v", n)
		}
	}
}

func TestS2_VPEngineeringAndOnCallTeam(t *testing.T) {
	h := newHarness(t, arq())
	want := []string{"INC-7/escalation/1/SEV2/vp_engineering", "INC-7/escalation/1/SEV2/on_call_lead"}
	if got := keys(h.declare(arqir.Declaration{Severity: "SEV2"}, tuesday10), arqir.PurposeEscalation); !slices.Equal(got, want) {
		t.Errorf("escalations = %v, want %v", got, want)
	}
}

// The ARQ document names the engineering lead without naming anyone: the
// timeline says so instead of paging nobody silently.
func TestS3_EngineeringLeadWithNobodyInItIsReported(t *testing.T) {
	h := newHarness(t, arq())
	p := h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10)
	if got := of(p, arqir.PurposeEscalation); len(got) != 0 {
		t.Errorf("escalations to an empty group: %+v", got)
	}
	if evs := eventsSaying(p, "Engineering Lead has nobody: assign someone"); len(evs) != 1 || evs[0].Kind != arqir.EventEscalated {
		t.Errorf("events = %+v, want one saying the Engineering Lead has nobody", p.Events)
	}
}

func TestS1_DelayedEscalationTargetWaitsItsDelay(t *testing.T) {
	rules := arq()
	sev := rules.Paging.Severities["SEV1"]
	sev.Escalation = append(sev.Escalation, arqir.EscalationRule{Contact: "customer_success_director", After: 10 * time.Minute})
	rules.Paging.Severities["SEV1"] = sev
	h := newHarness(t, rules)
	n := one(t, h.declare(arqir.Declaration{Severity: "SEV1"}, tuesday10), arqir.PurposeEscalation,
		func(n arqir.NotificationIntent) bool { return n.Target == "customer_success_director" })
	if !n.NotBefore.Equal(tuesday10.Add(10 * time.Minute)) {
		t.Errorf("delayed escalation not before %s, want 10 minutes after declaration", n.NotBefore)
	}
	// Acknowledged, the delayed one is cancelled with the pages.
	if p := h.ack(tuesday10.Add(time.Minute)); !slices.Contains(p.CancelLater, arqir.PurposeEscalation) {
		t.Errorf("ack cancels later %v, want escalations not yet due", p.CancelLater)
	}
}

// After an acknowledgement, a change of severity informs the new level's
// immediate targets but not the delayed ones: those are only for incidents
// nobody took.
func TestS2_DelayedTargetOfANewLevelSkippedOnceAcknowledged(t *testing.T) {
	rules := arq()
	rules.Paging.Severities["SEV2"] = arqir.SeverityPaging{PageAtNight: true, Escalation: []arqir.EscalationRule{{Contact: "cto", After: time.Minute}, {Contact: "vp_engineering"}}}
	h := newHarness(t, rules)
	h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10)
	h.ack(tuesday10.Add(time.Minute))
	if got := keys(h.severity(tuesday10.Add(2*time.Minute), "SEV2"), arqir.PurposeEscalation); !slices.Equal(got, []string{"INC-7/escalation/1/SEV2/vp_engineering"}) {
		t.Errorf("escalations after ack = %v, want only the immediate one", got)
	}
}

func TestR7_StakeholdersToldOfSev1And2(t *testing.T) {
	h := newHarness(t, arq())
	p := h.declare(arqir.Declaration{Severity: "SEV2", Services: []string{"checkout"}}, tuesday10)
	n := one(t, p, arqir.PurposeStakeholder, nil)
	if n.Key != "INC-7/stakeholder/1/declared/customer_success_director" || n.Target != "customer_success_director" || n.Recipient != "Customer Success Director" {
		t.Errorf("stakeholder = %+v", n)
	}
	notice := one(t, p, arqir.PurposeInitialNotice, nil).Message
	if n.Message.Text() != notice.Text() || len(n.Message.Mentions) != 0 || n.Message.Actions {
		t.Errorf("stakeholder message = %+v, want the initial notice's text without mentions or buttons", n.Message)
	}
	h = newHarness(t, arq())
	if got := of(h.declare(arqir.Declaration{Severity: "SEV3"}, tuesday10), arqir.PurposeStakeholder); len(got) != 0 {
		t.Errorf("SEV3 told stakeholders: %+v", got)
	}
}

func TestR7_StakeholdersByService(t *testing.T) {
	rules := arq()
	rules.Paging.Stakeholders = []arqir.Stakeholder{{Contact: "executives", Services: []string{"checkout"}}}
	for _, tc := range []struct {
		services []string
		want     []string
	}{
		{[]string{"search", "checkout"}, []string{"INC-7/stakeholder/1/declared/cto", "INC-7/stakeholder/1/declared/vp_engineering"}},
		{[]string{"search"}, nil},
	} {
		h := newHarness(t, rules)
		if got := keys(h.declare(arqir.Declaration{Severity: "SEV4", Services: tc.services}, tuesday10), arqir.PurposeStakeholder); !slices.Equal(got, tc.want) {
			t.Errorf("services %v: stakeholders %v, want %v", tc.services, got, tc.want)
		}
	}
}

func TestDrill_EveryHeadlineSaysDrill(t *testing.T) {
	h := newHarness(t, arq())
	plans := []arqir.Plan{h.declare(arqir.Declaration{Severity: "SEV1", Drill: true}, tuesday10)}
	plans = append(plans, h.sweep(tuesday10.Add(2*time.Minute)), h.ack(tuesday10.Add(3*time.Minute)), h.resolve(tuesday10.Add(20*time.Minute)))
	n := 0
	for _, p := range plans {
		for _, in := range p.Notify {
			n++
			if !strings.HasPrefix(in.Message.Headline, "[DRILL] ") || strings.HasPrefix(in.Message.Headline, "[DRILL] [DRILL]") {
				t.Errorf("%s headline %q", in.Purpose, in.Message.Headline)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d notifications checked", n)
	}
}
