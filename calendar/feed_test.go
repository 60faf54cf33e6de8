package calendar_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apognu/gocal"

	"github.com/arqir/arqir/calendar"
	"github.com/arqir/arqir/rotation"
)

var ny = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

var (
	year     = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	yearEnd  = year.AddDate(1, 0, 0)
	stampNow = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
)

// primary is the ARQ primary (weekly, Monday 09:00 New York) with n
// overrides of both kinds spread through 2026, some by users with long
// non-ASCII names.
func primary(n int) rotation.Schedule {
	s := rotation.Schedule{
		Name: "primary",
		Zone: ny,
		Layers: []rotation.Layer{{
			Name:         "primary",
			Participants: []string{"a", "b", "c"},
			Rotation:     rotation.Weekly(1),
			Handoff:      rotation.HandoffTime{Weekday: time.Monday, At: rotation.Clock{Hour: 9}},
			Anchor:       rotation.Date{Year: 2026, Month: time.January, Day: 5},
		}},
	}
	r := rand.New(rand.NewPCG(5, 6))
	t := year
	for i := range n {
		t = t.Add(time.Duration(30+r.IntN(60*48)) * time.Minute)
		end := t.Add(time.Duration(60+r.IntN(60*30)) * time.Minute)
		o := rotation.Override{ID: fmt.Sprintf("ov%d", i), Start: t, End: end, User: fmt.Sprintf("cover%d", r.IntN(4))}
		if r.IntN(2) == 0 {
			o.Replaces = []string{"a", "b", "c"}[r.IntN(3)]
		}
		s.Overrides = append(s.Overrides, o)
		t = end
	}
	return s
}

