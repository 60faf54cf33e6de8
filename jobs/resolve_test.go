package jobs

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// pager is set up with ada on call, reached by e-mail and SMS.
type pager struct {
	st         *memStore
	d          *Dispatcher
	clk        *clock
	email, sms *scripted
	mu         sync.Mutex
	freeAtSend []int // free slots seen by each child's send
}

func newPager(t *testing.T) *pager {
	t.Helper()
	p := &pager{st: newMemStore(), clk: &clock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)},
		email: &scripted{channel: arqir.ChannelEmail}, sms: &scripted{channel: arqir.ChannelSMS}}
	p.st.users["ada"] = &arqir.User{Handle: "ada", Name: "Ada", Email: "ada@example.com", Phone: "+15550100", NotificationChannels: []string{arqir.ChannelEmail, arqir.ChannelSMS}}
	p.st.oncall = "ada"
	reg := notify.NewRegistry(&scripted{channel: arqir.ChannelInApp})
	reg.Register(p.email)
	reg.Register(p.sms)
	p.d = New(Config{Store: p.st, Registry: reg, Now: p.clk.now, Workers: 4,
		Resolve: func(n *arqir.Notification, c arqir.Contact, channels []string) ([]arqir.NotificationIntent, error) {
			var out []arqir.NotificationIntent
			for _, ch := range channels {
				addr := map[string]string{arqir.ChannelEmail: c.Email, arqir.ChannelSMS: c.Phone}[ch]
				out = append(out, arqir.NotificationIntent{Key: n.Key + "/" + ch, Channel: ch, Address: addr, Purpose: n.Purpose, Target: n.Target})
			}
			return out, nil
		},
		AckLink: func(n *arqir.Notification) string {
			p.mu.Lock()
			p.freeAtSend = append(p.freeAtSend, p.d.slots.free())
			p.mu.Unlock()
			return "https://arqir.example/ack/" + strconv.FormatInt(n.ID, 10)
		},
	})
	return p
}

func (p *pager) page(target string) *arqir.Notification {
	n := queue(p.st, "", p.clk.t)
	n.Target, n.Key = target, "INC-7/page/1/"+target
	return n
}

// A page to a schedule is resolved to whoever is on call and sent to her
// on each of her channels by the same dispatch: the store hands the
// per-channel notifications back claimed, so there is no second claim and
// no wait behind the queue.
func TestAResolvedPageIsSentInTheSameRunWithoutASecondClaim(t *testing.T) {
	p := newPager(t)
	parent := p.page("schedule:primary")
	handled, err := p.d.RunOnce(context.Background())
	if err != nil || handled != 3 {
		t.Fatalf("RunOnce handled %d: %v; want the page and its 2 channels", handled, err)
	}
	if p.st.claims != 1 {
		t.Fatalf("%d claims; want 1: the channels come back claimed with the resolution", p.st.claims)
	}
	if len(p.email.jobs) != 1 || len(p.sms.jobs) != 1 {
		t.Fatalf("%d e-mails and %d SMS sent; want one each", len(p.email.jobs), len(p.sms.jobs))
	}
	job := p.sms.jobs[0]
	if job.Notification.Parent != parent.ID || job.Notification.Message.AckURL == "" || job.Refs["slack_ts"] != "1.2" || job.IdempotencyKey != parent.Key+"/sms" {
		t.Fatalf("SMS job %+v (refs %v); want the child of the page, with its ack link, the incident's refs and its own key", job.Notification, job.Refs)
	}
	for _, n := range p.st.n {
		if n.State != arqir.NotificationDelivered {
			t.Fatalf("%s is %s (%s); want delivered", n.Key, n.State, n.Reason)
		}
	}
	// The channels held slots while they were sent (the page's slot was
	// freed when its resolution was recorded), and every slot is free at
	// the end.
	if len(p.freeAtSend) != 2 || min(p.freeAtSend[0], p.freeAtSend[1]) != 2 {
		t.Fatalf("free slots during the channels' sends %v; want 4-2 at the first", p.freeAtSend)
	}
	if free := p.d.slots.free(); free != 4 {
		t.Fatalf("%d of 4 slots free at the end", free)
	}
}

// An acknowledgement that commits between the resolution and the send of
// the person's channels stops them (delivery contract 5).
func TestAnAckAfterTheResolutionCancelsTheChannelsNotSentYet(t *testing.T) {
	p := newPager(t)
	p.st.resolved = func() { p.st.acked = "bob" }
	p.page("schedule:primary")
	if _, err := p.d.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(p.email.jobs)+len(p.sms.jobs) != 0 {
		t.Fatalf("%d messages sent after bob acknowledged", len(p.email.jobs)+len(p.sms.jobs))
	}
	for _, n := range p.st.n[1:] {
		if n.State != arqir.NotificationCancelled || !strings.Contains(n.Reason, "acknowledged by bob") {
			t.Fatalf("%s is %s (%q); want cancelled, acknowledged by bob", n.Key, n.State, n.Reason)
		}
	}
}

