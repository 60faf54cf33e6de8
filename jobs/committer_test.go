package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// claimAll queues k in-app notifications and claims them as a dispatcher
// would, slots included.
func claimAll(t *testing.T, st *memStore, d *Dispatcher, k int, at time.Time) []*arqir.Notification {
	t.Helper()
	for range k {
		queue(st, arqir.ChannelInApp, at)
	}
	claimed, err := st.ClaimNotifications(context.Background(), at, time.Minute, k)
	if err != nil || len(claimed) != k {
		t.Fatalf("claimed %d of %d: %v", len(claimed), k, err)
	}
	d.slots.take(k)
	return claimed
}

// recordTogether hands every result to a committer that is not running
// yet, then starts it: the results are all waiting, as when many sends end
// during one transaction.
func recordTogether(t *testing.T, d *Dispatcher, ns []*arqir.Notification, del arqir.Delivery) []arqir.FinishOutcome {
	t.Helper()
	c := d.newCommitter(context.Background())
	outs := make([]arqir.FinishOutcome, len(ns))
	var wg sync.WaitGroup
	for i, n := range ns {
		wg.Add(1)
		go func() { defer wg.Done(); outs[i] = c.record(n, del) }()
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(c.in) < min(len(ns), cap(c.in)) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d results reached the committer", len(c.in), len(ns))
		}
		time.Sleep(time.Millisecond)
	}
	go c.run()
	wg.Wait()
	c.stop()
	return outs
}

var delivered = arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: "ok"}

func TestResultsWaitingTogetherAreRecordedInOneTransaction(t *testing.T) {
	st, d, clk := setup(t, nil)
	claimed := claimAll(t, st, d, 5, clk.t)
	outs := recordTogether(t, d, claimed, delivered)
	if len(st.batches) != 1 || !slices.Equal(sorted(st.batches[0]), []int64{1, 2, 3, 4, 5}) || len(st.singles) != 0 {
		t.Fatalf("FinishNotifications calls %v, FinishNotification calls %v; want the 5 results in one call", st.batches, st.singles)
	}
	for i, o := range outs {
		if o.Err != nil || st.n[i].State != arqir.NotificationDelivered {
			t.Fatalf("result %d: %v, state %s; want recorded as delivered", i+1, o.Err, st.n[i].State)
		}
	}
	if free := d.slots.free(); free != d.cfg.Workers {
		t.Fatalf("%d slots free after every result was recorded; want all %d", free, d.cfg.Workers)
	}
}

// One transaction is bounded: a backlog of results is recorded 64 at a time.
func TestARecordedBatchHoldsAtMost64Results(t *testing.T) {
	st, d, clk := setup(t, nil)
	d.slots = newSlots(100)
	recordTogether(t, d, claimAll(t, st, d, 70, clk.t), delivered)
	total := 0
	for _, b := range st.batches {
		if len(b) > maxRecordBatch {
			t.Fatalf("a FinishNotifications call of %d results; want at most %d", len(b), maxRecordBatch)
		}
		total += len(b)
	}
	if total != 70 || len(st.batches[0]) != maxRecordBatch {
		t.Fatalf("batches of %v; want 70 results, the first %d together", batchSizes(st.batches), maxRecordBatch)
	}
}

func sorted(ids []int64) []int64 { return slices.Sorted(slices.Values(ids)) }

func batchSizes(b [][]int64) []int {
	var out []int
	for _, ids := range b {
		out = append(out, len(ids))
	}
	return out
}

// A claim another dispatcher took over is that result's conflict, not the
// batch's: the other results are recorded.
func TestALostClaimInABatchDoesNotLoseTheOthers(t *testing.T) {
	st, d, clk := setup(t, nil)
	claimed := claimAll(t, st, d, 3, clk.t)
	st.n[1].Attempts++ // its lease lapsed and another dispatcher claimed it again
	outs := recordTogether(t, d, claimed, delivered)
	if len(st.batches) != 1 || arqir.ErrorCode(outs[1].Err) != arqir.ECONFLICT || outs[0].Err != nil || outs[2].Err != nil {
		t.Fatalf("calls %v, outcomes %v / %v / %v; want one call answering ECONFLICT for the second result only", st.batches, outs[0].Err, outs[1].Err, outs[2].Err)
	}
	if st.n[0].State != arqir.NotificationDelivered || st.n[1].State != arqir.NotificationSending || st.n[2].State != arqir.NotificationDelivered {
		t.Fatalf("states %s / %s / %s; want the two results still ours recorded", st.n[0].State, st.n[1].State, st.n[2].State)
	}
}

