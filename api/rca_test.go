package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// rcaPath is the path of an incident's RCA or one of its sub-resources.
func rcaPath(inc *arqir.Incident, rest string) string {
	return "/api/v1/incidents/" + inc.ID.String() + "/rca" + rest
}

func TestP1_ResolvingCreatesTheRCADueIn24Hours(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	open := declare(t, srv, "")
	call(t, srv, "GET", rcaPath(open, ""), srv.Viewer, "").wantError(t, http.StatusNotFound, "")
	call(t, srv, "GET", "/api/v1/incidents/INC-99/rca", srv.Viewer, "").wantStatus(t, http.StatusNotFound)
	call(t, srv, "GET", "/api/v1/incidents/nope/rca", srv.Viewer, "").wantError(t, http.StatusBadRequest, "id")

	inc := resolvedIncident(t, srv)
	r := call(t, srv, "GET", rcaPath(inc, ""), srv.Viewer, "").wantStatus(t, http.StatusOK)
	rca := r.rca(t)
	switch {
	case rca.IncidentID != inc.ID || rca.State != arqir.RCADraft || rca.Overdue:
		t.Errorf("rca %+v", rca)
	case !rca.DueAt.Equal(inc.ResolvedAt.Add(24 * time.Hour)):
		t.Errorf("due %s, resolved %s: want 24 h later (P1)", rca.DueAt, inc.ResolvedAt)
	case r.header.Get("ETag") != fmt.Sprintf(`"%d"`, rca.Version):
		t.Errorf("ETag %q, version %d", r.header.Get("ETag"), rca.Version)
	}
	var ids []string
	for _, s := range rca.Sections {
		ids = append(ids, s.ID)
	}
	if want := "executive_summary,incident_timeline,root_cause_analysis,contributing_factors,impact_assessment,corrective_actions,prevention_strategies,action_item_owners"; strings.Join(ids, ",") != want {
		t.Errorf("sections %v, want the policy's eight (P2)", ids)
	}
}

func TestP2_EditASection(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	inc := resolvedIncident(t, srv)
	v := call(t, srv, "GET", rcaPath(inc, ""), srv.Viewer, "").rca(t).Version
	path := rcaPath(inc, "/sections/root_cause_analysis")
	body := fmt.Sprintf(`{"body":"The pool was sized for last year's traffic.","version":%d}`, v)
	rca := call(t, srv, "PUT", path, srv.Responder, body).wantStatus(t, http.StatusOK).rca(t)
	sec := rca.Sections[2]
	if sec.ID != "root_cause_analysis" || sec.Body != "The pool was sized for last year's traffic." || sec.EditedBy != "alice" || sec.EditedAt == nil || rca.Version != v+1 {
		t.Fatalf("after the edit: %+v (version %d)", sec, rca.Version)
	}
	// If-Match works like the body's version.
	rca = call(t, srv, "PUT", path, srv.Responder, `{"body":"Undersized pool."}`, "If-Match", fmt.Sprintf(`"%d"`, rca.Version)).wantStatus(t, http.StatusOK).rca(t)
	if rca.Sections[2].Body != "Undersized pool." {
		t.Fatalf("%+v", rca.Sections[2])
	}

	before := postIncidentDump(t, srv)
	cases := []struct {
		name, path, token, body string
		status                  int
		field                   string
	}{
		{"stale version", path, srv.Responder, fmt.Sprintf(`{"body":"x","version":%d}`, v), http.StatusConflict, ""},
		{"unknown section", rcaPath(inc, "/sections/lessons"), srv.Responder, `{"body":"x"}`, http.StatusNotFound, "section"},
		{"no body field", path, srv.Responder, `{"version":0}`, http.StatusUnprocessableEntity, "body"},
		{"unknown field", path, srv.Responder, `{"body":"x","bodyy":"y"}`, http.StatusBadRequest, "bodyy"},
		{"malformed JSON", path, srv.Responder, `{"body":`, http.StatusBadRequest, ""},
		{"empty request", path, srv.Responder, ``, http.StatusBadRequest, ""},
		{"negative version", path, srv.Responder, `{"body":"x","version":-1}`, http.StatusBadRequest, "version"},
		{"viewer", path, srv.Viewer, `{"body":"x"}`, http.StatusForbidden, ""},
		{"no token", path, "", `{"body":"x"}`, http.StatusUnauthorized, ""},
		{"no RCA yet", rcaPath(declare(t, srv, ""), "/sections/root_cause_analysis"), srv.Responder, `{"body":"x"}`, http.StatusNotFound, ""},
	}
	before = postIncidentDump(t, srv) // the declaration above is not a refusal
	for _, c := range cases {
		r := call(t, srv, "PUT", c.path, c.token, c.body)
		if r.status != c.status || r.errorBody(t).Error.Field != c.field {
			t.Errorf("%s: %d %s, want %d field %q", c.name, r.status, r.body, c.status, c.field)
		}
	}
	unchanged(t, srv, before)
	// A stale If-Match is a conflict too.
	call(t, srv, "PUT", path, srv.Responder, `{"body":"x"}`, "If-Match", `"1"`).wantStatus(t, http.StatusConflict)
	call(t, srv, "PUT", path, srv.Responder, `{"body":"x"}`, "If-Match", `"abc"`).wantError(t, http.StatusBadRequest, "If-Match")
	unchanged(t, srv, before)
}

