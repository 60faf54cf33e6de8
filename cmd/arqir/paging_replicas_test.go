package main_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	fakewebhook "github.com/arqir/arqir/fake/webhook"
	"github.com/arqir/arqir/storetest"
)

// TestDeliveryContract_TwoReplicasOneKilledRepeatedly is delivery contract
// 3 and 6 with replicas: two `arqir serve` processes share one PostgreSQL
// schema while incidents are declared through both and one of them is
// killed with SIGKILL and restarted again and again. Every incident's page
// reaches the SMS gateway; the gateway, deduplicating on Idempotency-Key
// like a real one, acts on each notification exactly once; any repeat it
// receives comes from an attempt arqir recorded as ambiguous.
func TestDeliveryContract_TwoReplicasOneKilledRepeatedly(t *testing.T) {
	dsn := freshSchema(t, storetest.PostgresURL(t))
	ctx := context.Background()
	fake := fakewebhook.New(smsSecret)
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	args := []string{"--db", dsn, "--dispatch-lease", dispatchLease.String(), "--dispatch-send-timeout", (dispatchLease / 3).String()}

	a := startServe(t, dir, "a", smsEnv(fake), args...)
	if a.Token == "" {
		t.Fatal("the first start printed no admin token")
	}
	token := a.Token
	staffPrimary(t, apiClient(a, token))
	var b atomic.Pointer[proc] // the current replica B, running or killed
	b.Store(startServe(t, dir, "b-0", smsEnv(fake), args...))

	// The stream: declarations alternate between A and B. One sent to B
	// while B is down fails to connect and goes to A instead; one that may
	// have reached B (reset, EOF, timeout) is not repeated, since B may
	// have committed it: whether it did is read from the database at the end.
	const total = 60
	type outcome struct {
		title, id string
		via       string // the replica that answered
		unsure    error  // the request may or may not have been committed
		err       error  // refused: a failure of the test
	}
	outcomes := make(chan outcome, total)
	streamDone := make(chan struct{})
	go func() {
		defer close(streamDone)
		for i := range total {
			o := outcome{title: fmt.Sprintf("replica drill #%02d", i)}
			req := client.DeclareRequest{Title: o.title, Severity: severities[i%len(severities)]}
			to, name := a, "A"
			if i%2 == 1 {
				to, name = b.Load(), "B"
			}
			inc, err := apiClient(to, token).Declare(ctx, req)
			if err != nil && to != a && surelyNotSent(err) {
				name = "A (B was down)"
				inc, err = apiClient(a, token).Declare(ctx, req)
			}
			switch {
			case err == nil:
				o.id, o.via = inc.ID.String(), name
			case to != a && !surelyNotSent(err):
				o.unsure = err
			default:
				o.err = fmt.Errorf("declare %q via %s: %w", o.title, name, err)
			}
			outcomes <- o
			time.Sleep(50 * time.Millisecond) // a stream, not a burst: it spans the kills
		}
	}()

	// Kill B every 300–500 ms while the stream runs, restarting it at once.
	kills := 0
	for kills < 6 {
		select {
		case <-streamDone:
		case <-time.After(time.Duration(300+rand.IntN(200)) * time.Millisecond):
			b.Load().kill(t)
			kills++
			b.Store(startServe(t, dir, fmt.Sprintf("b-%d", kills), smsEnv(fake), args...))
			continue
		}
		break
	}
	select {
	case <-streamDone:
	case <-time.After(settleWithin):
		t.Fatalf("the stream of declarations did not end within %s", settleWithin)
	}
	close(outcomes)

	// Which incidents exist: every answered declaration, and those of the
	// unsure ones that B committed before it died, each at most once.
	declared := map[string]outcome{}
	vias := map[string]int{}
	unsure := 0
	for o := range outcomes {
		switch {
		case o.err != nil:
			t.Error(o.err)
		case o.unsure != nil:
			unsure++
			t.Logf("%s: sent to B as it was killed (%v); the database says whether it was declared", o.title, o.unsure)
		default:
			declared[o.title] = o
			vias[o.via]++
		}
	}
	if kills == 0 {
		t.Fatal("the stream ended before B was killed once")
	}
	page, err := apiClient(a, token).Incidents(ctx, client.ListOptions{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	byTitle := map[string]string{}
	for _, inc := range page.Incidents {
		if prev, dup := byTitle[inc.Title]; dup {
			t.Errorf("%q was declared twice: %s and %s", inc.Title, prev, inc.ID)
		}
		byTitle[inc.Title] = inc.ID.String()
		ids = append(ids, inc.ID.String())
	}
	for title, o := range declared {
		if byTitle[title] != o.id {
			t.Errorf("%q was declared as %s (via %s) but the database has %q", title, o.id, o.via, byTitle[title])
		}
	}
	if len(ids) < len(declared) || len(ids) > len(declared)+unsure {
		t.Errorf("%d incidents exist; %d declarations were answered and %d unsure", len(ids), len(declared), unsure)
	}

	// The survivors (A and the last B) finish everything, including what a
	// killed B had claimed: its claims lapse and are taken over.
	settled := waitSettled(t, apiClient(a, token), ids)
	sms := settled.sms()
	checkOnePagePerIncident(t, settled, ids)
	resent := checkAtLeastOnce(t, settled, fake)

	// Acted on: the gateway's first receipt of each key, exactly the SMS
	// notifications of the outbox.
	acted := map[string]bool{}
	for _, d := range fake.Deliveries() {
		acted[d.IdempotencyKey] = true
	}
	var missing, extra []string
	for key := range sms {
		if !acted[key] {
			missing = append(missing, key)
		}
	}
	for key := range acted {
		if sms[key] == nil {
			extra = append(extra, key)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("gateway acted on %d keys; missing %d: %s; not in the outbox %d: %s", len(acted), len(missing), strings.Join(missing, ", "), len(extra), strings.Join(extra, ", "))
	}

	ambiguous, takenOver := 0, 0
	for _, n := range sms {
		if n.Ambiguous > 0 {
			ambiguous++
		}
	}
	for _, n := range settled.all {
		if n.Ambiguous > 0 {
			takenOver++
		}
	}
	var viaList []string
	for v, n := range vias {
		viaList = append(viaList, fmt.Sprintf("%s: %d", v, n))
	}
	sort.Strings(viaList)
	t.Logf("B killed %d times; %d incidents (declared via %s; %d unsure); %d notifications (%s); SMS: %d delivered, %d acted on, "+
		"missing %d, duplicates acted on %d, %d re-sent (receipts repeating a key), %d with an ambiguous attempt (%d notifications of any channel taken over)",
		kills, len(ids), strings.Join(viaList, ", "), unsure, len(settled.all), countStates(settled.all), countState(sms, arqir.NotificationDelivered),
		len(acted), len(missing), len(fake.Deliveries())-len(acted), resent, ambiguous, takenOver)
}
