package rotation_test

import (
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// TestValidate_BadInput: each bad input of the on-call issue gives
// EUNPROCESSABLE naming the offending field, and the ARQ schedules are valid.
func TestValidate_BadInput(t *testing.T) {
	for _, s := range []rotation.Schedule{primary(), secondary()} {
		if err := s.Validate(); err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
	}
	ov := func(id string, start, end string, user, replaces string) rotation.Override {
		return rotation.Override{ID: id, Start: at(t, start), End: at(t, end), User: user, Replaces: replaces}
	}
	for _, c := range []struct {
		name  string
		edit  func(s *rotation.Schedule)
		field string
	}{
		{"no zone", func(s *rotation.Schedule) { s.Zone = nil }, "zone"},
		{"server local zone", func(s *rotation.Schedule) { s.Zone = time.Local }, "zone"},
		{"no layers", func(s *rotation.Schedule) { s.Layers = nil }, "layers"},
		{"layer without name", func(s *rotation.Schedule) { s.Layers[0].Name = "" }, "layers[0].name"},
		{"duplicate layer name", func(s *rotation.Schedule) { s.Layers = append(s.Layers, s.Layers[0]) }, "layers[1].name"},
		{"no participants", func(s *rotation.Schedule) { s.Layers[0].Participants = nil }, "layers[0].participants"},
		{"empty participant id", func(s *rotation.Schedule) { s.Layers[0].Participants[1] = "" }, "layers[0].participants[1]"},
		{"zero rotation length", func(s *rotation.Schedule) { s.Layers[0].Rotation.Length = 0 }, "layers[0].rotation.length"},
		{"negative rotation length", func(s *rotation.Schedule) { s.Layers[0].Rotation.Length = -1 }, "layers[0].rotation.length"},
		{"absurd rotation length", func(s *rotation.Schedule) { s.Layers[0].Rotation = rotation.Weekly(1 << 40) }, "layers[0].rotation.length"},
		{"no rotation unit", func(s *rotation.Schedule) { s.Layers[0].Rotation.Unit = 0 }, "layers[0].rotation.unit"},
		{"handoff hour 24", func(s *rotation.Schedule) { s.Layers[0].Handoff.At = rotation.Clock{Hour: 24} }, "layers[0].handoff.at"},
		{"handoff minute 60", func(s *rotation.Schedule) { s.Layers[0].Handoff.At = rotation.Clock{Hour: 9, Minute: 60} }, "layers[0].handoff.at"},
		{"handoff weekday 7", func(s *rotation.Schedule) { s.Layers[0].Handoff.Weekday = 7 }, "layers[0].handoff.weekday"},
		{"anchor not a date", func(s *rotation.Schedule) {
			s.Layers[0].Anchor = rotation.Date{Year: 2026, Month: time.February, Day: 30}
		}, "layers[0].anchor"},
		{"anchor off the handoff weekday", func(s *rotation.Schedule) { s.Layers[0].Anchor.Day = 6 }, "layers[0].anchor"},
		{"restriction without weekdays", func(s *rotation.Schedule) { s.Layers[0].Restriction.Weekdays = nil }, "layers[0].restriction.weekdays"},
		{"restriction weekday 9", func(s *rotation.Schedule) { s.Layers[0].Restriction.Weekdays = []time.Weekday{9} }, "layers[0].restriction.weekdays[0]"},
		{"restriction from == to", func(s *rotation.Schedule) { s.Layers[0].Restriction.To = s.Layers[0].Restriction.From }, "layers[0].restriction.to"},
		{"restriction from 24:00", func(s *rotation.Schedule) { s.Layers[0].Restriction.From = rotation.EndOfDay }, "layers[0].restriction.from"},
		{"restriction to 25:00", func(s *rotation.Schedule) { s.Layers[0].Restriction.To = rotation.Clock{Hour: 25} }, "layers[0].restriction.to"},
		{"override without id", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{ov("", "2026-03-01T00:00Z", "2026-03-02T00:00Z", "z", "")}
		}, "overrides[0].id"},
		{"duplicate override id", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{ov("o", "2026-03-01T00:00Z", "2026-03-02T00:00Z", "z", ""), ov("o", "2026-04-01T00:00Z", "2026-04-02T00:00Z", "z", "")}
		}, "overrides[1].id"},
		{"override without user", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{ov("o", "2026-03-01T00:00Z", "2026-03-02T00:00Z", "", "")}
		}, "overrides[0].user"},
		{"inverted override", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{ov("o", "2026-03-02T00:00Z", "2026-03-01T00:00Z", "z", "")}
		}, "overrides[0].end"},
		{"empty override", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{ov("o", "2026-03-02T00:00Z", "2026-03-02T00:00Z", "z", "")}
		}, "overrides[0].end"},
		{"override without start", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{{ID: "o", End: at(t, "2026-03-02T00:00Z"), User: "z"}}
		}, "overrides[0].start"},
		{"override replacing its own user", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{ov("o", "2026-03-01T00:00Z", "2026-03-02T00:00Z", "z", "z")}
		}, "overrides[0].replaces"},
		{"override on an unknown layer", func(s *rotation.Schedule) {
			o := ov("o", "2026-03-01T00:00Z", "2026-03-02T00:00Z", "z", "")
			o.Layer = "tertiary"
			s.Overrides = []rotation.Override{o}
		}, "overrides[0].layer"},
		{"overlapping overrides", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{
				ov("late", "2026-03-01T12:00Z", "2026-03-03T00:00Z", "y", ""),
				ov("early", "2026-03-01T00:00Z", "2026-03-02T00:00Z", "z", ""),
			}
		}, "overrides[0]"},
		{"overlap hidden behind a long override", func(s *rotation.Schedule) {
			s.Overrides = []rotation.Override{
				ov("long", "2026-03-01T00:00Z", "2026-03-10T00:00Z", "x", "a"),
				ov("short", "2026-03-02T00:00Z", "2026-03-03T00:00Z", "y", "a"),
				ov("third", "2026-03-05T00:00Z", "2026-03-06T00:00Z", "z", "a"),
			}
		}, "overrides[1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := secondary()
			s.Layers[0].Participants = append([]string(nil), s.Layers[0].Participants...)
			r := *s.Layers[0].Restriction
			s.Layers[0].Restriction = &r
			c.edit(&s)
			wantError(t, s.Validate(), arqir.EUNPROCESSABLE, c.field)
			// Shifts and Handoffs refuse it the same way.
			_, err := rotation.Shifts(s, spanFrom, spanFrom.Add(time.Hour))
			wantError(t, err, arqir.EUNPROCESSABLE, c.field)
			_, err = rotation.Handoffs(s, spanFrom, spanFrom.Add(time.Hour))
			wantError(t, err, arqir.EUNPROCESSABLE, c.field)
			// OnCall still answers without panicking.
			rotation.OnCall(s, spanFrom)
		})
	}

	// Allowed: overlaps between overrides of different targets or layers,
	// back-to-back overrides, and a whole-day restriction.
	s := secondary()
	s.Overrides = []rotation.Override{
		ov("1", "2026-03-01T00:00Z", "2026-03-02T00:00Z", "z", ""),
		ov("2", "2026-03-02T00:00Z", "2026-03-03T00:00Z", "z", ""),
		ov("3", "2026-03-01T00:00Z", "2026-03-03T00:00Z", "y", "b"),
	}
	s.Layers[0].Restriction = &rotation.Restriction{Weekdays: businessDays, To: rotation.EndOfDay}
	if err := s.Validate(); err != nil {
		t.Errorf("valid schedule: %v", err)
	}
}

