package api

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/sqlite"
	"github.com/arqir/arqir/storetest"
)

// BenchmarkICalFeedOneYear renders one schedule's feed over a whole year
// (366 days) through the path GET /ical/{token}.ics takes — the store's
// CalendarContent on SQLite and renderFeed — with four people and 100
// overrides. Target: under 20 ms.
func BenchmarkICalFeedOneYear(b *testing.B) {
	ctx := b.Context()
	now := time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "arqir.db"), func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	st.SetOnCallRules(storetest.OnCallRules())
	admin := arqir.Actor{Name: "admin", Source: arqir.SourceAPI}
	users := []string{"ada", "bob", "carol", "dan"}
	for _, h := range users {
		if _, err := st.CreateUser(ctx, arqir.UserInput{Handle: h, Name: h}, admin); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := st.SetParticipants(ctx, "primary", arqir.Participants{Users: users}, admin); err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		start := now.Add(time.Duration(i*87+5) * time.Hour)
		if _, err := st.AddOverride(ctx, "primary", arqir.OverrideInput{User: users[i%4], Start: start, End: start.Add(6 * time.Hour)}, admin); err != nil {
			b.Fatal(err)
		}
	}
	secret, _, err := st.CreateCalendarFeed(ctx, arqir.CalendarTarget{Schedule: "primary"}, admin)
	if err != nil {
		b.Fatal(err)
	}
	from, to := now, now.Add(366*24*time.Hour)
	events := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, err := st.CalendarContent(ctx, secret, from, to)
		if err != nil {
			b.Fatal(err)
		}
		if feed := renderFeed(c); len(feed) == 0 {
			b.Fatal("empty feed")
		}
		events = len(c.Shifts)
	}
	b.ReportMetric(float64(events), "events")
	if events < 150 {
		b.Fatalf("only %d events: the overrides did not split the year", events)
	}
}
