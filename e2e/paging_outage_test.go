package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/fake/fault"
	fakeslack "github.com/arqir/arqir/fake/slack"
)

// A provider outage: PagerDuty answers 500, then hangs, then rate-limits
// with Retry-After, then recovers. The trigger is retried with backoff,
// never before Retry-After, and delivered after recovery with the same
// idempotency key; every failed attempt is on the timeline. A permanent
// refusal (an archived #incidents) is not retried and shows its reason.
func TestDeliveryContract_ProviderOutageRetriesAndHonoursRetryAfter(t *testing.T) {
	p := newPager(t, func(c *app.Config) { c.DispatchSendTimeout = 300 * time.Millisecond })
	p.staff()
	p.v.Slack.Archive(fakeslack.IncidentsChannelID)
	p.v.PD.Faults.Next(fault.ServerError, 1, 0)
	p.v.PD.Faults.Next(fault.Hang, 1, 0)
	p.v.PD.Faults.Next(fault.RateLimit, 1, 120*time.Second)
	t.Cleanup(p.v.PD.Faults.Release)

	inc := p.declare(p.Admin, "Search slow", "SEV3")
	p.dispatch()
	p.takePage("1")
	trigger := func() *arqir.Notification {
		for _, n := range p.notifications(inc.ID) {
			if n.Channel == arqir.ChannelPagerDuty {
				return n
			}
		}
		t.Fatal("no PagerDuty notification")
		return nil
	}
	notice := func() *arqir.Notification {
		for _, n := range p.notifications(inc.ID) {
			if n.Purpose == arqir.PurposeInitialNotice {
				return n
			}
		}
		t.Fatal("no initial notice")
		return nil
	}
	if n := notice(); n.State != arqir.NotificationFailed || n.Attempts != 1 || !strings.Contains(n.Reason, "archived") {
		t.Errorf("initial notice to an archived channel: %s after %d attempts (%q); want failed at once with the reason", n.State, n.Attempts, n.Reason)
	}
	if n := trigger(); n.State != arqir.NotificationQueued || n.Attempts != 1 || !strings.Contains(n.Reason, "500") {
		t.Fatalf("after a 500 the trigger is %s after %d attempts (%q); want queued for a retry", n.State, n.Attempts, n.Reason)
	}

	p.Clock.Advance(2 * time.Second) // the first backoff is 1–2s
	p.dispatch()                     // the provider hangs: the send times out
	if n := trigger(); n.State != arqir.NotificationQueued || n.Attempts != 2 || n.Ambiguous != 1 {
		t.Fatalf("after a hang the trigger is %s, attempts %d, ambiguous %d; want queued, 2, 1", n.State, n.Attempts, n.Ambiguous)
	}
	p.Clock.Advance(4 * time.Second) // the second backoff is 2–4s
	p.dispatch()                     // 429 with Retry-After: 120
	n := trigger()
	if n.State != arqir.NotificationQueued || n.Attempts != 3 || n.NotBefore.Before(p.Clock.Now().Add(120*time.Second)) {
		t.Fatalf("after a 429 the trigger is %s (attempt %d) due %s; want queued no earlier than Retry-After", n.State, n.Attempts, n.NotBefore)
	}
	p.Clock.Advance(119 * time.Second)
	p.dispatch()
	if len(p.v.PD.Events()) != 0 || trigger().Attempts != 3 {
		t.Fatal("retried before Retry-After")
	}
	p.Clock.Advance(time.Second)
	p.dispatch()
	p.out.expect("pagerduty", func(o outbound) bool { return o.Action == "trigger" && o.To == inc.ID.String() }, "the trigger after recovery")
	if n := trigger(); n.State != arqir.NotificationDelivered || n.Attempts != 4 {
		t.Errorf("trigger %s after %d attempts; want delivered on the 4th", n.State, n.Attempts)
	}
	var retries, failed int
	for _, e := range p.timeline(inc.ID) {
		switch e.Kind {
		case arqir.EventNotificationRetry:
			retries++
		case arqir.EventNotificationFailed:
			failed++
			if !strings.Contains(e.Message, "archived") {
				t.Errorf("failure on the timeline without its reason: %q", e.Message)
			}
		}
	}
	if retries != 3 || failed != 1 {
		t.Errorf("timeline has %d retries and %d failures; want the 3 failed attempts and the 1 refusal", retries, failed)
	}
}

// A page that could not go out within the policy's stale_after (30 min: the
// server was down) is expired and shown, not sent: a half-hour-old page
// helps nobody. The escalation deadlines that passed meanwhile page afresh.
func TestDeliveryContract_StalePageIsExpiredNotSent(t *testing.T) {
	p := newPager(t)
	p.staff()
	inc := p.declare(p.Admin, "Search slow", "SEV3")
	p.Clock.Advance(31 * time.Minute)
	p.dispatch() // the first dispatch since the declaration, 31 minutes late
	var expired int
	for _, n := range p.notifications(inc.ID) {
		if n.State == arqir.NotificationExpired {
			expired++
			if !strings.Contains(n.Reason, "stale") {
				t.Errorf("expired without saying why: %q", n.Reason)
			}
		}
	}
	if expired == 0 {
		t.Fatal("nothing expired after 31 minutes")
	}
	if !p.hasEvent(inc.ID, arqir.EventNotificationExpired, "") {
		t.Error("the expiry is not on the timeline")
	}
	p.out.none("stale notifications must not be sent")
}