// TestLoadZone_UnknownZone: an unknown or machine-dependent zone name is
// refused with a message naming it.
func TestLoadZone_UnknownZone(t *testing.T) {
	for _, name := range []string{"America/Nowhere", "", "Local", "EST5EDT,M3.2.0"} {
		_, err := rotation.LoadZone(name)
		wantError(t, err, arqir.EUNPROCESSABLE, "zone")
	}
	if loc, err := rotation.LoadZone("America/New_York"); err != nil || loc.String() != "America/New_York" {
		t.Errorf("LoadZone(America/New_York) = %v, %v", loc, err)
	}
}

// TestShifts_RangeIsBounded: one query covers at most 366 days; callers page.
func TestShifts_RangeIsBounded(t *testing.T) {
	s := primary()
	for _, c := range []struct {
		name     string
		from, to time.Time
	}{
		{"over a year", spanFrom, spanFrom.Add(rotation.MaxRange + time.Nanosecond)},
		{"empty", spanFrom, spanFrom},
		{"inverted", spanFrom, spanFrom.Add(-time.Hour)},
	} {
		_, err := rotation.Shifts(s, c.from, c.to)
		wantError(t, err, arqir.EINVALID, "to")
		_, err = rotation.Handoffs(s, c.from, c.to)
		wantError(t, err, arqir.EINVALID, "to")
	}
	if _, err := rotation.Shifts(s, spanFrom, spanFrom.Add(rotation.MaxRange)); err != nil {
		t.Errorf("366 days: %v", err)
	}
}