// A published RCA changes only after it is reopened, with a reason.
func TestP2_PublishedRCAIsReopenedBeforeEditing(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	inc := resolvedIncident(t, srv)
	state := func(body string) reply { return call(t, srv, "POST", rcaPath(inc, "/state"), srv.Responder, body) }
	edit := func() reply {
		return call(t, srv, "PUT", rcaPath(inc, "/sections/prevention_strategies"), srv.Responder, `{"body":"Load-test the pool."}`)
	}
	before := postIncidentDump(t, srv)
	state(`{"state":"published"}`).wantError(t, http.StatusUnprocessableEntity, "state") // draft cannot skip the review
	state(`{"state":"archived"}`).wantError(t, http.StatusUnprocessableEntity, "state")
	state(`{}`).wantError(t, http.StatusUnprocessableEntity, "state")
	state(`{"state":"in_review","note":"x"}`).wantError(t, http.StatusBadRequest, "note")
	unchanged(t, srv, before)

	if rca := state(`{"state":"in-review"}`).wantStatus(t, http.StatusOK).rca(t); rca.State != arqir.RCAInReview {
		t.Fatalf("state %s", rca.State)
	}
	rca := state(`{"state":"published"}`).wantStatus(t, http.StatusOK).rca(t)
	if rca.State != arqir.RCAPublished || rca.PublishedAt == nil {
		t.Fatalf("published: %+v", rca)
	}
	before = postIncidentDump(t, srv)
	e := edit().wantStatus(t, http.StatusUnprocessableEntity).errorBody(t)
	if !strings.Contains(e.Error.Message, "reopen") {
		t.Errorf("the refusal does not say to reopen: %q", e.Error.Message)
	}
	state(`{"state":"in_review"}`).wantError(t, http.StatusUnprocessableEntity, "reason")
	state(`{"state":"draft"}`).wantError(t, http.StatusUnprocessableEntity, "state")
	unchanged(t, srv, before)

	rca = state(`{"state":"in_review","reason":"the root cause was wrong"}`).wantStatus(t, http.StatusOK).rca(t)
	if rca.State != arqir.RCAInReview {
		t.Fatalf("reopened: %s", rca.State)
	}
	edit().wantStatus(t, http.StatusOK)
	if kinds := timelineKinds(t, srv, inc.ID.String()); !strings.Contains(strings.Join(kinds, " "), arqir.EventRCAChanged) {
		t.Errorf("no %s on the timeline: %v", arqir.EventRCAChanged, kinds)
	}
}