// A batch the store refuses as a whole is recorded one result at a time:
// one bad row fails alone.
func TestABatchErrorFallsBackToRecordingOneAtATime(t *testing.T) {
	st, d, clk := setup(t, nil)
	claimed := claimAll(t, st, d, 3, clk.t)
	st.batchErr = errors.New("database disk image is malformed")
	st.singleErr = map[int64]error{2: errors.New("CHECK constraint failed")}
	outs := recordTogether(t, d, claimed, delivered)
	if len(st.batches) != 1 || !slices.Equal(sorted(st.singles), []int64{1, 2, 3}) {
		t.Fatalf("FinishNotifications calls %v, FinishNotification calls %v; want one batch, then each result on its own", st.batches, st.singles)
	}
	if outs[0].Err != nil || outs[1].Err == nil || outs[2].Err != nil || st.n[0].State != arqir.NotificationDelivered || st.n[2].State != arqir.NotificationDelivered {
		t.Fatalf("outcomes %v / %v / %v, states %s / %s; want only the bad row failed", outs[0].Err, outs[1].Err, outs[2].Err, st.n[0].State, st.n[2].State)
	}
	if free := d.slots.free(); free != d.cfg.Workers {
		t.Fatalf("%d slots free; a result that could not be recorded must free its slot too (its claim lapses in the store)", free)
	}
}

// The worker of a result that could not be recorded reports it; the worker
// of a lost claim only warns (another dispatcher's result counts).
func TestRecordingFailuresAreReportedAndLostClaimsOnlyWarned(t *testing.T) {
	var logs bytes.Buffer
	steal := &stealing{}
	st, d, clk := setup(t, nil)
	d.cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	d.cfg.Registry.Register(steal)
	steal.st = st
	n := queue(st, arqir.ChannelWebhook, clk.t)
	if _, err := d.RunOnce(context.Background()); err != nil {
		t.Fatalf("RunOnce: %v; a lost claim is not an error of ours", err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "claim lost") || n.State != arqir.NotificationSending {
		t.Fatalf("log %q, state %s; want a warning and the other dispatcher's claim kept", logs.String(), n.State)
	}

	queue(st, arqir.ChannelInApp, clk.t)
	st.batchErr = errors.New("disk I/O error")
	st.singleErr = map[int64]error{2: errors.New("disk I/O error")}
	if _, err := d.RunOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "record notification 2") {
		t.Fatalf("RunOnce: %v; want the recording failure of notification 2", err)
	}
}

// stealing is a provider during whose call another dispatcher takes the
// claim over (our lease lapsed).
type stealing struct{ st *memStore }

func (s *stealing) Channel() string { return arqir.ChannelWebhook }
func (s *stealing) Notify(_ context.Context, j *notify.Job) (notify.Receipt, error) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	for _, n := range s.st.n {
		if n.ID == j.Notification.ID {
			n.Attempts++
		}
	}
	return notify.Receipt{Ref: "ok"}, nil
}

// gated holds every Notify until released, whatever its context says: a
// provider call in flight when the dispatcher is told to stop.
type gated struct {
	started chan struct{}
	release chan struct{}
}

func (g *gated) Channel() string { return arqir.ChannelWebhook }
func (g *gated) Notify(context.Context, *notify.Job) (notify.Receipt, error) {
	g.started <- struct{}{}
	<-g.release
	return notify.Receipt{Ref: "ok"}, nil
}

// Stopping waits for the sends in flight and records their results even
// though the context has ended: a page that went out and was not recorded
// would be sent again as ambiguous.
func TestStoppingRecordsEverySendStarted(t *testing.T) {
	g := &gated{started: make(chan struct{}, 2), release: make(chan struct{})}
	st, d, clk := setup(t, nil)
	d.cfg.Registry.Register(g)
	a, b := queue(st, arqir.ChannelWebhook, clk.t), queue(st, arqir.ChannelWebhook, clk.t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	<-g.started
	<-g.started
	cancel()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("Run returned while two sends were still in flight")
	default:
	}
	close(g.release)
	<-done
	if st.byID(a.ID).State != arqir.NotificationDelivered || st.byID(b.ID).State != arqir.NotificationDelivered {
		t.Fatalf("states %s / %s after Run returned; want both sends recorded as delivered", a.State, b.State)
	}
}

// A notification claimed but not attempted when the dispatcher stops (a
// resolution's per-channel copy) goes back to the queue at once, its
// attempt not counted, instead of lapsing into an ambiguous retry.
func TestAClaimNotAttemptedBeforeStoppingIsQueuedAgain(t *testing.T) {
	_, d, clk := setup(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := d.attempt(ctx, &arqir.Notification{ID: 1, Channel: arqir.ChannelInApp, Attempts: 1})
	if res.State != arqir.NotificationQueued || !res.Deferred || res.RetryAt.After(clk.t) {
		t.Fatalf("%+v; want queued again at once, deferred (attempt not counted)", res)
	}
}

func TestDefaultsKeepEveryClaimSentAtOnce(t *testing.T) {
	st, _, _ := setup(t, nil)
	reg := notify.NewRegistry(&scripted{channel: arqir.ChannelInApp})
	if d := New(Config{Store: st, Registry: reg, Resolve: nil2}); d.cfg.Workers != DefaultWorkers || d.cfg.Batch != DefaultWorkers {
		t.Fatalf("workers %d, batch %d; want %d each", d.cfg.Workers, d.cfg.Batch, DefaultWorkers)
	}
	if d := New(Config{Store: st, Registry: reg, Resolve: nil2, Workers: 4, Batch: 10}); d.cfg.Batch != 4 {
		t.Fatalf("batch %d with 4 workers; a claim must never take more than the slots", d.cfg.Batch)
	}
}
