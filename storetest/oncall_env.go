package storetest

import (
	"time"

	"github.com/arqir/arqir"
)

// oncallTests are the on-call groups of the suite (issue 4); Run runs them
// with the others.
var oncallTests = concat(peopleTests, contactTests, scheduleTests, changeTests, layerTests, handoffTests, calendarTests, availabilityTests)

func concat(groups ...[]namedTest) []namedTest {
	var out []namedTest
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// newYork is the zone of the ARQ rotation (O3).
var newYork = mustZone("America/New_York")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Tasks of the suite's on-call rules.
var (
	handoffTasks   = []string{"Provide context to next on-call engineer", "Document ongoing issues", "Update status dashboard"}
	postShiftTasks = []string{"Document any incidents", "Update runbooks", "Participate in RCA meetings"}
)

// OnCallRules returns the on-call rules the suite runs under, written out by
// hand like the ARQ procedures: a primary schedule rotating weekly at Monday
// 09:00 America/New_York (O1, O3), a secondary restricted to Mon–Fri
// 09:00–17:00 (O2), the handoff and post-shift duties (O5, O6), the
// availability targets (O4) and the contacts directory (X1) in which the CTO
// is named by the policy and nobody else is.
func OnCallRules() arqir.OnCallRules {
	primary := arqir.ScheduleRule{
		ID: "primary", Title: "Primary On-Call", Description: "7 days/week",
		Layers: []arqir.LayerRule{weekly(arqir.DefaultLayer)},
	}
	secondary := arqir.ScheduleRule{
		ID: "secondary", Title: "Secondary On-Call", Description: "Backup during US business hours",
		Layers: []arqir.LayerRule{businessHours(weekly(arqir.DefaultLayer))},
	}
	return arqir.OnCallRules{
		Schedules:      []arqir.ScheduleRule{primary, secondary},
		HandoffTasks:   handoffTasks,
		PostShiftTasks: postShiftTasks,
		Availability:   arqir.AvailabilityRule{RespondWithin: 5 * time.Minute, AcknowledgePageWithin: 2 * time.Minute},
		Contacts: arqir.ContactRules{
			People: []arqir.ContactPersonRule{
				{ID: "on_call_lead", Title: "On-Call Lead", Schedule: "primary"},
				{ID: "vp_engineering", Title: "VP Engineering"},
				{ID: "cto", Title: "CTO", Name: "Grace Hopper", Email: "grace@example.com"},
				{ID: "customer_success_director", Title: "Customer Success Director"},
			},
			Groups: []arqir.ContactGroupRule{
				{ID: "executives", Title: "Executives", Members: []string{"cto", "vp_engineering"}},
				{ID: "on_call_team", Title: "On-call team", Members: []string{"on_call_lead"}},
			},
			EscalationEmail: "incidents@company.com",
			IncidentChannel: "#incidents",
		},
	}
}

// weekly is a layer rotating weekly at Monday 09:00 America/New_York (O3).
func weekly(name string) arqir.LayerRule {
	return arqir.LayerRule{Name: name, Rotation: 7 * 24 * time.Hour, HandoffWeekday: time.Monday, HasWeekday: true, HandoffHour: 9, Zone: newYork}
}

// businessHours restricts a layer to Mon–Fri 09:00–17:00 America/New_York (O2).
func businessHours(l arqir.LayerRule) arqir.LayerRule {
	l.Restriction = &arqir.RestrictionRule{
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		FromHour: 9, ToHour: 17, Zone: newYork,
	}
	return l
}

// oncall installs the suite's on-call rules on the env's store.
func (e *env) oncall() *env {
	e.st.SetOnCallRules(OnCallRules())
	return e
}

// replica opens another store on the same database with the same rules.
func (e *env) replica() arqir.Store {
	st := e.another()
	st.SetOnCallRules(OnCallRules())
	return st
}

// user adds a user with a name, failing the test on error.
func (e *env) user(handle, name string) *arqir.User {
	e.t.Helper()
	u, err := e.st.CreateUser(e.ctx, arqir.UserInput{Handle: handle, Name: name, TimeZone: "America/New_York"}, alice)
	if err != nil {
		e.t.Fatalf("create user %s: %v", handle, err)
	}
	return u
}

// assign sets a schedule's participants, failing the test on error.
func (e *env) assign(schedule, anchor string, users ...string) *arqir.ScheduleInfo {
	e.t.Helper()
	return e.assignLayer(schedule, "", anchor, users...).ScheduleInfo
}

// assignLayer sets one layer's participants, failing the test on error.
func (e *env) assignLayer(schedule, layer, anchor string, users ...string) *arqir.ParticipantsChange {
	e.t.Helper()
	change, err := e.st.SetParticipants(e.ctx, schedule, arqir.Participants{Layer: layer, Users: users, Anchor: anchor}, alice)
	if err != nil {
		e.t.Fatalf("assign %s %s: %v", schedule, layer, err)
	}
	return change
}

// deleteUser deletes a user, forced or not, failing the test on error.
func (e *env) deleteUser(handle string, force bool) {
	e.t.Helper()
	if _, err := e.st.DeleteUser(e.ctx, handle, force, alice); err != nil {
		e.t.Fatalf("delete %s: %v", handle, err)
	}
}

// onCall answers who is on call in one schedule at t, failing on error.
func (e *env) onCall(schedule string, t time.Time) *arqir.OnCallAnswer {
	e.t.Helper()
	answers, err := e.st.WhoIsOnCall(e.ctx, schedule, t)
	if err != nil {
		e.t.Fatalf("who is on call in %s at %s: %v", schedule, t, err)
	}
	if len(answers) != 1 {
		e.t.Fatalf("who is on call in %s: %d answers", schedule, len(answers))
	}
	return answers[0]
}

// ny is a wall-clock time in New York.
func ny(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, newYork)
}

// sameInstant fails unless got and want are the same instant.
func (e *env) sameInstant(what string, got, want time.Time) {
	e.t.Helper()
	if !got.Equal(want) {
		e.t.Fatalf("%s = %s (%s), want %s (%s)", what, got.UTC().Format(time.RFC3339), got.In(newYork).Format(time.RFC3339),
			want.UTC().Format(time.RFC3339), want.In(newYork).Format(time.RFC3339))
	}
}