func TestP1_ScheduleAndHoldTheMeeting(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addPerson(t, srv, "ada", "ada@example.com")
	addPerson(t, srv, "bob", "bob@example.com")
	addUser(t, srv, "nomail", "No Mail")
	inc := resolvedIncident(t, srv)
	at := srv.Now().Add(6 * time.Hour).UTC()
	path := rcaPath(inc, "/meeting")

	before := postIncidentDump(t, srv)
	for _, c := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"no time", `{"attendees":["ada"]}`, http.StatusUnprocessableEntity, "at"},
		{"not RFC 3339", `{"at":"2025-03-03 15:00","attendees":["ada"]}`, http.StatusBadRequest, "at"},
		{"in the past", `{"at":"2025-03-01T15:00:00Z","attendees":["ada"]}`, http.StatusUnprocessableEntity, "at"},
		{"no attendees", `{"at":"` + at.Format(time.RFC3339) + `"}`, http.StatusUnprocessableEntity, "attendees"},
		{"unknown attendee", `{"at":"` + at.Format(time.RFC3339) + `","attendees":["ada","zed"]}`, http.StatusUnprocessableEntity, "attendees"},
		{"attendee without e-mail", `{"at":"` + at.Format(time.RFC3339) + `","attendees":["nomail"]}`, http.StatusUnprocessableEntity, "attendees"},
		{"attendees not a list", `{"at":"` + at.Format(time.RFC3339) + `","attendees":"ada"}`, http.StatusBadRequest, "attendees"},
	} {
		r := call(t, srv, "POST", path, srv.Responder, c.body)
		if r.status != c.status || r.errorBody(t).Error.Field != c.field {
			t.Errorf("%s: %d %s, want %d field %q", c.name, r.status, r.body, c.status, c.field)
		}
	}
	unchanged(t, srv, before)

	rca := call(t, srv, "POST", path, srv.Responder, `{"at":"`+at.Format(time.RFC3339)+`","attendees":["ada"," bob"]}`).wantStatus(t, http.StatusOK).rca(t)
	if rca.MeetingAt == nil || !rca.MeetingAt.Equal(at) || strings.Join(rca.Attendees, ",") != "ada,bob" {
		t.Fatalf("scheduled: %+v", rca)
	}
	// Each attendee is invited by e-mail, with the meeting attached.
	var list struct {
		Notifications []*arqir.Notification `json:"notifications"`
	}
	call(t, srv, "GET", "/api/v1/incidents/"+inc.ID.String()+"/notifications", srv.Viewer, "").wantStatus(t, http.StatusOK).decodeInto(t, &list)
	invited := map[string]bool{}
	for _, n := range list.Notifications {
		if n.Purpose == arqir.PurposeRCAInvite {
			if n.Channel != arqir.ChannelEmail || n.Message.Meeting == nil || !n.Message.Meeting.Start.Equal(at) {
				t.Errorf("invitation %+v", n)
			}
			invited[n.Address] = true
		}
	}
	if !invited["ada@example.com"] || !invited["bob@example.com"] || len(invited) != 2 {
		t.Errorf("invited %v", invited)
	}

	srv.Advance(7 * time.Hour)
	held := srv.Now().Add(-time.Hour).UTC()
	heldPath := rcaPath(inc, "/meeting/held")
	before = postIncidentDump(t, srv)
	call(t, srv, "POST", heldPath, srv.Responder, `{"attendees":["ada"]}`).wantError(t, http.StatusUnprocessableEntity, "held_at")
	call(t, srv, "POST", heldPath, srv.Responder, `{"held_at":"yesterday","attendees":["ada"]}`).wantError(t, http.StatusBadRequest, "held_at")
	call(t, srv, "POST", heldPath, srv.Responder, `{"held_at":"`+srv.Now().Add(time.Hour).UTC().Format(time.RFC3339)+`","attendees":["ada"]}`).wantError(t, http.StatusUnprocessableEntity, "held_at")
	unchanged(t, srv, before)
	rca = call(t, srv, "POST", heldPath, srv.Responder, `{"held_at":"`+held.Format(time.RFC3339)+`","attendees":["ada","bob"]}`).wantStatus(t, http.StatusOK).rca(t)
	if rca.HeldAt == nil || !rca.HeldAt.Equal(held) || rca.Overdue {
		t.Fatalf("held: %+v", rca)
	}
	after, err := srv.Store.Incident(t.Context(), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range after.Deadlines {
		if d.Kind == arqir.DeadlineRCA && d.MetAt == nil {
			t.Errorf("the RCA deadline is not met: %+v", d)
		}
	}
	// Recording it twice is refused.
	call(t, srv, "POST", heldPath, srv.Responder, `{"held_at":"`+held.Format(time.RFC3339)+`","attendees":["ada"]}`).wantStatus(t, http.StatusUnprocessableEntity)
}

func TestI4_Feedback(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	inc := resolvedIncident(t, srv)
	path := rcaPath(inc, "/feedback")
	before := postIncidentDump(t, srv)
	call(t, srv, "POST", path, srv.Responder, `{"went_well":"fast rollback"}`).wantError(t, http.StatusUnprocessableEntity, "rating")
	call(t, srv, "POST", path, srv.Responder, `{"rating":6}`).wantError(t, http.StatusUnprocessableEntity, "rating")
	call(t, srv, "POST", path, srv.Responder, `{"rating":0}`).wantError(t, http.StatusUnprocessableEntity, "rating")
	call(t, srv, "POST", path, srv.Responder, `{"rating":"4"}`).wantError(t, http.StatusBadRequest, "rating")
	call(t, srv, "POST", path, srv.Viewer, `{"rating":4}`).wantStatus(t, http.StatusForbidden)
	unchanged(t, srv, before)

	rca := call(t, srv, "POST", path, srv.Responder, `{"rating":4,"went_well":"fast rollback","to_improve":"paging took too long"}`).wantStatus(t, http.StatusOK).rca(t)
	if len(rca.Feedback) != 1 || rca.Feedback[0].Author != "alice" || rca.Feedback[0].Rating != 4 || rca.Feedback[0].ToImprove != "paging took too long" {
		t.Fatalf("feedback %+v", rca.Feedback)
	}
	// A second from the same person replaces the first.
	rca = call(t, srv, "POST", path, srv.Responder, `{"rating":3}`).wantStatus(t, http.StatusOK).rca(t)
	if len(rca.Feedback) != 1 || rca.Feedback[0].Rating != 3 {
		t.Fatalf("feedback %+v", rca.Feedback)
	}
}

