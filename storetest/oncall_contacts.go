package storetest

import (
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var contactTests = []namedTest{
	{name: "X1_ContactsResolveAssignedPolicyOnCallAndNotSet", fn: testContactsResolve},
	{name: "X1_ContactAssignmentsRefuseWhatTheyCannotFill", fn: testContactRefusals},
}

func testContactsResolve(e *env) {
	e.oncall()
	dir, err := e.st.Contacts(e.ctx, time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	// Nobody assigned, nobody on call: only the CTO the policy names is set.
	got := map[string]arqir.Contact{}
	for _, c := range dir.People {
		got[c.ID] = c
	}
	if c := got["cto"]; c.Source != arqir.ContactPolicy || c.Name != "Grace Hopper" || c.Email != "grace@example.com" {
		e.t.Fatalf("cto = %+v", c)
	}
	for _, id := range []string{"vp_engineering", "customer_success_director", "on_call_lead"} {
		if c := got[id]; c.Source != arqir.ContactNotSet || c.Name != "" || c.Note == "" || c.Set() {
			e.t.Fatalf("%s = %+v, want not set with a note", id, c)
		}
	}
	if !strings.Contains(got["on_call_lead"].Note, "no participants") {
		e.t.Fatalf("on-call lead note %q does not say nobody is assigned", got["on_call_lead"].Note)
	}
	if dir.EscalationEmail != "incidents@company.com" || dir.IncidentChannel != "#incidents" || dir.WarRoom != "" {
		e.t.Fatalf("directory channels = %+v", dir)
	}

	e.user("ada", "Ada")
	e.user("bob", "Bob")
	e.user("vic", "Victoria")
	e.assign("primary", "", "ada", "bob")
	if _, err := e.st.AssignContact(e.ctx, "vp_engineering", "vic", alice); err != nil {
		e.t.Fatal(err)
	}
	dir, err = e.st.Contacts(e.ctx, time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	got = map[string]arqir.Contact{}
	for _, c := range dir.People {
		got[c.ID] = c
	}
	if c := got["on_call_lead"]; c.Source != arqir.ContactOnCall || c.User != "ada" || c.Schedule != "primary" {
		e.t.Fatalf("on-call lead now = %+v, want ada from the primary rotation", c)
	}
	if c := got["vp_engineering"]; c.Source != arqir.ContactAssigned || c.User != "vic" || c.Name != "Victoria" {
		e.t.Fatalf("vp = %+v", c)
	}
	// A week later the rotation has moved on, and so has the on-call lead.
	later, err := e.st.Contacts(e.ctx, Start.Add(7*24*time.Hour))
	if err != nil {
		e.t.Fatal(err)
	}
	if c := later.People[0]; c.ID != "on_call_lead" || c.User != "bob" {
		e.t.Fatalf("on-call lead a week later = %+v, want bob", c)
	}
	// Groups expand to their people.
	var execs []string
	for _, g := range dir.Groups {
		if g.ID == "executives" {
			for _, m := range g.Members {
				execs = append(execs, m.ID+"="+m.Name)
			}
		}
	}
	if strings.Join(execs, ",") != "cto=Grace Hopper,vp_engineering=Victoria" {
		e.t.Fatalf("executives = %v", execs)
	}
	// Deleting the assigned user leaves the role not set, saying why.
	if _, err := e.st.DeleteUser(e.ctx, "vic", false, alice); err != nil {
		e.t.Fatal(err)
	}
	dir, err = e.st.Contacts(e.ctx, time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	if c := dir.People[1]; c.Source != arqir.ContactNotSet || !strings.Contains(c.Note, "vic was deleted") {
		e.t.Fatalf("vp after deleting vic = %+v", c)
	}
	if err := e.st.UnassignContact(e.ctx, "vp_engineering", alice); err != nil {
		e.t.Fatal(err)
	}
	wantCode(e.t, e.st.UnassignContact(e.ctx, "vp_engineering", alice), arqir.ENOTFOUND)
}

func testContactRefusals(e *env) {
	e.oncall()
	e.user("ada", "Ada")
	_, err := e.st.AssignContact(e.ctx, "on_call_lead", "ada", alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "role")
	_, err = e.st.AssignContact(e.ctx, "executives", "ada", alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "role")
	_, err = e.st.AssignContact(e.ctx, "janitor", "ada", alice)
	wantCode(e.t, err, arqir.ENOTFOUND, "role")
	_, err = e.st.AssignContact(e.ctx, "cto", "nobody", alice)
	wantCode(e.t, err, arqir.EUNPROCESSABLE, "user")
	dir, err := e.st.Contacts(e.ctx, time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range dir.People {
		if c.Source == arqir.ContactAssigned {
			e.t.Fatalf("a refused assignment was stored: %+v", c)
		}
	}
}
