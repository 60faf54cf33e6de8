package e2e

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
	"github.com/arqir/arqir/client"
)

// newYork is the zone of the ARQ rotation (O3).
func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// replicas starts two arqir servers on one database, sharing one clock
// that starts at t0, as two replicas behind a load balancer.
func replicas(t *testing.T, t0 time.Time) (one, two *harness, ck *clock) {
	t.Helper()
	ck = &clock{now: t0}
	one = newHarness(t, func(c *app.Config) { c.Now = ck.Now })
	two = newHarness(t, func(c *app.Config) { c.DB = one.cfg.DB; c.Now = ck.Now })
	return one, two, ck
}

// sweepAll runs one scheduler tick on every replica at once.
func sweepAll(t *testing.T, hs ...*harness) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(hs))
	for i, h := range hs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = h.App.Sweep(context.Background())
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("sweep: %v", err)
		}
	}
}

// set moves the clock to t.
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// people adds users through the API.
func people(t *testing.T, c *client.Client, handles ...string) {
	t.Helper()
	for _, h := range handles {
		if _, err := c.CreateUser(context.Background(), client.UserRequest{Handle: h, Name: "Person " + h, TimeZone: "America/New_York"}); err != nil {
			t.Fatalf("add %s: %v", h, err)
		}
	}
}

// reportsOf lists a schedule's handoff reports, failing on error.
func reportsOf(t *testing.T, c *client.Client, schedule string) []*arqir.HandoffReport {
	t.Helper()
	list, err := c.Handoffs(context.Background(), schedule, 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// inboxOf lists a user's messages of a kind.
func inboxOf(t *testing.T, c *client.Client, user, kind string) []*arqir.InAppMessage {
	t.Helper()
	msgs, err := c.Inbox(context.Background(), user, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []*arqir.InAppMessage
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}