func TestP1_ListRCAsOverdueFirst(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	first := resolvedIncident(t, srv)
	srv.Advance(2 * time.Hour)
	second := resolvedIncident(t, srv)
	call(t, srv, "POST", rcaPath(second, "/state"), srv.Responder, `{"state":"in_review"}`).wantStatus(t, http.StatusOK)

	list := func(query string) []*arqir.RCA {
		t.Helper()
		var body struct {
			RCAs []*arqir.RCA `json:"rcas"`
		}
		call(t, srv, "GET", "/api/v1/rcas"+query, srv.Viewer, "").wantStatus(t, http.StatusOK).decodeInto(t, &body)
		return body.RCAs
	}
	ids := func(rcas []*arqir.RCA) string {
		var s []string
		for _, r := range rcas {
			s = append(s, r.IncidentID.String())
		}
		return strings.Join(s, ",")
	}
	if got := ids(list("")); got != first.ID.String()+","+second.ID.String() {
		t.Errorf("all: %s, want the earliest due first", got)
	}
	if got := ids(list("?state=in_review")); got != second.ID.String() {
		t.Errorf("in review: %s", got)
	}
	if got := list("?overdue=true"); len(got) != 0 {
		t.Errorf("overdue before the deadline: %s", ids(got))
	}
	srv.Advance(23 * time.Hour) // the first is 25 h past its resolution, the second 23 h
	over := list("?overdue=true")
	if ids(over) != first.ID.String() || !over[0].Overdue {
		t.Errorf("overdue: %s", ids(over))
	}
	if got := ids(list("?overdue=false&state=draft,in_review")); got != second.ID.String() {
		t.Errorf("not overdue: %s", got)
	}
	for _, q := range []struct{ query, field string }{
		{"?state=archived", "state"}, {"?overdue=soon", "overdue"}, {"?limit=0", "limit"}, {"?sort=due", "sort"},
	} {
		call(t, srv, "GET", "/api/v1/rcas"+q.query, srv.Viewer, "").wantError(t, http.StatusBadRequest, q.field)
	}
	if got := list("?limit=1"); len(got) != 1 {
		t.Errorf("limit=1: %d", len(got))
	}
}

// The export is the RCA as a document, with the incident's action items in
// its table; the HTML escapes what people typed.
func TestP2_ExportMarkdownAndHTML(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addPerson(t, srv, "ada", "ada@example.com")
	inc := resolvedIncident(t, srv)
	call(t, srv, "PUT", rcaPath(inc, "/sections/contributing_factors"), srv.Responder, `{"body":"<script>alert(1)</script> and a | pipe"}`).wantStatus(t, http.StatusOK)
	item := `{"category":"prevention","title":"Alert on pool exhaustion","owner":"ada","due_on":"2025-03-20"}`
	call(t, srv, "POST", "/api/v1/incidents/"+inc.ID.String()+"/action-items", srv.Responder, item).wantStatus(t, http.StatusCreated)

	md := call(t, srv, "GET", rcaPath(inc, "/export?format=markdown"), srv.Viewer, "").wantStatus(t, http.StatusOK)
	if ct := md.header.Get("Content-Type"); ct != "text/markdown; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{inc.Title, "Root Cause Analysis", "Alert on pool exhaustion", "ada", "2025-03-20"} {
		if !strings.Contains(string(md.body), want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md.body)
		}
	}
	if def := call(t, srv, "GET", rcaPath(inc, "/export"), srv.Viewer, ""); string(def.body) != string(md.body) {
		t.Error("the default format is not Markdown")
	}
	html := call(t, srv, "GET", rcaPath(inc, "/export?format=html"), srv.Viewer, "").wantStatus(t, http.StatusOK)
	if ct := html.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if strings.Contains(string(html.body), "<script>alert(1)") || !strings.Contains(string(html.body), "&lt;script&gt;") {
		t.Errorf("the HTML does not escape a section:\n%s", html.body)
	}
	if !strings.Contains(string(html.body), "Alert on pool exhaustion") {
		t.Errorf("the HTML lacks the action item")
	}
	if csp := html.header.Get("Content-Security-Policy"); strings.Contains(csp, "script") {
		t.Errorf("CSP %q allows scripts", csp)
	}
	call(t, srv, "GET", rcaPath(inc, "/export?format=pdf"), srv.Viewer, "").wantError(t, http.StatusBadRequest, "format")
	call(t, srv, "GET", rcaPath(inc, "/export?fmt=html"), srv.Viewer, "").wantError(t, http.StatusBadRequest, "fmt")
	call(t, srv, "GET", "/api/v1/incidents/"+declare(t, srv, "").ID.String()+"/rca/export", srv.Viewer, "").wantStatus(t, http.StatusNotFound)
}
