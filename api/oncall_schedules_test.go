package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
	"github.com/arqir/arqir/policy"
)

// answers reads GET /api/v1/oncall.
func answers(t *testing.T, srv *testserver.Server, query string) []arqir.OnCallAnswer {
	t.Helper()
	var body struct{ Schedules []arqir.OnCallAnswer }
	call(t, srv, "GET", "/api/v1/oncall"+query, srv.Viewer, "").wantStatus(t, http.StatusOK).decodeInto(t, &body)
	return body.Schedules
}

func TestO1_NoParticipantsAndADeletedUserStillAnswer(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	for _, a := range answers(t, srv, "") {
		if a.Assigned || !a.Shift.Gap || len(a.Shift.Notes) != 1 || !strings.Contains(a.Shift.Notes[0], "no one assigned") {
			t.Fatalf("%s with no participants = %+v, want a gap saying no one is assigned", a.Schedule, a)
		}
	}
	addUser(t, srv, "ada", "Ada")
	addUser(t, srv, "bob", "Bob")
	call(t, srv, "PUT", "/api/v1/schedules/primary/participants", srv.Admin, `{"users":["ada","bob"]}`).wantStatus(t, http.StatusOK)
	// Deleting a user in a rotation is refused, saying what to do; forced,
	// it succeeds and the schedule still answers, with the user's turn
	// flagged.
	before := srv.Dump(t)
	e := call(t, srv, "DELETE", "/api/v1/users/bob", srv.Admin, "").wantError(t, http.StatusConflict, "handle")
	if !strings.Contains(e.Error.Message, "bob rotates in primary") || !strings.Contains(e.Error.Message, "force=true") {
		t.Fatalf("refusal = %q", e.Error.Message)
	}
	srv.Unchanged(t, before)
	call(t, srv, "DELETE", "/api/v1/users/bob?force=true", srv.Admin, "").wantStatus(t, http.StatusOK)
	next := srv.Now().Add(7 * 24 * time.Hour).Format(time.RFC3339)
	a := answers(t, srv, "?schedule=primary&at="+next)
	if len(a) != 1 || !a[0].Shift.Gap || a[0].Shift.Parts[0].Vacant != "bob" || !strings.Contains(strings.Join(a[0].Shift.Notes, ";"), "gap: user bob was deleted") {
		t.Fatalf("bob's turn after his deletion = %+v", a)
	}
	if a := answers(t, srv, "?schedule=primary"); a[0].Shift.User != "ada" || a[0].Next != nil && a[0].Next.User == "bob" {
		t.Fatalf("now = %+v", a[0])
	}
}

