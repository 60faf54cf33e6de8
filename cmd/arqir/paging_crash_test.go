package main_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/fake/fault"
	fakewebhook "github.com/arqir/arqir/fake/webhook"
)

// dispatchLease is the --dispatch-lease of the delivery-contract tests:
// short, so a send interrupted by a crash is taken over within seconds.
const dispatchLease = 2 * time.Second

// TestDeliveryContract_SIGKILLMidSendLosesNoPage is delivery contract 2 and
// 3 across a crash: the SMS gateway hangs, arqir is killed with SIGKILL
// while pages are on the wire, and restarted on the same SQLite file. Every
// notification still reaches a terminal state, every page reaches the
// gateway, and a page the gateway got twice was re-sent only because the
// first attempt's outcome was unknown, with the same Idempotency-Key.
//
// A request the gateway held until arqir died ends when the connection
// drops; the fake then records nothing (the gateway never answered, so it
// acted on nothing): such a page must be re-sent after the restart.
func TestDeliveryContract_SIGKILLMidSendLosesNoPage(t *testing.T) {
	ctx := context.Background()
	fake := fakewebhook.New(smsSecret)
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	args := []string{"--db", filepath.Join(dir, "arqir.db"), "--dispatch-lease", dispatchLease.String(), "--dispatch-send-timeout", (dispatchLease / 3).String()}

	first := startServe(t, dir, "serve-1", smsEnv(fake), args...)
	if first.Token == "" {
		t.Fatal("the first start printed no admin token")
	}
	token := first.Token
	staffPrimary(t, apiClient(first, token))

	// The gateway holds the next requests until their client gives up. The
	// dispatcher runs 8 sends at once (jobs.Config.Workers) and waits for a
	// batch before claiming the next, so at most 8 can be held.
	const held = 8
	fake.Faults.Next(fault.Hang, held, 0)

	// Declared all at once, so the dispatcher's first batches take several
	// incidents' pages onto the wire together.
	c := apiClient(first, token)
	ids := make([]string, 20)
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			inc, err := c.Declare(ctx, client.DeclareRequest{Title: fmt.Sprintf("crash drill #%02d", i), Severity: severities[i%len(severities)]})
			if err != nil {
				errs[i] = fmt.Errorf("declare #%d: %w", i, err)
				return
			}
			ids[i] = inc.ID.String()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an SMS held by the gateway", func() bool { return fake.Faults.Injected() > 0 })
	crash, err := readOutbox(ctx, c, ids)
	if err != nil {
		t.Fatal(err)
	}
	inFlight := map[string]bool{} // SMS claimed and on the wire (or waiting for a worker) at the crash
	for key, n := range crash.sms() {
		if n.State == arqir.NotificationSending {
			inFlight[key] = true
		}
	}
	if len(inFlight) == 0 {
		t.Fatalf("no SMS was sending although the gateway holds %d requests: %s", fake.Faults.Injected(), countStates(crash.all))
	}
	leases := map[time.Duration]int{}
	for _, n := range crash.all {
		if n.State == arqir.NotificationSending && n.ClaimedUntil != nil {
			leases[n.ClaimedUntil.Sub(n.UpdatedAt).Round(time.Second)]++
		}
	}
	heldAtCrash := fake.Faults.Injected()
	first.kill(t)
	crashedAt := time.Now()

	// Requests of the dead process ended with their connections; the
	// faults it did not use are taken by requests of our own, so none is
	// left to hold a send of the restarted server.
	drainFaults(t, fake, held)
	gotBeforeRestart := map[string]bool{}
	for _, r := range receiptsOf(fake) {
		gotBeforeRestart[r.key] = true
	}
	beforeRestart := len(fake.Received())

	second := startServe(t, dir, "serve-2", smsEnv(fake), args...)
	settled := waitSettled(t, apiClient(second, token), ids)
	recovered := time.Since(crashedAt)

	sms := settled.sms()
	checkOnePagePerIncident(t, settled, ids)
	resent := checkAtLeastOnce(t, settled, fake)
	ambiguous := 0
	for key, n := range sms {
		if n.Ambiguous > 0 {
			ambiguous++
		}
		// Sending when the outbox was read: unless that send still
		// completed before the kill, the crash interrupted it, and the
		// attempt's outcome is unknown.
		if inFlight[key] && n.Ambiguous == 0 && !gotBeforeRestart[key] {
			t.Errorf("%s was sending when the server was killed but has no ambiguous attempt: the interrupted send is not recorded", key)
		}
	}
	if open := settled.open(); len(open) > 0 {
		t.Errorf("%d notifications not terminal", len(open))
	}
	t.Logf("%d incidents, %d notifications (%s); SMS: %d delivered, %d in flight at the SIGKILL (%d requests held by the gateway), "+
		"%d with an ambiguous attempt (outbox at the kill: %s), %d receipts (%d before the restart), %d repeated a key; claims at the crash ran for %v (--dispatch-lease %s); all terminal %s after the kill",
		len(ids), len(settled.all), countStates(settled.all), countState(sms, arqir.NotificationDelivered), len(inFlight), heldAtCrash,
		ambiguous, countStates(crash.all), len(fake.Received()), beforeRestart, resent, leases, dispatchLease, recovered.Round(100*time.Millisecond))
}

// drainFaults takes the gateway's faults that are still queued with
// requests of the test's own until held were used, then lets them go.
// Nothing else may be sending to the fake.
func drainFaults(t *testing.T, fake *fakewebhook.Server, held int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range held - fake.Faults.Injected() {
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fake.URL(), strings.NewReader("{}"))
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	waitFor(t, "the gateway's remaining faults to be used", func() bool { return fake.Faults.Injected() == held })
	cancel()
	fake.Faults.Release()
}

func countState(ns map[string]*arqir.Notification, s arqir.NotificationState) int {
	c := 0
	for _, n := range ns {
		if n.State == s {
			c++
		}
	}
	return c
}
