package storetest

import (
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var layerTests = []namedTest{
	{name: "O1_LayersOfRotationsWithParticipantsPerLayer", fn: testLayers},
}

// layeredRules are the suite's rules with a third schedule of two layers:
// a weekly rotation around the clock, and above it a daily rotation during
// business hours, which wins while it has someone.
func layeredRules() arqir.OnCallRules {
	r := OnCallRules()
	daily := arqir.LayerRule{Name: "business-hours", Rotation: 24 * time.Hour, HandoffHour: 9, Zone: newYork}
	r.Schedules = append(r.Schedules, arqir.ScheduleRule{
		ID: "follow", Title: "Follow-the-day", Description: "Weekly, with a daily business-hours layer",
		Layers: []arqir.LayerRule{weekly("weekly"), businessHours(daily)}, Layered: true,
	})
	return r
}

func testLayers(e *env) {
	e.st.SetOnCallRules(layeredRules())
	for _, h := range []string{"ada", "bob", "carol", "dan"} {
		e.user(h, strings.ToUpper(h[:1])+h[1:])
	}
	// No layer named: the first, the base layer.
	change := e.assignLayer("follow", "", "", "ada", "bob")
	if change.After.User != "ada" || change.Handoff != 0 || len(change.Layers) != 2 || len(change.Layers[0].Participants) != 2 || len(change.Layers[1].Participants) != 0 {
		e.t.Fatalf("assigning the base layer = %+v", change)
	}
	// Monday 10:00 is within business hours: the upper layer takes over
	// at once, a handoff from ada to carol.
	change = e.assignLayer("follow", "business-hours", "", "carol", "dan")
	if change.Before.User != "ada" || change.After.User != "carol" || change.Handoff == 0 || change.Layers[1].Anchor != "2025-03-10" {
		e.t.Fatalf("assigning business hours = before %q after %q handoff %d layers %+v", change.Before.User, change.After.User, change.Handoff, change.Layers)
	}
	if p := change.After.Parts; len(p) != 1 || p[0].Layer != "business-hours" || p[0].Source != arqir.PartRotation {
		e.t.Fatalf("carol's parts = %+v, want the business-hours layer", p)
	}
	for _, tc := range []struct {
		at          time.Time
		user, layer string
	}{
		{ny(2025, 3, 11, 12, 0), "dan", "business-hours"},
		{ny(2025, 3, 11, 20, 0), "ada", "weekly"},
		{ny(2025, 3, 15, 12, 0), "ada", "weekly"},
		{ny(2025, 3, 17, 12, 0), "dan", "business-hours"},
		{ny(2025, 3, 17, 8, 59), "ada", "weekly"},
		{ny(2025, 3, 17, 17, 0), "bob", "weekly"},
	} {
		got := e.onCall("follow", tc.at)
		if got.Shift.User != tc.user || got.Shift.Parts[len(got.Shift.Parts)-1].Layer != tc.layer {
			e.t.Fatalf("at %s = %q by %+v, want %s by layer %s", tc.at.In(newYork), got.Shift.User, got.Shift.Parts, tc.user, tc.layer)
		}
	}
	shifts, err := e.st.ScheduleShifts(e.ctx, "follow", ny(2025, 3, 11, 0, 0), ny(2025, 3, 12, 0, 0))
	if err != nil {
		e.t.Fatal(err)
	}
	var got []string
	for _, sh := range shifts {
		got = append(got, sh.User+"@"+sh.Start.In(newYork).Format("Mon 15:04")+"/"+sh.Parts[0].Layer)
	}
	if want := []string{"ada@Mon 17:00/weekly", "dan@Tue 09:00/business-hours", "ada@Tue 17:00/weekly"}; !slices.Equal(got, want) {
		e.t.Fatalf("Tuesday's shifts = %v, want %v", got, want)
	}
	info, err := e.st.Schedule(e.ctx, "follow")
	if err != nil {
		e.t.Fatal(err)
	}
	if info.Layers[0].Name != "weekly" || info.Layers[1].Name != "business-hours" || info.Layers[1].Restriction == "" || info.Rotation != info.Layers[0].Rotation ||
		info.Participants[0].Handle != "ada" || info.Layers[1].Rotation != "daily, 09:00 America/New_York" {
		e.t.Fatalf("info = %+v", info)
	}

	// A layer the schedule does not have is refused, naming the ones it has.
	_, err = e.st.SetParticipants(e.ctx, "follow", arqir.Participants{Layer: "nights", Users: []string{"bob"}}, alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "layer")
	if !strings.Contains(arqir.ErrorMessage(err), "weekly, business-hours") {
		e.t.Fatalf("message %q does not list the layers", arqir.ErrorMessage(err))
	}
	_, err = e.st.DeleteUser(e.ctx, "dan", false, alice)
	wantCode(e.t, err, arqir.ECONFLICT, "handle")
	if !strings.Contains(arqir.ErrorMessage(err), "follow (layer business-hours)") {
		e.t.Fatalf("message %q does not name the layer", arqir.ErrorMessage(err))
	}
	// A layer emptied: the base layer shows through.
	change = e.assignLayer("follow", "business-hours", "")
	if change.After.User != "ada" || change.Layers[1].Anchor != "" {
		e.t.Fatalf("after emptying business hours = %+v", change)
	}
	next, err := e.st.UserShifts(e.ctx, "bob", time.Time{}, 1)
	if err != nil || len(next) != 1 || next[0].Schedule != "follow" {
		e.t.Fatalf("bob's next shift = %+v, %v", next, err)
	}
	e.sameInstant("bob's next shift", next[0].Start, ny(2025, 3, 17, 9, 0))
}
