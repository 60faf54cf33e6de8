package jobs

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// scripted answers each Notify with the next error of its script (nil: ok).
type scripted struct {
	channel string
	mu      sync.Mutex
	script  []error
	jobs    []*notify.Job
}

func (f *scripted) Channel() string { return f.channel }
func (f *scripted) Notify(_ context.Context, j *notify.Job) (notify.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs = append(f.jobs, j)
	if len(f.script) == 0 {
		return notify.Receipt{Ref: "ok"}, nil
	}
	err := f.script[0]
	f.script = f.script[1:]
	return notify.Receipt{Ref: "ok"}, err
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func setup(t *testing.T, n *scripted) (*memStore, *Dispatcher, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}
	st := newMemStore()
	reg := notify.NewRegistry(&scripted{channel: arqir.ChannelInApp})
	if n != nil {
		reg.Register(n)
	}
	d := New(Config{Store: st, Registry: reg, Now: clk.now, Resolve: func(n *arqir.Notification, c arqir.Contact, ch []string) ([]arqir.NotificationIntent, error) {
		return []arqir.NotificationIntent{{Key: n.Key + "/email", Purpose: n.Purpose, Target: n.Target, Channel: arqir.ChannelEmail, Address: c.Email}}, nil
	}, Backoff: 2 * time.Second, MaxBackoff: time.Minute, MaxAttempts: 3})
	return st, d, clk
}

func queue(st *memStore, channel string, at time.Time) *arqir.Notification {
	n := &arqir.Notification{ID: int64(len(st.n) + 1), IncidentID: 7, Key: "INC-7/x", Purpose: arqir.PurposePage, Channel: channel, State: arqir.NotificationQueued, NotBefore: at}
	st.n = append(st.n, n)
	return n
}

func TestRetryAfterIsHonouredAndPermanentFailuresAreNotRetried(t *testing.T) {
	f := &scripted{channel: arqir.ChannelSlackChannel, script: []error{notify.Retry(90*time.Second, "slack answered 429"), nil}}
	st, d, clk := setup(t, f)
	n := queue(st, arqir.ChannelSlackChannel, clk.t)
	if _, err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.State != arqir.NotificationQueued || n.NotBefore.Before(clk.t.Add(90*time.Second)) {
		t.Fatalf("after a 429 with Retry-After 90s the notification is %s, due %s; want queued no earlier than +90s", n.State, n.NotBefore)
	}
	clk.t = clk.t.Add(89 * time.Second)
	if c, _ := d.Drain(context.Background()); c != 0 {
		t.Fatal("retried before Retry-After")
	}
	clk.t = clk.t.Add(time.Second)
	d.Drain(context.Background())
	if n.State != arqir.NotificationDelivered || len(f.jobs) != 2 || f.jobs[0].IdempotencyKey != f.jobs[1].IdempotencyKey {
		t.Fatalf("state %s after %d sends; want delivered on the second with the same key", n.State, len(f.jobs))
	}

	p := &scripted{channel: arqir.ChannelEmail, script: []error{notify.Permanent("550 no such mailbox")}}
	st, d, clk = setup(t, p)
	n = queue(st, arqir.ChannelEmail, clk.t)
	d.Drain(context.Background())
	clk.t = clk.t.Add(time.Hour)
	d.Drain(context.Background())
	if n.State != arqir.NotificationFailed || len(p.jobs) != 1 {
		t.Fatalf("a permanent failure was sent %d times and is %s; want once and failed", len(p.jobs), n.State)
	}
}

func TestRetriesAreBoundedWithGrowingBackoff(t *testing.T) {
	boom := notify.Retry(0, "pagerduty answered 500")
	f := &scripted{channel: arqir.ChannelPagerDuty, script: []error{boom, boom, boom, boom}}
	st, d, clk := setup(t, f)
	n := queue(st, arqir.ChannelPagerDuty, clk.t)
	var gaps []time.Duration
	for range 5 {
		before := clk.t
		d.Drain(context.Background())
		if n.State != arqir.NotificationQueued {
			break
		}
		gaps = append(gaps, n.NotBefore.Sub(before))
		clk.t = n.NotBefore
	}
	if n.State != arqir.NotificationFailed || len(f.jobs) != 3 {
		t.Fatalf("after %d sends the notification is %s (%s); want failed after MaxAttempts=3", len(f.jobs), n.State, n.Reason)
	}
	if len(gaps) != 2 || gaps[0] < time.Second || gaps[0] > 2*time.Second || gaps[1] < 2*time.Second || gaps[1] > 4*time.Second {
		t.Fatalf("backoff gaps %v; want within [1s,2s] then [2s,4s]", gaps)
	}
}

func TestUnconfiguredChannelGoesToTheInAppLog(t *testing.T) {
	st, d, clk := setup(t, nil)
	n := queue(st, arqir.ChannelSlackChannel, clk.t)
	d.Drain(context.Background())
	if n.State != arqir.NotificationDelivered || n.Reason == "" {
		t.Fatalf("state %s reason %q; want delivered to the in-app log with a reason saying so", n.State, n.Reason)
	}
}

func TestPagesToSchedulesResolveToWhoeverIsOnCallThen(t *testing.T) {
	st, d, clk := setup(t, nil)
	n := queue(st, "", clk.t)
	n.Target = "schedule:primary"
	d.Drain(context.Background())
	if n.State != arqir.NotificationFailed {
		t.Fatalf("with nobody on call the page is %s; want failed with the reason", n.State)
	}
	st.users["ada"] = &arqir.User{Handle: "ada", Name: "Ada", Email: "ada@example.com"}
	st.oncall = "ada"
	n2 := queue(st, "", clk.t)
	n2.Target, n2.Key = "schedule:primary", "INC-7/page/1/schedule:primary"
	d.Drain(context.Background())
	if n2.State != arqir.NotificationDelivered || len(st.n) != 3 || st.n[2].Address != "ada@example.com" || st.n[2].Key != n2.Key+"/email" {
		t.Fatalf("page resolved to %+v", st.n[len(st.n)-1])
	}
}

