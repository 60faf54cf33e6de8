package storetest

import (
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var peopleTests = []namedTest{
	{name: "Users_CreateReadUpdateDelete", fn: testUsers},
	{name: "Users_BadInputIsRefusedAndChangesNothing", fn: testUserBadInput},
	{name: "Teams_MembersAndSlack", fn: testTeams},
}

func testUsers(e *env) {
	in := arqir.UserInput{Handle: " ada ", Name: "Ada Lovelace", Email: "ada@example.com", SlackUserID: "U024BE7LH",
		Phone: "+14155550123", TimeZone: "Europe/London", NotificationChannels: []string{"Slack", "email"}}
	u, err := e.st.CreateUser(e.ctx, in, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	now := micro(Start)
	want := &arqir.User{Handle: "ada", Name: "Ada Lovelace", Email: "ada@example.com", SlackUserID: "U024BE7LH", Phone: "+14155550123",
		TimeZone: "Europe/London", NotificationChannels: []string{"slack", "email"}, CreatedAt: now, UpdatedAt: now}
	equal(e.t, "the created user", u, want)
	got, err := e.st.User(e.ctx, "ada")
	if err != nil {
		e.t.Fatal(err)
	}
	equal(e.t, "the user read back", got, want)

	// No time zone means UTC; no channels means none.
	bob, err := e.st.CreateUser(e.ctx, arqir.UserInput{Handle: "bob", Name: "Bob"}, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	if bob.TimeZone != "UTC" || bob.NotificationChannels == nil || len(bob.NotificationChannels) != 0 {
		e.t.Fatalf("defaults: %+v", bob)
	}

	e.clock.Advance(time.Minute)
	phone := "+442071838750"
	channels := []string{"phone", "slack"}
	u, err = e.st.UpdateUser(e.ctx, "ada", arqir.UserPatch{Phone: &phone, NotificationChannels: &channels}, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	if u.Phone != phone || !slices.Equal(u.NotificationChannels, channels) || !u.UpdatedAt.Equal(now.Add(time.Minute)) || u.Email != "ada@example.com" {
		e.t.Fatalf("updated user = %+v", u)
	}
	_, err = e.st.UpdateUser(e.ctx, "ada", arqir.UserPatch{}, alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)

	deleted, err := e.st.DeleteUser(e.ctx, "bob", false, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	if deleted.DeletedAt == nil {
		e.t.Fatal("the deleted user has no deletion time")
	}
	_, err = e.st.DeleteUser(e.ctx, "bob", false, alice)
	wantCode(e.t, err, arqir.ENOTFOUND)
	_, err = e.st.UpdateUser(e.ctx, "bob", arqir.UserPatch{Phone: &phone}, alice)
	wantCode(e.t, err, arqir.ENOTFOUND)
	// A deleted user's handle stays taken: old shifts keep naming one person.
	_, err = e.st.CreateUser(e.ctx, arqir.UserInput{Handle: "bob", Name: "Another Bob"}, alice)
	wantCode(e.t, err, arqir.ECONFLICT, "handle")

	list, err := e.st.Users(e.ctx, false)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(list) != 1 || list[0].Handle != "ada" {
		e.t.Fatalf("active users = %v", handles(list))
	}
	all, err := e.st.Users(e.ctx, true)
	if err != nil {
		e.t.Fatal(err)
	}
	if !slices.Equal(handles(all), []string{"ada", "bob"}) {
		e.t.Fatalf("all users = %v", handles(all))
	}
	if _, err := e.st.User(e.ctx, "bob"); err != nil {
		e.t.Fatalf("a deleted user can still be read: %v", err)
	}
	_, err = e.st.User(e.ctx, "nobody")
	wantCode(e.t, err, arqir.ENOTFOUND)
}

func handles(users []*arqir.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Handle
	}
	return out
}

func testUserBadInput(e *env) {
	e.user("ada", "Ada")
	for _, tc := range []struct {
		in           arqir.UserInput
		field, words string
	}{
		{arqir.UserInput{Handle: "", Name: "X"}, "handle", "required"},
		{arqir.UserInput{Handle: "Ada2", Name: "X"}, "handle", "lowercase"},
		{arqir.UserInput{Handle: "a b", Name: "X"}, "handle", "lowercase letters"},
		{arqir.UserInput{Handle: "system", Name: "X"}, "handle", "reserved"},
		{arqir.UserInput{Handle: "x", Name: ""}, "name", "required"},
		{arqir.UserInput{Handle: "x", Name: "X", TimeZone: "Mars/Olympus_Mons"}, "time_zone", "unknown time zone"},
		{arqir.UserInput{Handle: "x", Name: "X", TimeZone: "Local"}, "time_zone", "IANA"},
		{arqir.UserInput{Handle: "x", Name: "X", Phone: "555-1234"}, "phone", "E.164"},
		{arqir.UserInput{Handle: "x", Name: "X", Phone: "+0123456789"}, "phone", "E.164"},
		{arqir.UserInput{Handle: "x", Name: "X", Email: "Ada <ada@example.com>"}, "email", "email address"},
		{arqir.UserInput{Handle: "x", Name: "X", SlackUserID: "ada"}, "slack_user_id", "member ID"},
		{arqir.UserInput{Handle: "x", Name: "X", NotificationChannels: []string{"pigeon"}}, "notification_channels", "unknown notification channel"},
		{arqir.UserInput{Handle: "x", Name: "X", NotificationChannels: []string{"slack"}}, "notification_channels", "needs the user's slack_user_id"},
		{arqir.UserInput{Handle: "x", Name: "X", Email: "x@example.com", NotificationChannels: []string{"email", "email"}}, "notification_channels", "twice"},
	} {
		_, err := e.st.CreateUser(e.ctx, tc.in, alice)
		wantCode(e.t, err, arqir.EUNPROCESSABLE, tc.field)
		if !strings.Contains(arqir.ErrorMessage(err), tc.words) {
			e.t.Errorf("%+v: message %q lacks %q", tc.in, arqir.ErrorMessage(err), tc.words)
		}
	}
	bad := "Nowhere/City"
	_, err := e.st.UpdateUser(e.ctx, "ada", arqir.UserPatch{TimeZone: &bad}, alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "time_zone")
	all, err := e.st.Users(e.ctx, true)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(all) != 1 || all[0].TimeZone != "America/New_York" {
		e.t.Fatalf("a refused request changed the users: %+v", all)
	}
}

func testTeams(e *env) {
	e.user("ada", "Ada")
	e.user("bob", "Bob")
	e.user("carol", "Carol")
	_, err := e.st.CreateTeam(e.ctx, arqir.TeamInput{Name: "payments", Members: []string{"ada", "zed"}}, alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "members")
	if teams, _ := e.st.Teams(e.ctx); len(teams) != 0 {
		e.t.Fatalf("a refused team was stored: %+v", teams)
	}
	t, err := e.st.CreateTeam(e.ctx, arqir.TeamInput{Name: "payments", SlackChannel: "payments", SlackUserGroup: "@payments-oncall", Members: []string{"ada", "bob", "ada"}}, alice)
	if err != nil {
		e.t.Fatal(err)
	}
	if t.SlackChannel != "#payments" || t.SlackUserGroup != "payments-oncall" || !slices.Equal(t.Members, []string{"ada", "bob"}) {
		e.t.Fatalf("team = %+v", t)
	}
	_, err = e.st.CreateTeam(e.ctx, arqir.TeamInput{Name: "payments"}, alice)
	wantCode(e.t, err, arqir.ECONFLICT, "name")
	_, err = e.st.CreateTeam(e.ctx, arqir.TeamInput{Name: "Pay Ments"}, alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "name")

	if t, err = e.st.AddTeamMember(e.ctx, "payments", "carol", alice); err != nil {
		e.t.Fatal(err)
	}
	if t, err = e.st.AddTeamMember(e.ctx, "payments", "carol", alice); err != nil {
		e.t.Fatalf("adding a member twice: %v", err)
	}
	if !slices.Equal(t.Members, []string{"ada", "bob", "carol"}) {
		e.t.Fatalf("members = %v", t.Members)
	}
	if t, err = e.st.RemoveTeamMember(e.ctx, "payments", "bob", alice); err != nil {
		e.t.Fatal(err)
	}
	_, err = e.st.RemoveTeamMember(e.ctx, "payments", "bob", alice)
	wantCode(e.t, err, arqir.ENOTFOUND)
	_, err = e.st.AddTeamMember(e.ctx, "nope", "ada", alice)
	wantCode(e.t, err, arqir.ENOTFOUND)
	_, err = e.st.AddTeamMember(e.ctx, "payments", "zed", alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE)

	// A deleted user leaves the team's member list.
	if _, err := e.st.DeleteUser(e.ctx, "carol", false, alice); err != nil {
		e.t.Fatal(err)
	}
	t, err = e.st.Team(e.ctx, "payments")
	if err != nil {
		e.t.Fatal(err)
	}
	if !slices.Equal(t.Members, []string{"ada"}) {
		e.t.Fatalf("members after deleting carol = %v", t.Members)
	}
	teams, err := e.st.Teams(e.ctx)
	if err != nil || len(teams) != 1 || teams[0].Name != "payments" {
		e.t.Fatalf("teams = %+v, %v", teams, err)
	}
}
