package rotation

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestWalls_RememberExactlyWhatWallInstantSays: the memory of walls never
// changes an answer, whatever order the wall times are asked in and however
// their keys collide, in zones with hour, half-hour and midnight changes.
func TestWalls_RememberExactlyWhatWallInstantSays(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, name := range []string{"America/New_York", "Australia/Lord_Howe", "America/Santiago", "Asia/Kathmandu"} {
		zone, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		w := walls{zone: zone}
		// The zero entry is no answer for day 0 at 00:00.
		if got, want := w.at(0, 0), wallInstant(zone, 0, 0); !got.Equal(want) {
			t.Fatalf("%s: walls.at(1970-01-01, 0) = %s on first ask; wallInstant says %s", name, got, want)
		}
		first := Date{Year: 2026, Month: time.January, Day: 1}.days()
		// Thousands of keys in 32 entries: most asks replace another key,
		// many hit their own.
		mins := []int{0, 30, 64, 94, 128, 120, 150, 540, 604, 1020, 1084, 1439, 1440}
		for range 20000 {
			day := first + r.Int64N(730)
			if r.IntN(2) == 0 {
				day = first + r.Int64N(8) // a few days asked again and again
			}
			min := mins[r.IntN(len(mins))]
			if got, want := w.at(day, min), wallInstant(zone, day, min); !got.Equal(want) {
				t.Fatalf("%s: walls.at(%s, %d) = %s; wallInstant says %s", name, dateOfDays(day), min, got, want)
			}
		}
	}
}
