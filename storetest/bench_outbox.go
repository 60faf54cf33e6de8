package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// OutboxBenchmark measures the store side of the dispatcher: how many
// notifications per second it can claim and record as delivered, under the
// real clock, durably committed. Each op is one notification. Before the
// timer starts, SEV1 incidents are declared whose plan queues 11
// notifications each, as the default policy's SEV1 does: the initial
// notice (whose delivery meets C1: an incident change), two pages and
// eight informational copies. It applies a policy and installs PagingRules
// and a planner on st.
//
//	one-at-a-time/8-workers  8 goroutines, each claims 1 and finishes it (the dispatcher before batching)
//	batch64                  1 goroutine claims 64 and finishes them in one FinishNotifications
//	batch64/2-workers        2 such goroutines (two dispatchers, or two replicas' worth)
//
// Besides ns/op it reports notifications/s.
func OutboxBenchmark(b *testing.B, st arqir.Store) {
	ctx := context.Background()
	rec, _, err := st.ApplyPolicy(ctx, "bench", "sha256:bench", []byte("bench"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	st.SetRules(PagingRules(rec.Revision))
	st.SetPlanner(sev1Outbox{})
	a := arqir.Actor{Name: "bench", Source: arqir.SourceAPI}
	for _, tc := range []struct {
		name           string
		workers, batch int
	}{
		{"one-at-a-time/8-workers", 8, 1},
		{"batch64", 1, 64},
		{"batch64/2-workers", 2, 64},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i += 11 {
				if _, err := st.Declare(ctx, arqir.Declaration{Title: fmt.Sprint("Bench ", i), Severity: "SEV1"}, a); err != nil {
					b.Fatal(err)
				}
			}
			var done atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			t0 := time.Now()
			for range tc.workers {
				wg.Go(func() {
					for {
						claimed, err := st.ClaimNotifications(ctx, time.Now(), time.Minute, tc.batch)
						if err != nil {
							b.Error(err)
							return
						}
						if len(claimed) == 0 {
							return
						}
						results := make([]arqir.NotificationResult, len(claimed))
						for i, n := range claimed {
							results[i] = arqir.NotificationResult{ID: n.ID, Attempt: n.Attempts, Delivery: arqir.Delivery{State: arqir.NotificationDelivered}}
						}
						if err := finishResults(ctx, st, results, tc.batch); err != nil {
							b.Error(err)
							return
						}
						done.Add(int64(len(claimed)))
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(t0)
			b.StopTimer()
			b.ReportMetric(float64(done.Load())/elapsed.Seconds(), "notifications/s")
		})
	}
}

// finishResults records results one transaction each (batch 1, as
// FinishNotification) or in one FinishNotifications.
func finishResults(ctx context.Context, st arqir.Store, results []arqir.NotificationResult, batch int) error {
	if batch == 1 {
		for _, r := range results {
			if err := st.FinishNotification(ctx, r.ID, r.Attempt, r.Delivery, time.Now()); err != nil {
				return err
			}
		}
		return nil
	}
	out, err := st.FinishNotifications(ctx, results, time.Now(), 0)
	if err != nil {
		return err
	}
	for _, o := range out {
		if o.Err != nil {
			return o.Err
		}
	}
	return nil
}

// sev1Outbox plans what the default policy queues for a new SEV1
// incident: the initial notice, pages of both schedules, and copies to the
// executives, the escalation address and subscribers.
type sev1Outbox struct{}

func (sev1Outbox) Plan(before, after *arqir.Incident, _ []arqir.TimelineEvent, now time.Time) arqir.Plan {
	if before != nil {
		return arqir.Plan{}
	}
	plan := arqir.Plan{Notify: []arqir.NotificationIntent{
		{Purpose: arqir.PurposeInitialNotice, Target: "#incidents", Channel: arqir.ChannelSlackChannel, Address: "C1"},
		page(after.ID, 1, "schedule:primary"),
		page(after.ID, 1, "schedule:secondary"),
	}}
	for i := range 8 {
		plan.Notify = append(plan.Notify, arqir.NotificationIntent{Purpose: arqir.PurposeEscalation, Target: fmt.Sprint("exec-", i),
			Channel: arqir.ChannelEmail, Address: fmt.Sprintf("exec%d@example.com", i)})
	}
	return plan
}
