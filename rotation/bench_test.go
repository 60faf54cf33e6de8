package rotation_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/arqir/arqir/rotation"
)

// BenchmarkOnCall asks "who is on call" across 1 000 schedules of 3 layers
// and 100 overrides each (the target: well under 50 µs per
// schedule); one op is one schedule at one instant, so ns/op is the
// per-schedule time.
func BenchmarkOnCall(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	schedules := make([]rotation.Schedule, 1000)
	for i := range schedules {
		schedules[i] = busySchedule(r, fmt.Sprintf("s%d", i), 100)
	}
	instants := make([]time.Time, 4096)
	for i := range instants {
		instants[i] = spanFrom.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
	}
	i := 0
	for b.Loop() {
		rotation.OnCall(schedules[i%len(schedules)], instants[i%len(instants)])
		i++
	}
}

// BenchmarkShiftsOneYear lists a year of the ARQ primary with 100 overrides,
// the work behind a one-year calendar feed.
func BenchmarkShiftsOneYear(b *testing.B) {
	s := primary()
	r := rand.New(rand.NewPCG(3, 4))
	s.Overrides = busySchedule(r, "x", 100).Overrides
	for i := range s.Overrides {
		s.Overrides[i].Layer = ""
	}
	for b.Loop() {
		if _, err := rotation.Shifts(s, spanFrom, spanFrom.AddDate(1, 0, 0)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOnCallEmptyRestricted asks "who is on call" of the secondary with
// nobody who can be on call — none assigned, or everyone deleted — at
// instants through 2026. Every answer is a gap whose real bounds are
// searched a horizon either way across a thousand restriction windows, so
// the cost is that walk's; it was quadratic in the windows.
func BenchmarkOnCallEmptyRestricted(b *testing.B) {
	for _, c := range []struct {
		name string
		s    rotation.Schedule
	}{
		{"unassigned", unassignedSecondary()},
		{"deleted", deletedSecondary()},
	} {
		b.Run(c.name, func(b *testing.B) {
			instants := every(spanFrom, spanFrom.AddDate(1, 0, 0), 7*time.Hour+13*time.Minute)
			i := 0
			for b.Loop() {
				if _, ok := rotation.OnCall(c.s, instants[i%len(instants)]); ok {
					b.Fatal("someone is on call in a schedule nobody can be on call in")
				}
				i++
			}
		})
	}
}
