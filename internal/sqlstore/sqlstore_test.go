package sqlstore

import (
	"testing"
	"time"

	"github.com/arqir/arqir"
)

func TestRebind(t *testing.T) {
	pg := Dialect{NumberedPlaceholders: true}
	for in, want := range map[string]string{
		"SELECT 1":              "SELECT 1",
		"a = ? AND b IN (?, ?)": "a = $1 AND b IN ($2, $3)",
		"title LIKE ? ESCAPE '\\' AND x = '?' AND ?": "title LIKE $1 ESCAPE '\\' AND x = '?' AND $2",
	} {
		if got := pg.rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (Dialect{}).rebind("a = ?"); got != "a = ?" {
		t.Errorf("SQLite rebind changed the query: %q", got)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, id := range []arqir.IncidentID{1, 42, 1 << 40} {
		got, err := decodeCursor(encodeCursor(id))
		if err != nil || got != int64(id) {
			t.Errorf("cursor of %d decodes to %d, %v", id, got, err)
		}
	}
	for _, bad := range []string{"", "?", "LTE", "MA", "eA"} {
		if _, err := decodeCursor(bad); arqir.ErrorCode(err) != arqir.EINVALID {
			t.Errorf("decodeCursor(%q) = %v, want EINVALID", bad, err)
		}
	}
}

func TestStorableTime(t *testing.T) {
	in := time.Date(2025, 1, 2, 3, 4, 5, 678912345, time.FixedZone("X", 3600))
	got := storable(in)
	if got.Location() != time.UTC || got.Nanosecond() != 678912000 || !got.Equal(in.Truncate(time.Microsecond)) {
		t.Fatalf("storable = %v", got)
	}
	if back := fromMicros(micros(got)); back != got {
		t.Fatalf("round trip %v != %v", back, got)
	}
}

func TestChangedDeadlines(t *testing.T) {
	t0 := time.Unix(100, 0).UTC()
	t1 := t0.Add(time.Minute)
	before := []arqir.Deadline{{Kind: "a", DueAt: t0}, {Kind: "b", DueAt: t0}}
	after := []arqir.Deadline{{Kind: "a", DueAt: t0}, {Kind: "b", DueAt: t0, MetAt: &t1}, {Kind: "c", DueAt: t1}}
	got := changedDeadlines(before, after)
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("changed = %v, want positions 1 (b met) and 2 (c new)", got)
	}
}