func TestO3_BadOnCallRequestsAreRefusedAndChangeNothing(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	A, R, V := srv.Admin, srv.Responder, srv.Viewer
	addUser(t, srv, "ada", "Ada")
	addUser(t, srv, "bob", "Bob")
	call(t, srv, "PUT", "/api/v1/schedules/primary/participants", A, `{"users":["ada","bob"]}`).wantStatus(t, http.StatusOK)
	day := func(d int, hour int) string {
		return nyTime(t, 2025, time.March, d, hour, 0).Format(time.RFC3339)
	}
	call(t, srv, "POST", "/api/v1/schedules/primary/overrides", R, `{"user":"bob","replaces":"ada","start":"`+day(4, 9)+`","end":"`+day(4, 17)+`"}`).wantStatus(t, http.StatusCreated)
	call(t, srv, "POST", "/api/v1/calendars", V, `{"schedule":"primary"}`).wantStatus(t, http.StatusCreated)
	before := srv.Dump(t)
	yearLater := srv.Now().Add(367 * 24 * time.Hour).UTC().Format(time.RFC3339)
	cases := []struct {
		name, method, path, token, body string
		status                          int
		field                           string
	}{
		{"unknown time zone", "POST", "/api/v1/users", A, `{"handle":"zed","name":"Zed","time_zone":"Mars/Base"}`, 422, "time_zone"},
		{"phone not E.164", "POST", "/api/v1/users", A, `{"handle":"zed","name":"Zed","phone":"555 1234"}`, 422, "phone"},
		{"handle taken", "POST", "/api/v1/users", A, `{"handle":"ada","name":"Ada 2"}`, 409, "handle"},
		{"viewer adds a user", "POST", "/api/v1/users", V, `{"handle":"zed","name":"Zed"}`, 403, ""},
		{"time zone of an update", "PATCH", "/api/v1/users/ada", A, `{"time_zone":"Local"}`, 422, "time_zone"},
		{"inverted override", "POST", "/api/v1/schedules/primary/overrides", R, `{"user":"bob","start":"` + day(5, 17) + `","end":"` + day(5, 9) + `"}`, 422, "end"},
		{"overlapping override", "POST", "/api/v1/schedules/primary/overrides", R, `{"user":"bob","replaces":"ada","start":"` + day(4, 16) + `","end":"` + day(4, 20) + `"}`, 422, ""},
		{"override by an unknown user", "POST", "/api/v1/schedules/primary/overrides", R, `{"user":"zed","start":"` + day(5, 9) + `","end":"` + day(5, 17) + `"}`, 422, "user"},
		{"override without an end", "POST", "/api/v1/schedules/primary/overrides", R, `{"user":"bob","start":"` + day(5, 9) + `"}`, 422, "end"},
		{"override time not RFC 3339", "POST", "/api/v1/schedules/primary/overrides", R, `{"user":"bob","start":"tomorrow","end":"` + day(5, 9) + `"}`, 400, "start"},
		{"override by a viewer", "POST", "/api/v1/schedules/primary/overrides", V, `{"user":"bob","start":"` + day(5, 9) + `","end":"` + day(5, 17) + `"}`, 403, ""},
		{"override in an unknown schedule", "POST", "/api/v1/schedules/tertiary/overrides", R, `{"user":"bob","start":"` + day(5, 9) + `","end":"` + day(5, 17) + `"}`, 404, "schedule"},
		{"override starting in the past", "POST", "/api/v1/schedules/primary/overrides", R, `{"user":"bob","start":"` + srv.Now().Add(-2*time.Minute).Format(time.RFC3339) + `","end":"` + day(5, 9) + `"}`, 422, "start"},
		{"delete a user who rotates", "DELETE", "/api/v1/users/ada", A, "", 409, "handle"},
		{"delete with force=yes", "DELETE", "/api/v1/users/ada?force=yes", A, "", 400, "force"},
		{"unknown layer", "PUT", "/api/v1/schedules/primary/participants", A, `{"layer":"nights","users":["ada"]}`, 422, "layer"},
		{"unknown participant", "PUT", "/api/v1/schedules/primary/participants", A, `{"users":["ada","zed"]}`, 422, "users"},
		{"anchor on a Tuesday", "PUT", "/api/v1/schedules/primary/participants", A, `{"users":["ada"],"anchor":"2025-03-04"}`, 422, "anchor"},
		{"participants missing", "PUT", "/api/v1/schedules/primary/participants", A, `{}`, 422, "users"},
		{"participants by a responder", "PUT", "/api/v1/schedules/primary/participants", R, `{"users":["bob"]}`, 403, ""},
		{"shifts over a year", "GET", "/api/v1/schedules/primary/shifts?to=" + yearLater, V, "", 400, "to"},
		{"availability over a year", "GET", "/api/v1/oncall/availability?from=" + srv.Now().UTC().Format(time.RFC3339) + "&to=" + yearLater, V, "", 400, "to"},
		{"unknown query parameter", "GET", "/api/v1/oncall?schedul=primary", V, "", 400, "schedul"},
		{"unknown schedule", "GET", "/api/v1/oncall?schedule=tertiary", V, "", 404, "schedule"},
		{"contact filled by the rotation", "PUT", "/api/v1/contacts/on_call_lead", A, `{"user":"ada"}`, 422, "role"},
		{"calendar of both", "POST", "/api/v1/calendars", V, `{"schedule":"primary","user":"ada"}`, 422, ""},
		{"calendar of an unknown user", "POST", "/api/v1/calendars", V, `{"user":"zed"}`, 404, "user"},
		{"notes by someone not on call", "POST", "/api/v1/schedules/primary/handoff-notes", R, `{"text":"hi"}`, 403, ""},
		{"empty note", "POST", "/api/v1/schedules/primary/handoff-notes", A, `{"text":" "}`, 422, "text"},
		{"post-shift of a shift not started", "POST", "/api/v1/schedules/primary/shifts/" + nyTime(t, 2025, time.March, 10, 9, 0).UTC().Format(time.RFC3339) + "/post-shift/1", R, "", 422, "start"},
		{"post-shift of no shift", "POST", "/api/v1/schedules/primary/shifts/2025-03-03T10:00:00Z/post-shift/1", R, "", 422, "start"},
		{"swap of a shift that does not start then", "POST", "/api/v1/schedules/primary/swaps", R, `{"a":"` + day(4, 9) + `","b":"` + day(10, 9) + `"}`, 422, "a"},
		{"revoke someone else's calendar", "DELETE", "/api/v1/calendars/1", R, "", 403, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			call(t, srv, tc.method, tc.path, tc.token, tc.body).wantError(t, tc.status, tc.field)
		})
	}
	srv.Unchanged(t, before)
}

