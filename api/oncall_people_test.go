package api_test

import (
	"net/http"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

func TestO1_UsersAndTeamsThroughTheAPI(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	A, V := srv.Admin, srv.Viewer
	call(t, srv, "POST", "/api/v1/users", V, `{"handle":"ada","name":"Ada"}`).wantStatus(t, http.StatusForbidden)
	var u arqir.User
	call(t, srv, "POST", "/api/v1/users", A, `{"handle":"ada","name":"Ada Lovelace","email":"ada@example.com","slack_user_id":"U024BE7LH",
		"phone":"+14155550123","time_zone":"Europe/London","notification_channels":["slack","email"]}`).wantStatus(t, http.StatusCreated).decodeInto(t, &u)
	if u.Handle != "ada" || u.TimeZone != "Europe/London" || len(u.NotificationChannels) != 2 {
		t.Fatalf("user = %+v", u)
	}
	addUser(t, srv, "bob", "Bob")
	var list struct{ Users []arqir.User }
	call(t, srv, "GET", "/api/v1/users", V, "").wantStatus(t, http.StatusOK).decodeInto(t, &list)
	// ada, bob and the first-run admin who signs in to the web UI.
	if len(list.Users) != 3 {
		t.Fatalf("users = %+v", list.Users)
	}
	call(t, srv, "PATCH", "/api/v1/users/ada", A, `{"phone":"+442071838750"}`).wantStatus(t, http.StatusOK).decodeInto(t, &u)
	if u.Phone != "+442071838750" || u.Email != "ada@example.com" {
		t.Fatalf("patched user = %+v", u)
	}
	call(t, srv, "PATCH", "/api/v1/users/ada", A, `{"telephone":"x"}`).wantError(t, http.StatusBadRequest, "telephone")
	call(t, srv, "PATCH", "/api/v1/users/ada", V, `{"phone":"+442071838750"}`).wantStatus(t, http.StatusForbidden)
	call(t, srv, "DELETE", "/api/v1/users/bob", A, "").wantStatus(t, http.StatusOK).decodeInto(t, &u)
	if u.DeletedAt == nil {
		t.Fatalf("deleted user = %+v", u)
	}
	call(t, srv, "GET", "/api/v1/users", V, "").decodeInto(t, &list)
	if len(list.Users) != 2 { // ada and admin
		t.Fatalf("active users = %+v", list.Users)
	}
	call(t, srv, "GET", "/api/v1/users?deleted=true", V, "").decodeInto(t, &list)
	if len(list.Users) != 3 {
		t.Fatalf("all users = %+v", list.Users)
	}
	call(t, srv, "GET", "/api/v1/users/bob", V, "").wantStatus(t, http.StatusOK)
	call(t, srv, "GET", "/api/v1/users/zed", V, "").wantStatus(t, http.StatusNotFound)
	// The mux knows PATCH: a wrong method on the path lists it.
	r := call(t, srv, "POST", "/api/v1/users/ada", A, "{}").wantStatus(t, http.StatusMethodNotAllowed)
	if got := r.header.Get("Allow"); got != "GET, PATCH, DELETE" {
		t.Fatalf("Allow = %q", got)
	}

	var team arqir.Team
	call(t, srv, "POST", "/api/v1/teams", A, `{"name":"payments","slack_channel":"#payments","members":["ada"]}`).wantStatus(t, http.StatusCreated).decodeInto(t, &team)
	addUser(t, srv, "carol", "Carol")
	call(t, srv, "PUT", "/api/v1/teams/payments/members/carol", A, "").wantStatus(t, http.StatusOK).decodeInto(t, &team)
	if len(team.Members) != 2 || team.SlackChannel != "#payments" {
		t.Fatalf("team = %+v", team)
	}
	call(t, srv, "PUT", "/api/v1/teams/payments/members/zed", A, "").wantError(t, http.StatusUnprocessableEntity, "user")
	call(t, srv, "DELETE", "/api/v1/teams/payments/members/ada", A, "").wantStatus(t, http.StatusOK).decodeInto(t, &team)
	call(t, srv, "GET", "/api/v1/teams/payments", V, "").wantStatus(t, http.StatusOK).decodeInto(t, &team)
	if len(team.Members) != 1 || team.Members[0] != "carol" {
		t.Fatalf("team = %+v", team)
	}
	call(t, srv, "GET", "/api/v1/teams/nope", V, "").wantStatus(t, http.StatusNotFound)
}

func TestX1_ContactsResolveThroughTheAPI(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addUser(t, srv, "ada", "Ada")
	addUser(t, srv, "vic", "Victoria")
	var dir arqir.ContactDirectory
	call(t, srv, "GET", "/api/v1/contacts", srv.Viewer, "").wantStatus(t, http.StatusOK).decodeInto(t, &dir)
	// The default policy names nobody: every role is not set, saying so.
	for _, c := range dir.People {
		if c.Source != arqir.ContactNotSet || c.Name != "" || c.Note == "" {
			t.Fatalf("%s = %+v, want not set with a note", c.ID, c)
		}
	}
	if dir.EscalationEmail != "incidents@company.com" || dir.IncidentChannel != "#incidents" || dir.WarRoom != "" {
		t.Fatalf("directory = %+v", dir)
	}
	call(t, srv, "PUT", "/api/v1/contacts/vp_engineering", srv.Responder, `{"user":"vic"}`).wantStatus(t, http.StatusForbidden)
	call(t, srv, "PUT", "/api/v1/contacts/vp_engineering", srv.Admin, `{"user":"vic"}`).wantStatus(t, http.StatusOK)
	call(t, srv, "PUT", "/api/v1/contacts/on_call_lead", srv.Admin, `{"user":"vic"}`).wantError(t, http.StatusUnprocessableEntity, "role")
	call(t, srv, "PUT", "/api/v1/contacts/janitor", srv.Admin, `{"user":"vic"}`).wantError(t, http.StatusNotFound, "role")
	call(t, srv, "PUT", "/api/v1/schedules/primary/participants", srv.Admin, `{"users":["ada"]}`).wantStatus(t, http.StatusOK)
	call(t, srv, "GET", "/api/v1/contacts", srv.Viewer, "").decodeInto(t, &dir)
	got := map[string]arqir.Contact{}
	for _, c := range dir.People {
		got[c.ID] = c
	}
	if c := got["on_call_lead"]; c.Source != arqir.ContactOnCall || c.User != "ada" {
		t.Fatalf("on-call lead = %+v", c)
	}
	if c := got["vp_engineering"]; c.Source != arqir.ContactAssigned || c.Name != "Victoria" {
		t.Fatalf("vp = %+v", c)
	}
	for _, g := range dir.Groups {
		if g.ID == "executives" && (len(g.Members) != 2 || g.Members[1].Name != "Victoria") {
			t.Fatalf("executives = %+v", g)
		}
	}
	call(t, srv, "DELETE", "/api/v1/contacts/vp_engineering", srv.Admin, "").wantStatus(t, http.StatusNoContent)
	call(t, srv, "DELETE", "/api/v1/contacts/vp_engineering", srv.Admin, "").wantStatus(t, http.StatusNotFound)
}
