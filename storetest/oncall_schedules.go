package storetest

import (
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var scheduleTests = []namedTest{
	{name: "O3_WeeklyHandoffAtMondayNineNewYorkInEDTAndEST", fn: testWeeklyHandoff},
	{name: "O2_SecondaryOnlyInBusinessHours", fn: testSecondaryHours},
	{name: "O1_NoParticipantsAnswersNoOneAssigned", fn: testNoParticipants},
	{name: "O1_DeletedParticipantLeavesAFlaggedGap", fn: testDeletedParticipant},
	{name: "O3_ParticipantsRefusedChangeNothing", fn: testParticipantRefusals},
	{name: "O3_OverrideChangesTheAnswer", fn: testOverride},
	{name: "O3_OverrideRefusals", fn: testOverrideRefusals},
	{name: "O3_SwapTwoShifts", fn: testSwap},
	{name: "O3_ShiftRangesAreBounded", fn: testShiftRanges},
	{name: "O3_UserNextShiftsAcrossSchedules", fn: testUserShifts},
}

// threeOnPrimary assigns ada, bob and carol to the primary rotation at
// Start (Monday 10 March 2025, 10:00 in New York), so ada's turn began at
// 09:00 that morning.
func (e *env) threeOnPrimary() {
	e.oncall()
	e.user("ada", "Ada Lovelace")
	e.user("bob", "Bob")
	e.user("carol", "Carol")
	info := e.assign("primary", "", "ada", "bob", "carol")
	if info.Anchor != "2025-03-10" {
		e.t.Fatalf("default anchor = %q, want the most recent handoff date 2025-03-10", info.Anchor)
	}
}

func testWeeklyHandoff(e *env) {
	e.threeOnPrimary()
	now := e.onCall("primary", time.Time{})
	if now.Shift.User != "ada" || now.Shift.UserName != "Ada Lovelace" || !now.Assigned || now.Zone != "America/New_York" {
		e.t.Fatalf("now = %+v", now)
	}
	e.sameInstant("ada's shift start", now.Shift.Start, ny(2025, 3, 10, 9, 0))
	e.sameInstant("ada's shift end", now.Shift.End, ny(2025, 3, 17, 9, 0))
	if now.Next == nil || now.Next.User != "bob" {
		e.t.Fatalf("next = %+v, want bob", now.Next)
	}
	if p := now.Shift.Parts; len(p) != 1 || p[0].Source != arqir.PartRotation {
		e.t.Fatalf("parts = %+v", p)
	}
	// The handoff is exactly Monday 09:00 New York time: in EDT (13:00 UTC) …
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{ny(2025, 3, 17, 8, 59), "ada"},
		{ny(2025, 3, 17, 9, 0), "bob"},
		{time.Date(2025, 3, 17, 13, 0, 0, 0, time.UTC), "bob"},
		// … and in EST (14:00 UTC), after the clocks went back on 2 November.
		{time.Date(2025, 11, 3, 13, 59, 59, 0, time.UTC), "ada"},
		{time.Date(2025, 11, 3, 14, 0, 0, 0, time.UTC), "bob"},
		{ny(2025, 11, 10, 9, 0), "carol"},
	} {
		if got := e.onCall("primary", tc.at); got.Shift.User != tc.want {
			e.t.Fatalf("at %s on call = %q, want %s", tc.at.In(newYork), got.Shift.User, tc.want)
		}
	}
	// The shift spanning the change is an hour longer, with no gap and no overlap.
	shifts, err := e.st.ScheduleShifts(e.ctx, "primary", ny(2025, 10, 28, 0, 0), ny(2025, 11, 4, 0, 0))
	if err != nil {
		e.t.Fatal(err)
	}
	if len(shifts) != 2 || shifts[0].User != "ada" || shifts[1].User != "bob" {
		e.t.Fatalf("shifts = %+v", shifts)
	}
	if d := shifts[0].End.Sub(shifts[0].Start); d != 7*24*time.Hour+time.Hour {
		e.t.Fatalf("the shift across the change lasts %s, want 169h", d)
	}
	if !shifts[0].End.Equal(shifts[1].Start) {
		e.t.Fatalf("gap or overlap between %s and %s", shifts[0].End, shifts[1].Start)
	}
	// Another replica gives the same answer.
	other, err := e.replica().WhoIsOnCall(e.ctx, "primary", time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the other replica's answer", other[0], now)
}

func testSecondaryHours(e *env) {
	e.oncall()
	e.user("ada", "Ada")
	e.user("bob", "Bob")
	e.assign("secondary", "", "bob", "ada")
	if got := e.onCall("secondary", ny(2025, 3, 12, 16, 59)); got.Shift.User != "bob" {
		e.t.Fatalf("Wednesday 16:59 = %+v", got.Shift)
	}
	sat := e.onCall("secondary", ny(2025, 3, 15, 12, 0))
	if !sat.Shift.Gap || sat.Shift.User != "" || len(sat.Shift.Notes) != 1 || !strings.Contains(sat.Shift.Notes[0], "outside the hours") {
		e.t.Fatalf("Saturday noon = %+v, want a gap outside the hours", sat.Shift)
	}
	e.sameInstant("the weekend gap's start", sat.Shift.Start, ny(2025, 3, 14, 17, 0))
	e.sameInstant("the weekend gap's end", sat.Shift.End, ny(2025, 3, 17, 9, 0))
	if sat.Next == nil || sat.Next.User != "ada" {
		e.t.Fatalf("next after the weekend = %+v, want ada", sat.Next)
	}
	all, err := e.st.WhoIsOnCall(e.ctx, "", ny(2025, 3, 15, 12, 0))
	if err != nil {
		e.t.Fatal(err)
	}
	if len(all) != 2 || all[0].Schedule != "primary" || all[1].Schedule != "secondary" {
		e.t.Fatalf("answers for all schedules = %d", len(all))
	}
}

func testNoParticipants(e *env) {
	e.oncall()
	all, err := e.st.WhoIsOnCall(e.ctx, "", time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range all {
		if a.Assigned || !a.Shift.Gap || a.OnCall() || a.Problem != "" || len(a.Shift.Notes) != 1 || !strings.Contains(a.Shift.Notes[0], "no one assigned") {
			e.t.Fatalf("%s = %+v, want a gap saying no one is assigned", a.Schedule, a)
		}
	}
	shifts, err := e.st.ScheduleShifts(e.ctx, "primary", Start, Start.Add(30*24*time.Hour))
	if err != nil {
		e.t.Fatal(err)
	}
	if len(shifts) != 1 || !shifts[0].Gap {
		e.t.Fatalf("shifts of an empty schedule = %+v", shifts)
	}
	_, err = e.st.WhoIsOnCall(e.ctx, "tertiary", time.Time{})
	wantCode(e.t, err, arqir.ENOTFOUND, "schedule")
}

func testDeletedParticipant(e *env) {
	e.threeOnPrimary()
	e.deleteUser("bob", true)
	gap := e.onCall("primary", ny(2025, 3, 18, 12, 0))
	if !gap.Shift.Gap || len(gap.Shift.Parts) != 1 || gap.Shift.Parts[0].Vacant != "bob" || !strings.Contains(strings.Join(gap.Shift.Notes, ";"), "gap: user bob was deleted") {
		e.t.Fatalf("bob's turn = %+v, want a gap flagged with bob's deletion", gap.Shift)
	}
	// Nobody else's turn moved.
	if got := e.onCall("primary", ny(2025, 3, 25, 12, 0)); got.Shift.User != "carol" {
		e.t.Fatalf("carol's turn = %+v", got.Shift)
	}
	if got := e.onCall("primary", ny(2025, 3, 12, 12, 0)); got.Shift.User != "ada" {
		e.t.Fatalf("ada's turn = %+v", got.Shift)
	}
	info, err := e.st.Schedule(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	if !info.Participants[1].Deleted || info.Participants[1].Handle != "bob" {
		e.t.Fatalf("participants = %+v", info.Participants)
	}
	// A restricted schedule whose only participant was deleted answers one
	// flagged gap, business hours or not.
	e.assign("secondary", "", "carol")
	e.deleteUser("carol", true)
	for _, at := range []time.Time{ny(2025, 3, 12, 12, 0), ny(2025, 3, 15, 12, 0)} {
		got := e.onCall("secondary", at)
		if !got.Shift.Gap || !strings.Contains(strings.Join(got.Shift.Notes, ";"), "gap: user carol was deleted") || got.Next != nil {
			e.t.Fatalf("secondary at %s = %+v", at, got.Shift)
		}
	}
}

func testParticipantRefusals(e *env) {
	e.threeOnPrimary()
	before, err := e.st.Schedule(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	e.deleteUser("carol", true)
	before.Participants[2].Deleted = true
	for _, tc := range []struct {
		p     arqir.Participants
		code  string
		field string
	}{
		{arqir.Participants{Users: []string{"ada", "zed"}}, arqir.EUNPROCESSABLE, "users"},
		{arqir.Participants{Users: []string{"ada", "carol"}}, arqir.EUNPROCESSABLE, "users"},
		{arqir.Participants{Users: []string{"ada"}, Anchor: "2025-03-11"}, arqir.EUNPROCESSABLE, "anchor"},
		{arqir.Participants{Users: []string{"ada"}, Anchor: "10/03/2025"}, arqir.EUNPROCESSABLE, "anchor"},
		{arqir.Participants{Users: []string{"ada"}, Anchor: "2025-02-30"}, arqir.EUNPROCESSABLE, "anchor"},
	} {
		_, err := e.st.SetParticipants(e.ctx, "primary", tc.p, alice)
		wantCode(e.t, err, tc.code, tc.field)
	}
	_, err = e.st.SetParticipants(e.ctx, "tertiary", arqir.Participants{Users: []string{"ada"}}, alice)
	wantCode(e.t, err, arqir.ENOTFOUND)
	after, err := e.st.Schedule(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the schedule after refused changes", after, before)

	// An explicit anchor on the handoff weekday is taken as given.
	info := e.assign("primary", "2025-03-03", "bob", "ada")
	if info.Anchor != "2025-03-03" {
		e.t.Fatalf("anchor = %q", info.Anchor)
	}
	if got := e.onCall("primary", time.Time{}); got.Shift.User != "ada" {
		e.t.Fatalf("on call with bob anchored a week earlier = %q, want ada", got.Shift.User)
	}
}

func testOverride(e *env) {
	e.threeOnPrimary()
	e.user("dan", "Dan")
	in := arqir.OverrideInput{User: "dan", Replaces: "ada", Start: ny(2025, 3, 11, 12, 0), End: ny(2025, 3, 11, 18, 0)}
	o, err := e.st.AddOverride(e.ctx, "primary", in, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	if o.ID <= 0 || o.User != "dan" || o.Replaces != "ada" || o.CreatedBy != "alice" || !o.Start.Equal(in.Start) {
		e.t.Fatalf("override = %+v", o)
	}
	got := e.onCall("primary", ny(2025, 3, 11, 13, 0))
	if got.Shift.User != "dan" || len(got.Shift.Parts) != 1 || got.Shift.Parts[0].Source != arqir.PartOverride || got.Shift.Parts[0].Override != o.ID || got.Shift.Parts[0].Replaces != "ada" {
		e.t.Fatalf("during the override = %+v", got.Shift)
	}
	e.sameInstant("dan's start", got.Shift.Start, in.Start)
	if got := e.onCall("primary", ny(2025, 3, 11, 18, 0)); got.Shift.User != "ada" {
		e.t.Fatalf("after the override = %q", got.Shift.User)
	}
	if got, err := e.replica().WhoIsOnCall(e.ctx, "primary", ny(2025, 3, 11, 13, 0)); err != nil || got[0].Shift.User != "dan" {
		e.t.Fatalf("the other replica sees %+v, %v", got, err)
	}
	info, err := e.st.Schedule(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	if len(info.Overrides) != 1 || info.Overrides[0].ID != o.ID {
		e.t.Fatalf("overrides = %+v", info.Overrides)
	}
	// An override for whoever is on, covering a handoff.
	whole, err := e.st.AddOverride(e.ctx, "primary", arqir.OverrideInput{User: "carol", Start: ny(2025, 3, 17, 8, 0), End: ny(2025, 3, 17, 10, 0)}, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	if got := e.onCall("primary", ny(2025, 3, 17, 9, 30)); got.Shift.User != "carol" || len(got.Shift.Parts) != 2 ||
		got.Shift.Parts[0].Replaces != "ada" || got.Shift.Parts[1].Replaces != "bob" {
		e.t.Fatalf("during the handoff override = %+v", got.Shift)
	}
	if err := e.st.RemoveOverride(e.ctx, "primary", o.ID, alice); err != nil {
		e.t.Fatal(err)
	}
	if got := e.onCall("primary", ny(2025, 3, 11, 13, 0)); got.Shift.User != "ada" {
		e.t.Fatalf("after removing the override = %q", got.Shift.User)
	}
	wantCode(e.t, e.st.RemoveOverride(e.ctx, "primary", o.ID, alice), arqir.ENOTFOUND)
	wantCode(e.t, e.st.RemoveOverride(e.ctx, "secondary", whole.ID, alice), arqir.ENOTFOUND)
	// An override is kept by its user's deletion only as a gap: the user is gone.
	e.deleteUser("carol", true)
	if got := e.onCall("primary", ny(2025, 3, 17, 9, 30)); got.Shift.User != "bob" {
		e.t.Fatalf("after deleting carol, her override no longer applies: %+v", got.Shift)
	}
}

func testOverrideRefusals(e *env) {
	e.threeOnPrimary()
	e.user("dan", "Dan")
	first := arqir.OverrideInput{User: "dan", Replaces: "ada", Start: ny(2025, 3, 11, 12, 0), End: ny(2025, 3, 11, 18, 0)}
	if _, err := e.st.AddOverride(e.ctx, "primary", first, alice); err != nil {
		e.t.Fatal(err)
	}
	before, err := e.st.Schedule(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		in    arqir.OverrideInput
		field string
		words string
	}{
		{"inverted", arqir.OverrideInput{User: "bob", Start: ny(2025, 3, 12, 18, 0), End: ny(2025, 3, 12, 12, 0)}, "end", "inverted"},
		{"empty", arqir.OverrideInput{User: "bob", Start: ny(2025, 3, 12, 12, 0), End: ny(2025, 3, 12, 12, 0)}, "end", "not after its start"},
		{"overlapping", arqir.OverrideInput{User: "bob", Replaces: "ada", Start: ny(2025, 3, 11, 17, 0), End: ny(2025, 3, 11, 20, 0)}, "", "overlaps"},
		{"unknown user", arqir.OverrideInput{User: "zed", Start: ny(2025, 3, 12, 12, 0), End: ny(2025, 3, 12, 13, 0)}, "user", "no user"},
		{"unknown replaced", arqir.OverrideInput{User: "bob", Replaces: "zed", Start: ny(2025, 3, 12, 12, 0), End: ny(2025, 3, 12, 13, 0)}, "replaces", "no user"},
		{"over", arqir.OverrideInput{User: "bob", Start: ny(2025, 3, 1, 12, 0), End: ny(2025, 3, 10, 9, 0)}, "end", "has passed"},
		{"over a year", arqir.OverrideInput{User: "bob", Start: ny(2025, 3, 12, 12, 0), End: ny(2026, 3, 14, 12, 0)}, "end", "366 days"},
		{"self", arqir.OverrideInput{User: "bob", Replaces: "bob", Start: ny(2025, 3, 12, 12, 0), End: ny(2025, 3, 12, 13, 0)}, "replaces", "themselves"},
	} {
		_, err := e.st.AddOverride(e.ctx, "primary", tc.in, alice)
		if err == nil {
			e.t.Fatalf("%s: accepted", tc.name)
		}
		if tc.field != "" {
			wantCode(e.t, err, arqir.EUNPROCESSABLE, tc.field)
		} else {
			wantCode(e.t, err, arqir.EUNPROCESSABLE)
		}
		if !strings.Contains(arqir.ErrorMessage(err), tc.words) {
			e.t.Fatalf("%s: message %q lacks %q", tc.name, arqir.ErrorMessage(err), tc.words)
		}
	}
	after, err := e.st.Schedule(e.ctx, "primary")
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the schedule after refused overrides", after, before)
}

func testSwap(e *env) {
	e.threeOnPrimary()
	pair, err := e.st.SwapShifts(e.ctx, "primary", ny(2025, 3, 17, 9, 0), ny(2025, 3, 24, 9, 0), alice)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(pair) != 2 || pair[0].User != "carol" || pair[0].Replaces != "bob" || pair[1].User != "bob" || pair[1].Replaces != "carol" ||
		pair[0].Swap != pair[0].ID || pair[1].Swap != pair[0].ID {
		e.t.Fatalf("swap overrides = %+v %+v", pair[0], pair[1])
	}
	if got := e.onCall("primary", ny(2025, 3, 18, 12, 0)); got.Shift.User != "carol" {
		e.t.Fatalf("week of 17 March = %q, want carol", got.Shift.User)
	}
	if got := e.onCall("primary", ny(2025, 3, 25, 12, 0)); got.Shift.User != "bob" {
		e.t.Fatalf("week of 24 March = %q, want bob", got.Shift.User)
	}
	_, err = e.st.SwapShifts(e.ctx, "primary", ny(2025, 3, 18, 9, 0), ny(2025, 3, 24, 9, 0), alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "a")
	_, err = e.st.SwapShifts(e.ctx, "primary", ny(2025, 3, 3, 9, 0), ny(2025, 3, 31, 9, 0), alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "a")
	// Removing one half removes the swap.
	if err := e.st.RemoveOverride(e.ctx, "primary", pair[1].ID, alice); err != nil {
		e.t.Fatal(err)
	}
	if got := e.onCall("primary", ny(2025, 3, 18, 12, 0)); got.Shift.User != "bob" {
		e.t.Fatalf("after removing the swap = %q, want bob", got.Shift.User)
	}
}

func testShiftRanges(e *env) {
	e.threeOnPrimary()
	_, err := e.st.ScheduleShifts(e.ctx, "primary", Start, Start.Add(367*24*time.Hour))
	wantCode(e.t, err, arqir.EINVALID, "to")
	if !strings.Contains(arqir.ErrorMessage(err), "366 days") {
		e.t.Fatalf("message %q does not say the bound", arqir.ErrorMessage(err))
	}
	_, err = e.st.ScheduleShifts(e.ctx, "primary", Start, Start)
	wantCode(e.t, err, arqir.EINVALID, "to")
	_, err = e.st.ScheduleShifts(e.ctx, "tertiary", Start, Start.Add(time.Hour))
	wantCode(e.t, err, arqir.ENOTFOUND)
	year, err := e.st.ScheduleShifts(e.ctx, "primary", Start, Start.Add(366*24*time.Hour))
	if err != nil {
		e.t.Fatal(err)
	}
	if len(year) != 53 {
		e.t.Fatalf("a year of weekly shifts = %d, want 53", len(year))
	}
	for i := 1; i < len(year); i++ {
		if !year[i-1].End.Equal(year[i].Start) || year[i].Start.In(newYork).Hour() != 9 || year[i].Start.In(newYork).Weekday() != time.Monday {
			e.t.Fatalf("shift %d starts %s", i, year[i].Start.In(newYork))
		}
	}
}

func testUserShifts(e *env) {
	e.threeOnPrimary()
	e.assign("secondary", "", "bob")
	got, err := e.st.UserShifts(e.ctx, "bob", time.Time{}, 4)
	if err != nil {
		e.t.Fatal(err)
	}
	var starts []string
	for _, sh := range got {
		starts = append(starts, sh.Schedule+"@"+sh.Start.In(newYork).Format("Mon 02 15:04"))
	}
	want := []string{"secondary@Mon 10 09:00", "secondary@Tue 11 09:00", "secondary@Wed 12 09:00", "secondary@Thu 13 09:00"}
	if !slices.Equal(starts, want) {
		e.t.Fatalf("bob's next shifts = %v, want %v", starts, want)
	}
	got, err = e.st.UserShifts(e.ctx, "carol", time.Time{}, 1)
	if err != nil || len(got) != 1 || got[0].Schedule != "primary" {
		e.t.Fatalf("carol's next shift = %+v, %v", got, err)
	}
	e.sameInstant("carol's next shift", got[0].Start, ny(2025, 3, 24, 9, 0))
	_, err = e.st.UserShifts(e.ctx, "bob", time.Time{}, 0)
	wantCode(e.t, err, arqir.EINVALID, "n")
	_, err = e.st.UserShifts(e.ctx, "zed", time.Time{}, 1)
	wantCode(e.t, err, arqir.ENOTFOUND)
}