// O2: a restriction window that covers nothing is refused when the policy
// is loaded; so are schedules arqir cannot evaluate exactly. The active
// policy stays.
func TestO2_PolicyScheduleThatCoversNothingOrCannotBeEvaluatedIsRefused(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	src := string(policy.Default().Source())
	for _, tc := range []struct {
		name, old, new, path string
	}{
		{"no weekdays", "weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday]", "weekdays: []", "oncall.schedules[1].restriction.weekdays"},
		{"empty window", `to: "17:00"`, `to: "09:00"`, "oncall.schedules[1].restriction.to"},
		{"36-hour turns", "length: 1w\n        handoff:\n          weekday: Monday\n", "length: 36h\n        handoff:\n", "oncall.schedules[0].rotation.length"},
		{"restriction in another zone", "to: \"17:00\"\n        zone: America/New_York", "to: \"17:00\"\n        zone: Europe/London", "oncall.schedules[1].restriction.zone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(src, tc.old) {
				t.Fatalf("the default policy no longer contains %q", tc.old)
			}
			r := call(t, srv, "PUT", "/api/v1/policy", srv.Admin, strings.Replace(src, tc.old, tc.new, 1))
			r.wantStatus(t, http.StatusUnprocessableEntity)
			found := false
			for _, p := range r.errorBody(t).Problems {
				found = found || p["path"] == tc.path
			}
			if !found {
				t.Fatalf("problems %s do not name %s", r.body, tc.path)
			}
		})
	}
	var active struct{ Revision int }
	call(t, srv, "GET", "/api/v1/policy", srv.Viewer, "").decodeInto(t, &active)
	if active.Revision != 1 {
		t.Fatalf("active revision %d after refused policies, want 1", active.Revision)
	}
	if a := answers(t, srv, ""); len(a) != 2 || a[0].Problem != "" {
		t.Fatalf("the schedules after refused policies = %+v", a)
	}
}

func TestO3_OverrideChangesTheAnswerThroughTheAPI(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addUser(t, srv, "ada", "Ada")
	addUser(t, srv, "bob", "Bob")
	addUser(t, srv, "carol", "Carol")
	var info arqir.ScheduleInfo
	call(t, srv, "PUT", "/api/v1/schedules/primary/participants", srv.Admin, `{"users":["ada","bob"]}`).wantStatus(t, http.StatusOK).decodeInto(t, &info)
	if info.Anchor != "2025-02-24" || len(info.Participants) != 2 || info.Rotation != "weekly, Monday 09:00 America/New_York" {
		t.Fatalf("schedule = %+v", info)
	}
	if a := answers(t, srv, "?schedule=primary"); a[0].Shift.User != "ada" || a[0].Next == nil || a[0].Next.User != "bob" {
		t.Fatalf("now = %+v", a[0])
	}
	end := srv.Now().Add(2 * time.Hour).Format(time.RFC3339)
	var o arqir.Override
	call(t, srv, "POST", "/api/v1/schedules/primary/overrides", srv.Responder, `{"user":"carol","replaces":"ada","start":"`+srv.Now().Format(time.RFC3339)+`","end":"`+end+`"}`).
		wantStatus(t, http.StatusCreated).decodeInto(t, &o)
	a := answers(t, srv, "?schedule=primary")
	if a[0].Shift.User != "carol" || a[0].Shift.Parts[0].Source != arqir.PartOverride || a[0].Shift.Parts[0].Override != o.ID || a[0].Shift.Parts[0].Replaces != "ada" {
		t.Fatalf("with the override = %+v", a[0].Shift)
	}
	var shifts struct{ Shifts []arqir.Shift }
	call(t, srv, "GET", "/api/v1/schedules/primary/shifts", srv.Viewer, "").wantStatus(t, http.StatusOK).decodeInto(t, &shifts)
	if len(shifts.Shifts) < 3 || shifts.Shifts[0].User != "carol" || shifts.Shifts[1].User != "ada" {
		t.Fatalf("shifts = %+v", shifts.Shifts)
	}
	var next struct{ Shifts []arqir.Shift }
	call(t, srv, "GET", "/api/v1/users/bob/shifts?n=2", srv.Viewer, "").wantStatus(t, http.StatusOK).decodeInto(t, &next)
	if len(next.Shifts) != 2 || next.Shifts[0].User != "bob" {
		t.Fatalf("bob's next = %+v", next.Shifts)
	}
	call(t, srv, "DELETE", "/api/v1/schedules/primary/overrides/"+itoa(int(o.ID)), srv.Responder, "").wantStatus(t, http.StatusNoContent)
	if a := answers(t, srv, "?schedule=primary"); a[0].Shift.User != "ada" {
		t.Fatalf("after removing the override = %+v", a[0].Shift)
	}
	// A swap: bob's next week for ada's the week after.
	var pair struct{ Overrides []arqir.Override }
	b := nyTime(t, 2025, time.March, 3, 9, 0).Format(time.RFC3339)
	c := nyTime(t, 2025, time.March, 10, 9, 0).Format(time.RFC3339)
	call(t, srv, "POST", "/api/v1/schedules/primary/swaps", srv.Responder, `{"a":"`+b+`","b":"`+c+`"}`).wantStatus(t, http.StatusCreated).decodeInto(t, &pair)
	if len(pair.Overrides) != 2 || pair.Overrides[0].User != "ada" || pair.Overrides[1].User != "bob" {
		t.Fatalf("swap = %+v", pair.Overrides)
	}
	if a := answers(t, srv, "?schedule=primary&at="+nyTime(t, 2025, time.March, 4, 12, 0).Format(time.RFC3339)); a[0].Shift.User != "ada" {
		t.Fatalf("after the swap = %+v", a[0].Shift)
	}
}