func shifts(t testing.TB, s rotation.Schedule, from, to time.Time) []rotation.Shift {
	t.Helper()
	out, err := rotation.Shifts(s, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// parse reads a feed with gocal, a parser independent of golang-ical.
func parse(t *testing.T, feed []byte) []gocal.Event {
	t.Helper()
	p := gocal.NewParser(bytes.NewReader(feed))
	p.SkipBounds = true
	if err := p.Parse(); err != nil {
		t.Fatalf("gocal: %v", err)
	}
	return p.Events
}

var summaryRE = regexp.MustCompile(`^On call: (.+) \((.+)\)( \[override\])?$`)

// TestFeed_IndependentParserReadsTheShifts: a year of the primary with 100
// overrides, parsed back by gocal, gives exactly the input shifts: user,
// start, end, schedule and override mark, one event each, under stable UIDs.
func TestFeed_IndependentParserReadsTheShifts(t *testing.T) {
	in := shifts(t, primary(100), year, yearEnd)
	feed := calendar.Feed("Primary On-Call", in, calendar.WithZone(ny), calendar.WithStamp(stampNow))
	events := parse(t, feed)
	if len(events) != len(in) {
		t.Fatalf("gocal read %d events; want %d shifts", len(events), len(in))
	}
	for i, e := range events {
		sh := in[i]
		m := summaryRE.FindStringSubmatch(e.Summary)
		if m == nil {
			t.Fatalf("event %d summary %q is not \"On call: <user> (<schedule>)\"", i, e.Summary)
		}
		if m[1] != sh.User || m[2] != "primary" || (m[3] != "") != sh.HasOverride() {
			t.Errorf("event %d summary %q; want user %s, schedule primary, override %v", i, e.Summary, sh.User, sh.HasOverride())
		}
		if !e.Start.Equal(sh.Start) || !e.End.Equal(sh.End) || e.Start.Location() != time.UTC {
			t.Errorf("event %d runs %s–%s; want %s–%s in UTC", i, e.Start, e.End, sh.Start, sh.End)
		}
		if e.Uid != calendar.UID(sh) {
			t.Errorf("event %d UID %q; want %q", i, e.Uid, calendar.UID(sh))
		}
		if !e.Stamp.Equal(stampNow) {
			t.Errorf("event %d DTSTAMP %s; want %s", i, e.Stamp, stampNow)
		}
		for _, p := range sh.Parts {
			if p.Override != "" && !strings.Contains(e.Description, "override "+p.Override) {
				t.Errorf("event %d description %q does not name override %s", i, e.Description, p.Override)
			}
		}
	}
}

// TestFeed_HeaderAndUTCTimes: the calendar properties subscribers look for,
// and every date-time in UTC.
func TestFeed_HeaderAndUTCTimes(t *testing.T) {
	feed := string(calendar.Feed("Primary On-Call", shifts(t, primary(3), year, year.AddDate(0, 1, 0)), calendar.WithZone(ny)))
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\n", "\r\nVERSION:2.0\r\n", "\r\nPRODID:" + calendar.ProductID + "\r\n",
		"\r\nCALSCALE:GREGORIAN\r\n", "\r\nMETHOD:PUBLISH\r\n", "\r\nX-WR-CALNAME:Primary On-Call\r\n",
		"\r\nX-WR-TIMEZONE:America/New_York\r\n", "\r\nEND:VCALENDAR\r\n",
	} {
		if !strings.Contains(feed, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if !strings.HasPrefix(feed, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(feed, "END:VCALENDAR\r\n") {
		t.Errorf("feed is not one VCALENDAR")
	}
	for _, m := range regexp.MustCompile(`\r\n(DTSTART|DTEND|DTSTAMP)([;:][^\r]*)`).FindAllStringSubmatch(feed, -1) {
		if !regexp.MustCompile(`^:\d{8}T\d{6}Z$`).MatchString(m[2]) {
			t.Errorf("%s%s is not a UTC date-time", m[1], m[2])
		}
	}
}

// TestFeed_CRLFAndFoldingAt75Octets: every line ends with CRLF, none is
// longer than 75 octets, folds never split a UTF-8 sequence, and unfolding
// restores long multi-byte text exactly.
func TestFeed_CRLFAndFoldingAt75Octets(t *testing.T) {
	long := func(id string) string {
		return "Ødegård-Łukasiewicz 李小龍 🚨 " + strings.Repeat("Ünïcödé, with; escapes\\ ", 4) + id
	}
	in := shifts(t, primary(20), year, year.AddDate(0, 3, 0))
	feed := calendar.Feed(strings.Repeat("Primary On-Call — plateforme d'astreinte ", 3), in,
		calendar.WithZone(ny), calendar.WithUserNames(long), calendar.WithScheduleTitles(func(string) string { return "Primär\nOn-Call\r" }))
	if !bytes.HasSuffix(feed, []byte("\r\n")) {
		t.Fatal("feed does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(feed), "\r\n"), "\r\n")
	folded := 0
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d %q has a bare CR or LF", i, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded == 0 {
		t.Fatal("no line was folded; the test text is not long enough")
	}
	events := parse(t, feed)
	want := "On call: " + long(in[0].User) + " (Primär On-Call)"
	if events[0].Summary != want {
		t.Errorf("unfolded summary\n%q; want\n%q", events[0].Summary, want)
	}
}

// TestFeed_UIDsStayStableAcrossFetches: a later fetch covering a different
// range gives the shifts they share the same UIDs, and an override that
// shortens a shift keeps the shift's UID (the event is updated, not added).
func TestFeed_UIDsStayStableAcrossFetches(t *testing.T) {
	s := primary(0)
	uids := func(f []byte) map[string]gocal.Event {
		m := map[string]gocal.Event{}
		for _, e := range parse(t, f) {
			if _, dup := m[e.Uid]; dup {
				t.Fatalf("UID %s appears twice", e.Uid)
			}
			m[e.Uid] = e
		}
		return m
	}
	first := uids(calendar.Feed("p", shifts(t, s, year, year.AddDate(0, 2, 0))))
	later := uids(calendar.Feed("p", shifts(t, s, year.AddDate(0, 0, 10), year.AddDate(0, 3, 0))))
	shared := 0
	for uid, e := range later {
		if f, ok := first[uid]; ok {
			shared++
			if !f.Start.Equal(*e.Start) || !f.End.Equal(*e.End) || f.Summary != e.Summary {
				t.Errorf("UID %s changed meaning: %s–%s %q vs %s–%s %q", uid, f.Start, f.End, f.Summary, e.Start, e.End, e.Summary)
			}
		}
	}
	if shared < 6 {
		t.Errorf("only %d events shared between overlapping fetches; want the overlap's 7 or so", shared)
	}
	week, _ := rotation.OnCall(s, time.Date(2026, time.March, 4, 0, 0, 0, 0, time.UTC))
	s.Overrides = []rotation.Override{{ID: "ov", Start: week.Start.Add(48 * time.Hour), End: week.End, User: "z"}}
	shortened, _ := rotation.OnCall(s, week.Start)
	if calendar.UID(shortened) != calendar.UID(week) || shortened.End.Equal(week.End) {
		t.Errorf("shortened shift UID %s (ends %s); want the original's %s with an earlier end", calendar.UID(shortened), shortened.End, calendar.UID(week))
	}
}

// TestFeed_PersonalFeedAndGaps: a personal feed mixes schedules, each event
// naming its schedule; gaps are left out unless asked for, and a gap left by
// a deleted user says so.
func TestFeed_PersonalFeedAndGaps(t *testing.T) {
	prim := primary(0)
	sec := primary(0)
	sec.Name = "secondary"
	sec.Layers[0].Restriction = &rotation.Restriction{Weekdays: []time.Weekday{1, 2, 3, 4, 5}, From: rotation.Clock{Hour: 9}, To: rotation.Clock{Hour: 17}}
	var mine []rotation.Shift
	for _, s := range []rotation.Schedule{prim, sec} {
		for _, sh := range shifts(t, s, year, year.AddDate(0, 1, 0)) {
			if sh.User == "a" {
				mine = append(mine, sh)
			}
		}
	}
	events := parse(t, calendar.Feed("My on-call", mine))
	counts := map[string]int{}
	for _, e := range events {
		counts[summaryRE.FindStringSubmatch(e.Summary)[2]]++
	}
	if counts["primary"] == 0 || counts["secondary"] == 0 || len(events) != len(mine) {
		t.Errorf("personal feed events per schedule %v of %d; want both schedules, %d events", counts, len(events), len(mine))
	}

	without, _ := prim.Without("b")
	all := shifts(t, without, year, year.AddDate(0, 1, 0))
	if n := len(parse(t, calendar.Feed("p", all))); n != len(all)-countGaps(all) {
		t.Errorf("default feed has %d events; want %d (no gaps)", n, len(all)-countGaps(all))
	}
	withGaps := parse(t, calendar.Feed("p", all, calendar.WithGaps()))
	if len(withGaps) != len(all) {
		t.Fatalf("WithGaps feed has %d events; want %d", len(withGaps), len(all))
	}
	found := false
	for _, e := range withGaps {
		if strings.HasPrefix(e.Summary, "No one on call (primary)") {
			found = true
			if !strings.Contains(e.Description, "b can no longer be on call") {
				t.Errorf("gap description %q does not name the deleted user", e.Description)
			}
		}
	}
	if !found {
		t.Error("no gap event for the deleted user's week")
	}
}

func countGaps(shifts []rotation.Shift) int {
	n := 0
	for _, sh := range shifts {
		if sh.IsGap() {
			n++
		}
	}
	return n
}

// BenchmarkFeedOneYear renders a year of the weekly primary with 100
// overrides, computing the shifts included (what a feed request does); the
// issue's target is under 20 ms.
func BenchmarkFeedOneYear(b *testing.B) {
	s := primary(100)
	for b.Loop() {
		calendar.Feed("Primary On-Call", shifts(b, s, year, yearEnd), calendar.WithZone(ny), calendar.WithStamp(stampNow))
	}
}
