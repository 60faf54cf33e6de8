package storetest

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// ListBenchmark measures listing pages of 50 from a store that already holds
// many incidents (the caller seeds them: with 100 000 incidents, each
// status×severity pair holds about 6 000). Each sub-benchmark walks 20 pages
// deep along the cursor and starts again, and reports the 99th percentile
// of a page besides the mean (ns/op).
func ListBenchmark(b *testing.B, st arqir.Store) {
	for _, tc := range []struct {
		name string
		f    arqir.IncidentFilter
	}{
		{"status=INVESTIGATING,severity=SEV2", arqir.IncidentFilter{Statuses: []arqir.Status{arqir.StatusInvestigating}, Severities: []string{"SEV2"}}},
		{"all", arqir.IncidentFilter{}},
		{"open", arqir.IncidentFilter{Open: ptr(true)}},
		{"service", arqir.IncidentFilter{Service: "svc-7"}},
		// Word-prefix search: "incident" begins a word of every seeded
		// title ("Seeded incident <i>"), "4242" one of 11 (4242, 42420–42429),
		// so the index must intersect a term matching all with a rare one.
		{"query", arqir.IncidentFilter{Query: "incident 4242"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			f := tc.f
			f.Limit = 50
			times := make([]time.Duration, 0, b.N)
			pages := 0
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				page, err := st.Incidents(ctx, f)
				times = append(times, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				pages++
				if f.Cursor = page.Next; pages == 20 {
					f.Cursor, pages = "", 0
				}
			}
			b.StopTimer()
			reportPercentiles(b, times)
		})
	}
}

// LifecycleBenchmark declares, acknowledges and resolves incidents from 8
// goroutines at once (three committed transactions per op), under the real
// clock. It applies a policy and installs Rules on st.
func LifecycleBenchmark(b *testing.B, st arqir.Store) {
	ctx := context.Background()
	rec, _, err := st.ApplyPolicy(ctx, "bench", "sha256:bench", []byte("bench"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	st.SetRules(Rules(rec.Revision))
	const goroutines = 8
	b.SetParallelism((goroutines + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	var times []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		a := arqir.Actor{Name: "bench", Source: arqir.SourceAPI}
		for i := 0; pb.Next(); i++ {
			t0 := time.Now()
			inc, err := st.Declare(ctx, arqir.Declaration{Title: fmt.Sprint("Bench ", i), Severity: "SEV2", Services: []string{"checkout"}}, a)
			if err == nil {
				_, err = st.Acknowledge(ctx, inc.ID, arqir.Change{Actor: a})
			}
			if err == nil {
				_, err = st.Resolve(ctx, inc.ID, arqir.Resolution{RootCause: "bench", CustomerImpact: "none"}, arqir.Change{Actor: a})
			}
			if err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		times = append(times, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	reportPercentiles(b, times)
}

// reportPercentiles adds the median and 99th percentile of the timings.
func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	at := func(p float64) float64 { return float64(times[int(p*float64(len(times)-1))].Nanoseconds()) }
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
}

// SweepBenchmark measures one scheduler tick that breaches due response
// deadlines: each op declares `due` SEV1 incidents (untimed), moves past
// their target and sweeps. It bounds how late a breach is recorded beyond
// the sweep interval (ADR 0002); ms/1000-breaches is how long a burst of
// deadlines falling due at once (issue 5) keeps the sweep busy.
func SweepBenchmark(b *testing.B, st arqir.Store, due int) {
	ctx := context.Background()
	rec, _, err := st.ApplyPolicy(ctx, "bench", "sha256:bench", []byte("bench"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	st.SetRules(Rules(rec.Revision))
	a := arqir.Actor{Name: "bench", Source: arqir.SourceAPI}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < due; j++ {
			if _, err := st.Declare(ctx, arqir.Declaration{Title: fmt.Sprint("Due ", i, "-", j), Severity: "SEV1"}, a); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		t0 := time.Now()
		n, err := st.SweepDeadlines(ctx, time.Now().Add(time.Hour))
		times = append(times, time.Since(t0))
		if err != nil || n != due {
			b.Fatalf("swept %d of %d: %v", n, due, err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, times)
	var total time.Duration
	for _, t := range times {
		total += t
	}
	b.ReportMetric(total.Seconds()*1e6/float64(due*len(times)), "ms/1000-breaches")
}
