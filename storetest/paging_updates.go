package storetest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// Status updates (C2) and server secrets.

func testPostUpdate(e *env) {
	p := e.pager(nil)
	inc := e.declare("SEV2", "Checkout errors")
	declared := inc.DeclaredAt
	due := pendingOf(inc, arqir.DeadlineStatusUpdate)
	if due == nil || !due.DueAt.Equal(declared.Add(15*time.Minute)) {
		e.t.Fatalf("a SEV2 was declared with status update deadline %+v, want one due in 15 min", due)
	}
	p.take()

	now := micro(e.clock.Advance(10 * time.Minute))
	up := e.must(e.st.PostUpdate(e.ctx, inc.ID, arqir.StatusUpdate{Status: arqir.StatusIdentified, Investigating: "the payment gateway", Findings: "timeouts since the deploy", ETA: "30 min"}, as))
	switch {
	case up.Status != arqir.StatusIdentified || up.LastUpdateAt == nil || !up.LastUpdateAt.Equal(now) || up.Version != 2:
		e.t.Fatalf("after the update: status %s, last update %v, version %d", up.Status, up.LastUpdateAt, up.Version)
	case up.Deadlines[due.seq].MetAt == nil || !up.Deadlines[due.seq].MetAt.Equal(now):
		e.t.Fatalf("the update deadline after the update: %+v, want met at %v", up.Deadlines[due.seq], now)
	}
	next := pendingOf(up, arqir.DeadlineStatusUpdate)
	if next == nil || !next.DueAt.Equal(now.Add(15*time.Minute)) {
		e.t.Fatalf("next update deadline = %+v, want one due 15 min after the update", next)
	}
	events := e.timeline(inc.ID)
	tail := events[len(events)-2:]
	equal(e.t, "events of the update", kinds(tail), []string{arqir.EventStatusChanged, arqir.EventStatusUpdate})
	if d := tail[1].Data; d["findings"] != "timeouts since the deploy" || d["eta"] != "30 min" || d["status"] != string(arqir.StatusIdentified) {
		e.t.Fatalf("update event data = %v", d)
	}
	if calls := p.take(); len(calls) != 1 || calls[0].after.LastUpdateAt == nil || calls[0].before.LastUpdateAt != nil {
		e.t.Fatalf("the update planned %d times (%+v)", len(calls), calls)
	}

	// The next update is due 15 minutes after this one, not after the first.
	if _, err := e.st.SweepDeadlines(e.ctx, now.Add(15*time.Minute-time.Microsecond)); err != nil {
		e.t.Fatal(err)
	}
	if d := pendingOf(e.get(inc.ID), arqir.DeadlineStatusUpdate); d == nil || d.seq != next.seq {
		e.t.Fatalf("the update deadline breached early: %+v", e.get(inc.ID).Deadlines)
	}
	if _, err := e.st.SweepDeadlines(e.ctx, now.Add(15*time.Minute)); err != nil {
		e.t.Fatal(err)
	}
	if d := e.get(inc.ID).Deadlines[next.seq]; d.BreachedAt == nil {
		e.t.Fatalf("the missed update deadline = %+v, want breached", d)
	}

	// A SEV3 needs no updates: one is recorded, none is armed.
	minor := e.declare("SEV3", "Slow search")
	got := e.must(e.st.PostUpdate(e.ctx, minor.ID, arqir.StatusUpdate{Findings: "one slow shard"}, as))
	if got.LastUpdateAt == nil || pendingOf(got, arqir.DeadlineStatusUpdate) != nil {
		e.t.Fatalf("a SEV3 update: last update %v, deadlines %+v", got.LastUpdateAt, got.Deadlines)
	}
	before := e.snap(minor.ID)
	_, err := e.st.PostUpdate(e.ctx, minor.ID, arqir.StatusUpdate{ETA: "soon"}, as)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "investigating")
	_, err = e.st.PostUpdate(e.ctx, 999, arqir.StatusUpdate{Findings: "x"}, as)
	wantCode(e.t, err, arqir.ENOTFOUND)
	e.unchanged(before)
}

// pendingDeadline is a pending deadline and its position.
type pendingDeadline struct {
	arqir.Deadline
	seq int
}

// pendingOf returns the pending deadline of a kind, or nil.
func pendingOf(inc *arqir.Incident, kind string) *pendingDeadline {
	for i, d := range inc.Deadlines {
		if d.Kind == kind && d.Pending() {
			return &pendingDeadline{d, i}
		}
	}
	return nil
}

func testServerSecret(e *env) {
	const name = "ack-links"
	a, err := e.st.ServerSecret(e.ctx, name)
	if err != nil || len(a) != 32 || bytes.Equal(a, make([]byte, 32)) {
		e.t.Fatalf("ServerSecret = %x (%v), want 32 random bytes", a, err)
	}
	other := e.another()
	b, err := other.ServerSecret(e.ctx, name)
	if err != nil || !bytes.Equal(a, b) {
		e.t.Fatalf("another replica got %x (%v), want %x", b, err, a)
	}
	c, err := e.st.ServerSecret(e.ctx, "webhook-signing")
	if err != nil || len(c) != 32 || bytes.Equal(a, c) {
		e.t.Fatalf("a second secret = %x (%v), want 32 other bytes", c, err)
	}

	// Replicas asking for a new secret at once all get the one that won.
	stores := []arqir.Store{e.st, other}
	got := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := stores[i%2].ServerSecret(e.ctx, "raced")
			if err != nil {
				e.t.Errorf("ServerSecret: %v", err)
			}
			got[i] = s
		}()
	}
	wg.Wait()
	for _, s := range got[1:] {
		if !bytes.Equal(s, got[0]) || len(s) != 32 {
			e.t.Fatalf("replicas racing got different secrets: %x", got)
		}
	}

	// No secret in error text.
	for _, bad := range []string{"", strings.Repeat("x", 101)} {
		_, err := e.st.ServerSecret(e.ctx, bad)
		wantCode(e.t, err, arqir.EINVALID)
		msg := err.Error()
		for _, s := range [][]byte{a, c} {
			for _, form := range []string{string(s), hex.EncodeToString(s), base64.StdEncoding.EncodeToString(s), base64.RawURLEncoding.EncodeToString(s)} {
				if strings.Contains(msg, form) {
					e.t.Fatalf("the error %q shows a secret", msg)
				}
			}
		}
	}
}
