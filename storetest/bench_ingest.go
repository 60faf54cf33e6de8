package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// IngestBenchmark measures Ingest under the real clock, durably committed:
// each op is one request, sent from many goroutines at once so that the
// store's group commit has company to batch. It applies a policy and
// installs AlertRules on st.
//
//	single/distinct     64 senders, 1 new alert per request
//	single/duplicate    64 senders, 1 alert per request out of 1 000 firing ones
//	batch100/distinct   16 senders, 100 new alerts per request
//	batch100/duplicate  16 senders, 100 alerts per request out of 1 000 firing ones
//
// New alerts share one group (one alertname and service, many instances),
// as in an alert storm: they attach to one incident. Every request carries
// its own request key, as the HTTP API sends one. Besides ns/op it reports
// alerts/s, the median and 99th percentile latency of a request, and the
// CPU time this process spent per alert (cpu-ns/alert, user and system
// time from the kernel: on SQLite that includes the database, on
// PostgreSQL only the client side), which varies less than throughput on a
// machine other work shares.
func IngestBenchmark(b *testing.B, st arqir.Store) {
	ctx := context.Background()
	rec, _, err := st.ApplyPolicy(ctx, "bench", "sha256:bench", []byte("bench"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	st.SetRules(AlertRules(rec.Revision))
	var runs atomic.Int64
	for _, tc := range []struct {
		name          string
		perRequest    int
		senders, keys int
	}{
		{"single/distinct", 1, 64, 0},
		{"single/duplicate", 1, 64, 1000},
		{"batch100/distinct", 100, 16, 0},
		{"batch100/duplicate", 100, 16, 1000},
	} {
		b.Run(tc.name, func(b *testing.B) {
			run := runs.Add(1)
			_, in, err := st.CreateIntegration(ctx, arqir.NewIntegration{Name: fmt.Sprint("bench-", run), Kind: arqir.KindGeneric, Service: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < tc.keys; i += 100 { // the duplicates fire before the clock starts
				events := make([]arqir.AlertEvent, 0, 100)
				for j := i; j < min(i+100, tc.keys); j++ {
					events = append(events, benchEvent(fmt.Sprint("dup-", j)))
				}
				if _, err := st.Ingest(ctx, in.ID, "", events); err != nil {
					b.Fatal(err)
				}
			}
			var seq atomic.Int64
			var mu sync.Mutex
			var times []time.Duration
			b.SetParallelism((tc.senders + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuSeconds()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				events := make([]arqir.AlertEvent, tc.perRequest)
				for pb.Next() {
					n := seq.Add(1)
					for j := range events {
						k := fmt.Sprint(run, "-", n, "-", j)
						if tc.keys > 0 {
							k = fmt.Sprint("dup-", rand.IntN(tc.keys))
						}
						events[j] = benchEvent(k)
					}
					t0 := time.Now()
					if _, err := st.Ingest(ctx, in.ID, fmt.Sprint("req-", run, "-", n), events); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				times = append(times, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			cpu := cpuSeconds() - cpu0
			b.StopTimer()
			b.ReportMetric(float64(b.N*tc.perRequest)/elapsed.Seconds(), "alerts/s")
			if cpu >= 0 {
				b.ReportMetric(cpu*1e9/float64(b.N*tc.perRequest), "cpu-ns/alert")
			}
			reportPercentiles(b, times)
		})
	}
}

func benchEvent(key string) arqir.AlertEvent {
	return arqir.AlertEvent{
		DedupKey: key, Status: arqir.AlertFiring, Summary: "Error rate above 5% on " + key,
		Labels:      map[string]string{"alertname": "BenchErrors", "instance": key, "job": "api", "severity": "warning"},
		Annotations: map[string]string{"description": "5xx ratio over the last 5 minutes", "runbook_url": "https://runbooks.example/errors"},
		StartsAt:    time.Now().Add(-time.Minute),
	}
}
