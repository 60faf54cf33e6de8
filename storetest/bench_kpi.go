package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/arqir/arqir"
)

// KPIBenchmark measures KPIAggregates on a store the caller seeded with
// many incidents declared up to end (sqlstoretest.SeedKPI): windows of 30
// and 365 days ending at end, over every service and over one (svc-7).
// The scorecards read the sums of whole days that the first one computed.
// touch marks a day as changed, as the store does when an incident of
// that day changes; touching is untimed. The "changed" cases touch the
// last whole day of the window before each op (an incident of yesterday
// resolved), so every op sums that day again; "365d/cold" touches every
// day of the year, so each op sums them all, as the first scorecard after
// an upgrade or a bulk load does. Besides ns/op each reports ms/op
// and how many incidents the window holds.
func KPIBenchmark(b *testing.B, st arqir.Store, end time.Time, touch func(day time.Time) error) {
	ctx := context.Background()
	yesterday := end.Truncate(24*time.Hour).AddDate(0, 0, -1)
	if _, err := st.KPIAggregates(ctx, arqir.KPIQuery{From: end.AddDate(0, 0, -365), To: end}); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		days    int
		service string
		changed int // days touched before each op, from yesterday back
	}{
		{"30d", 30, "", 0},
		{"365d", 365, "", 0},
		{"30d/service", 30, "svc-7", 0},
		{"365d/service", 365, "svc-7", 0},
		{"30d/changed", 30, "", 1},
		{"365d/changed", 365, "", 1},
		{"365d/cold", 365, "", 366},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q := arqir.KPIQuery{From: end.AddDate(0, 0, -tc.days), To: end, Service: tc.service}
			var agg *arqir.KPIAggregates
			b.ReportAllocs()
			for range b.N {
				// Marking is the writers' part: untimed.
				b.StopTimer()
				for d := range tc.changed {
					if err := touch(yesterday.AddDate(0, 0, -d)); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				var err error
				if agg, err = st.KPIAggregates(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if agg.Incidents == 0 {
				b.Fatalf("the %s window holds no incident: seed the store up to %s", tc.name, end)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(agg.Incidents), "incidents")
		})
	}
}