// A page to a contact role resolves that role alone (Store.Contact).
func TestPagesToContactRoles(t *testing.T) {
	p := newPager(t)
	p.st.contacts["cto"] = arqir.Contact{ID: "cto", Title: "CTO", Source: arqir.ContactNotSet}
	p.st.contacts["vp"] = arqir.Contact{ID: "vp", Title: "VP Engineering", Source: arqir.ContactAssigned, User: "ada", Name: "Ada", Email: "ada@example.com", Phone: "+15550100"}
	for _, tc := range []struct {
		target string
		err    error
		state  arqir.NotificationState
		reason string
	}{
		{"cto", nil, arqir.NotificationFailed, "the CTO contact is not set: assign a user with `arqir contacts assign cto <user>`"},
		{"ciso", nil, arqir.NotificationFailed, `"ciso" is not a contact of the active policy`},
		{"vp", errors.New("database is locked"), arqir.NotificationQueued, "database is locked"},
		{"vp", nil, arqir.NotificationDelivered, "vp is Ada: sending via email, sms"},
	} {
		p.st.contactErr = tc.err
		n := p.page(tc.target)
		if _, err := p.d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n.State != tc.state || !strings.Contains(n.Reason, tc.reason) {
			t.Fatalf("page to %s (contact error %v): %s, %q; want %s, %q", tc.target, tc.err, n.State, n.Reason, tc.state, tc.reason)
		}
	}
	if len(p.email.jobs) != 1 || p.email.jobs[0].Notification.Address != "ada@example.com" {
		t.Fatalf("%d e-mails; want one to the VP", len(p.email.jobs))
	}
}

// A page to a role reads no incident state before it is resolved: the
// store cancels the resolution of an acknowledged incident in the
// transaction that records it. A resolution that fails on an incident
// acknowledged first is cancelled too, not a failure on the timeline.
func TestThePageOfAnAcknowledgedIncidentIsCancelled(t *testing.T) {
	for _, tc := range []struct {
		oncall, acked string
		want          arqir.NotificationState
		reason        string
		reads         int // SendState: one per channel sent, one to explain a failure
	}{
		{"ada", "bob", arqir.NotificationCancelled, "acknowledged by bob", 0},
		{"", "bob", arqir.NotificationCancelled, "acknowledged by bob", 1},
		{"", "", arqir.NotificationFailed, "nobody is on call", 1},
		{"ada", "", arqir.NotificationDelivered, "schedule:primary is Ada", 2},
	} {
		p := newPager(t)
		p.st.oncall, p.st.acked = tc.oncall, tc.acked
		n := p.page("schedule:primary")
		if _, err := p.d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n.State != tc.want || !strings.Contains(n.Reason, tc.reason) {
			t.Fatalf("on call %q, acknowledged by %q: the page is %s (%q); want %s (%q)", tc.oncall, tc.acked, n.State, n.Reason, tc.want, tc.reason)
		}
		if tc.acked != "" && len(p.email.jobs)+len(p.sms.jobs) != 0 {
			t.Fatalf("acknowledged by %s, yet %d messages sent", tc.acked, len(p.email.jobs)+len(p.sms.jobs))
		}
		if p.st.sendStates != tc.reads {
			t.Fatalf("on call %q, acknowledged by %q: %d SendState reads; want %d", tc.oncall, tc.acked, p.st.sendStates, tc.reads)
		}
	}
}

// The in-app log needs no incident state for a notice; a page kept there
// is still checked against an acknowledgement, and a configured provider
// gets the incident's refs.
func TestOnlySendsThatNeedTheIncidentStateReadIt(t *testing.T) {
	p := newPager(t)
	for _, tc := range []struct {
		channel, purpose string
		reads            int
	}{
		{arqir.ChannelSlackChannel, arqir.PurposeStatusUpdate, 0}, // not configured: in-app log
		{arqir.ChannelSlackChannel, arqir.PurposePage, 1},
		{arqir.ChannelEmail, arqir.PurposeStatusUpdate, 1},
	} {
		before := p.st.sendStates
		n := queue(p.st, tc.channel, p.clk.t)
		n.Purpose = tc.purpose
		if _, err := p.d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if reads := p.st.sendStates - before; reads != tc.reads || n.State != arqir.NotificationDelivered {
			t.Fatalf("%s via %s: %d reads, %s; want %d, delivered", tc.purpose, tc.channel, reads, n.State, tc.reads)
		}
	}
}

// Pages resolving the same schedule at the same moment share one read of
// the rotation; the answer is not kept after it.
func TestPagesResolvingAtOnceShareOneOnCallLookup(t *testing.T) {
	p := newPager(t)
	p.st.whoGate = make(chan struct{})
	for range 4 {
		p.page("schedule:primary")
	}
	done := make(chan error)
	go func() { _, err := p.d.RunOnce(context.Background()); done <- err }()
	deadline := time.Now().Add(10 * time.Second)
	for p.d.oncall.waiting("primary") < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages wait for the running lookup; want the other 3", p.d.oncall.waiting("primary"))
		}
		time.Sleep(time.Millisecond)
	}
	close(p.st.whoGate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p.st.whoCalls != 1 || len(p.sms.jobs) != 4 {
		t.Fatalf("%d WhoIsOnCall reads, %d SMS; want 1 read answering the 4 pages", p.st.whoCalls, len(p.sms.jobs))
	}

	p.st.users["bob"] = &arqir.User{Handle: "bob", Name: "Bob", Phone: "+15550111", NotificationChannels: []string{arqir.ChannelSMS}}
	p.st.oncall = "bob"
	p.page("schedule:primary")
	if _, err := p.d.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if last := p.sms.jobs[len(p.sms.jobs)-1]; p.st.whoCalls != 2 || last.Notification.Address != "+15550111" {
		t.Fatalf("the next page went to %s after %d reads; want bob, read anew", last.Notification.Address, p.st.whoCalls)
	}
}