// Per-provider rate limits: a send over the channel's rate waits for its
// turn up to the send timeout, then goes back to the queue instead of
// hammering the provider into 429s.
func TestPerChannelRateLimitQueuesWhatItCannotSendNow(t *testing.T) {
	f := &scripted{channel: arqir.ChannelSlackChannel}
	clk := &clock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}
	st := newMemStore()
	reg := notify.NewRegistry(&scripted{channel: arqir.ChannelInApp})
	reg.Register(f)
	d := New(Config{Store: st, Registry: reg, Now: clk.now, Resolve: nil2, SendTimeout: 20 * time.Millisecond,
		Limits: map[string]float64{arqir.ChannelSlackChannel: 0.001}})
	a, b := queue(st, arqir.ChannelSlackChannel, clk.t), queue(st, arqir.ChannelSlackChannel, clk.t)
	d.RunOnce(context.Background())
	sent, waiting := a, b
	if a.State != arqir.NotificationDelivered {
		sent, waiting = b, a
	}
	if sent.State != arqir.NotificationDelivered || waiting.State != arqir.NotificationQueued || !strings.Contains(waiting.Reason, "rate limit") || len(f.jobs) != 1 {
		t.Fatalf("states %s/%s (%q) after %d sends; want one sent and one queued again by the rate limit", a.State, b.State, waiting.Reason, len(f.jobs))
	}
}

func nil2(*arqir.Notification, arqir.Contact, []string) ([]arqir.NotificationIntent, error) {
	return nil, nil
}

// hanging blocks every Notify until its context ends.
type hanging struct{ started chan struct{} }

func (h *hanging) Channel() string { return arqir.ChannelPagerDuty }
func (h *hanging) Notify(ctx context.Context, _ *notify.Job) (notify.Receipt, error) {
	h.started <- struct{}{}
	<-ctx.Done()
	return notify.Receipt{}, notify.TransportError("pagerduty", ctx.Err())
}

// One provider that hangs holds only its own worker: the other workers keep
// claiming and sending, so a slow gateway cannot hold every page back.
func TestAHangingProviderDoesNotHoldOtherPagesBack(t *testing.T) {
	h := &hanging{started: make(chan struct{}, 1)}
	fast := &scripted{channel: arqir.ChannelEmail}
	clk := &clock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}
	st := newMemStore()
	reg := notify.NewRegistry(&scripted{channel: arqir.ChannelInApp})
	reg.Register(h)
	reg.Register(fast)
	d := New(Config{Store: st, Registry: reg, Now: clk.now, Resolve: nil2, Workers: 2, SendTimeout: time.Minute, Idle: 5 * time.Millisecond})
	queue(st, arqir.ChannelPagerDuty, clk.t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	<-h.started // one worker is now stuck
	for range 5 {
		st.mu.Lock()
		st.n = append(st.n, &arqir.Notification{ID: int64(len(st.n) + 1), IncidentID: 7, Key: "INC-7/e", Purpose: arqir.PurposeStatusUpdate, Channel: arqir.ChannelEmail, State: arqir.NotificationQueued, NotBefore: clk.t})
		st.mu.Unlock()
		d.Wake()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		fast.mu.Lock()
		sent := len(fast.jobs)
		fast.mu.Unlock()
		if sent == 5 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of 5 e-mails sent while PagerDuty hangs", sent)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestAFreedSlotClaimsOnlyWhenWorkWasLeftForWantOfSlots: recording a
// result frees a slot; that is worth a claim only when the last claim
// filled every free slot. With room to spare, the last claim took all
// that was due, so nothing else claims until a Wake or the timer: a claim
// after each recorded batch, nearly always empty, was most of the claim
// transactions under load. With one slot and three due, each freed slot
// does claim the next, and the fourth claim finds the queue empty.
func TestAFreedSlotClaimsOnlyWhenWorkWasLeftForWantOfSlots(t *testing.T) {
	for _, c := range []struct {
		name         string
		workers, due int
		claims       int
	}{
		{"room to spare", 4, 1, 1},
		{"one slot", 1, 3, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			email := &scripted{channel: arqir.ChannelEmail}
			clk := &clock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}
			st := newMemStore()
			reg := notify.NewRegistry(&scripted{channel: arqir.ChannelInApp})
			reg.Register(email)
			d := New(Config{Store: st, Registry: reg, Now: clk.now, Resolve: nil2, Workers: c.workers, Idle: time.Hour})
			for range c.due {
				queue(st, arqir.ChannelEmail, clk.t)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { d.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			deadline := time.Now().Add(10 * time.Second)
			for {
				st.mu.Lock()
				recorded := len(st.batches) + len(st.singles)
				delivered := 0
				for _, n := range st.n {
					if n.State == arqir.NotificationDelivered {
						delivered++
					}
				}
				st.mu.Unlock()
				if delivered == c.due && recorded > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d of %d delivered", delivered, c.due)
				}
				time.Sleep(2 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond) // a claim after the last freed slot would come now
			st.mu.Lock()
			claims := st.claims
			st.mu.Unlock()
			if claims != c.claims {
				t.Fatalf("%d claims for %d due with %d slots, want %d", claims, c.due, c.workers, c.claims)
			}
		})
	}
}
