package client_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/internal/testserver"
)

// Every on-call call of the client reaches its route and decodes its
// answer: people, contacts, participants, overrides, swaps, the questions,
// notes, post-shift, calendars, the inbox and availability.
func TestOnCallRoundTrip(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	ctx := t.Context()
	admin := client.New(srv.URL, srv.Admin)
	for _, h := range []string{"ada", "bob"} {
		if _, err := admin.CreateUser(ctx, client.UserRequest{Handle: h, Name: strings.ToUpper(h[:1]) + h[1:], TimeZone: "America/New_York"}); err != nil {
			t.Fatal(err)
		}
	}
	phone := "+14155550123"
	if u, err := admin.UpdateUser(ctx, "ada", client.UserPatch{Phone: &phone}); err != nil || u.Phone != phone || u.Name != "Ada" {
		t.Fatalf("update = %+v, %v", u, err)
	}
	if users, err := admin.Users(ctx, false); err != nil || len(users) != 3 { // with the first-run admin
		t.Fatalf("users = %v, %v", users, err)
	}
	if _, err := admin.CreateTeam(ctx, client.TeamRequest{Name: "payments", Members: []string{"ada"}}); err != nil {
		t.Fatal(err)
	}
	if tm, err := admin.AddTeamMember(ctx, "payments", "bob"); err != nil || len(tm.Members) != 2 {
		t.Fatalf("team = %+v, %v", tm, err)
	}
	if _, err := admin.AssignContact(ctx, "cto", "bob"); err != nil {
		t.Fatal(err)
	}
	if d, err := admin.Contacts(ctx, time.Time{}); err != nil || d.People[2].User != "bob" {
		t.Fatalf("contacts = %+v, %v", d, err)
	}
	if c, err := admin.SetParticipants(ctx, "primary", client.ParticipantsRequest{Users: []string{"ada", "bob"}}); err != nil || c.After.User != "ada" || c.Layers[0].Name != "rotation" {
		t.Fatalf("participants = %+v, %v", c, err)
	}
	now, err := admin.OnCall(ctx, "", time.Time{})
	if err != nil || len(now.Schedules) != 2 || now.Schedules[0].Shift.User != "ada" || !now.At.Equal(srv.Now()) {
		t.Fatalf("on call = %+v, %v", now, err)
	}
	o, err := admin.AddOverride(ctx, "primary", client.OverrideRequest{User: "bob", Start: srv.Now(), End: srv.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	shifts, err := admin.Shifts(ctx, "primary", time.Time{}, time.Time{})
	if err != nil || shifts[0].User != "bob" {
		t.Fatalf("shifts = %+v, %v", shifts, err)
	}
	if err := admin.RemoveOverride(ctx, "primary", o.ID); err != nil {
		t.Fatal(err)
	}
	next, err := admin.UserShifts(ctx, "bob", time.Time{}, 2)
	if err != nil || len(next) != 2 {
		t.Fatalf("bob's shifts = %+v, %v", next, err)
	}
	if pair, err := admin.Swap(ctx, "primary", next[0].Start, next[1].Start.Add(-7*24*time.Hour)); err != nil || len(pair) != 2 {
		t.Fatalf("swap = %+v, %v", pair, err)
	}
	if _, err := admin.AddHandoffNote(ctx, "primary", "watch the DB"); err != nil {
		t.Fatal(err)
	}
	if notes, err := admin.HandoffNotes(ctx, "primary"); err != nil || len(notes) != 1 {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
	start := now.Schedules[0].Shift.Start
	if c, err := admin.TickPostShift(ctx, "primary", start, "1"); err != nil || !c.Items[0].Done {
		t.Fatalf("tick = %+v, %v", c, err)
	}
	if c, err := admin.PostShift(ctx, "primary", start); err != nil || c.User != "ada" {
		t.Fatalf("post-shift = %+v, %v", c, err)
	}
	feed, feedURL, err := admin.CreateCalendar(ctx, "", "ada")
	if err != nil || feed.User != "ada" || !strings.Contains(feedURL, "/ical/cal_") {
		t.Fatalf("calendar = %+v %q, %v", feed, feedURL, err)
	}
	if feeds, err := admin.Calendars(ctx); err != nil || len(feeds) != 1 {
		t.Fatalf("feeds = %+v, %v", feeds, err)
	}
	if err := admin.RevokeCalendar(ctx, feed.ID); err != nil {
		t.Fatal(err)
	}
	// bob's override started now: ada handed over to him, with a report.
	if msgs, err := admin.Inbox(ctx, "ada", 0); err != nil || len(msgs) != 1 || msgs[0].Kind != arqir.MessageHandoffReport {
		t.Fatalf("inbox = %+v, %v", msgs, err)
	}
	if r, err := admin.Availability(ctx, time.Time{}, time.Time{}); err != nil || r.RespondWithinSeconds != 300 {
		t.Fatalf("availability = %+v, %v", r, err)
	}
	if _, err := admin.Handoffs(ctx, "primary", 5); err != nil {
		t.Fatal(err)
	}
	var ce *client.Error
	if _, err := admin.DeleteUser(ctx, "bob", false); !errors.As(err, &ce) || ce.Status != http.StatusConflict || !strings.Contains(ce.Message, "--force") {
		t.Fatalf("deleting bob, who rotates = %v", err)
	}
	if u, err := admin.DeleteUser(ctx, "bob", true); err != nil || u.DeletedAt == nil {
		t.Fatalf("deleting bob by force = %+v, %v", u, err)
	}
	// Refusals arrive as *client.Error with the server's field.
	_, err = admin.CreateUser(ctx, client.UserRequest{Handle: "zed", Name: "Zed", TimeZone: "Nowhere/Town"})
	if !errors.As(err, &ce) || ce.Status != http.StatusUnprocessableEntity || ce.Field != "time_zone" {
		t.Fatalf("bad time zone = %v", err)
	}
	_, err = admin.Handoff(ctx, 99)
	if !errors.As(err, &ce) || ce.Code != arqir.ENOTFOUND {
		t.Fatalf("unknown report = %v", err)
	}
}
