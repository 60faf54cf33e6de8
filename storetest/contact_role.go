package storetest

import (
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// X1 for one role: Contact answers what the directory (Contacts) says of
// that role — assigned, from the policy, on call, not set — at any instant.
func testContactRole(e *env) {
	e.oncall()
	same := func(what string, at time.Time) {
		e.t.Helper()
		dir, err := e.st.Contacts(e.ctx, at)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, want := range dir.People {
			got, err := e.st.Contact(e.ctx, want.ID, at)
			if err != nil {
				e.t.Fatalf("%s: contact %s: %v", what, want.ID, err)
			}
			equal(e.t, fmt.Sprintf("%s: contact %s", what, want.ID), got, want)
		}
	}
	same("nobody assigned", time.Time{})
	e.user("ada", "Ada")
	e.user("bob", "Bob")
	e.user("vic", "Victoria")
	e.user("zed", "Zed")
	e.assign("primary", "", "ada", "bob")
	if _, err := e.st.AssignContact(e.ctx, "vp_engineering", "vic", alice); err != nil {
		e.t.Fatal(err)
	}
	same("assigned and on call", time.Time{})
	if c, _ := e.st.Contact(e.ctx, "on_call_lead", time.Time{}); c.Source != arqir.ContactOnCall || c.User != "ada" {
		e.t.Fatalf("on-call lead = %+v, want ada on call", c)
	}
	same("a week later", Start.Add(7*24*time.Hour))
	if c, _ := e.st.Contact(e.ctx, "on_call_lead", Start.Add(7*24*time.Hour)); c.User != "bob" {
		e.t.Fatalf("on-call lead a week later = %+v, want bob", c)
	}
	// An override and a deleted participant change who is on call.
	if _, err := e.st.AddOverride(e.ctx, "primary", arqir.OverrideInput{User: "zed", Start: Start, End: Start.Add(time.Hour)}, alice); err != nil {
		e.t.Fatal(err)
	}
	same("overridden", Start.Add(time.Minute))
	if c, _ := e.st.Contact(e.ctx, "on_call_lead", Start.Add(time.Minute)); c.User != "zed" {
		e.t.Fatalf("on-call lead during the override = %+v, want zed", c)
	}
	if _, err := e.st.DeleteUser(e.ctx, "vic", false, alice); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.st.DeleteUser(e.ctx, "ada", true, alice); err != nil {
		e.t.Fatal(err)
	}
	same("after deletions", Start.Add(2*time.Hour))

	_, err := e.st.Contact(e.ctx, "janitor", time.Time{})
	wantCode(e.t, err, arqir.ENOTFOUND, "role")
	_, err = e.st.Contact(e.ctx, "executives", time.Time{})
	wantCode(e.t, err, arqir.ENOTFOUND, "role")
}
