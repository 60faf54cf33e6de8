package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api/apitest"
)

func TestR2_DeclareSetsInvestigating(t *testing.T) {
	srv := apitest.NewServer(t)
	r := call(t, srv, "POST", "/api/v1/incidents", srv.Responder,
		`{"title":"Checkout errors","summary":"5xx on pay","severity":"SEV2","services":["checkout"],
		  "detection":{"kind":"manual","source":"customer_support"},"commander":"carol","drill":true,
		  "detected_at":"2025-03-03T08:55:00Z","impact_started_at":"2025-03-03T08:50:00Z"}`).wantStatus(t, http.StatusCreated)
	inc := r.incident(t)
	if inc.Status != arqir.StatusInvestigating {
		t.Errorf("status %s, want INVESTIGATING", inc.Status)
	}
	if got := r.header.Get("Location"); got != "/api/v1/incidents/INC-1" {
		t.Errorf("Location %q", got)
	}
	if got := r.header.Get("ETag"); got != `"1"` {
		t.Errorf("ETag %q, want \"1\"", got)
	}
	if inc.ID != 1 || inc.Severity != "SEV2" || inc.Commander != "carol" || !inc.Drill || inc.Detection.Source != "customer_support" {
		t.Errorf("incident not as declared: %+v", inc)
	}
	if want := time.Date(2025, 3, 3, 8, 50, 0, 0, time.UTC); !inc.ImpactStartedAt.Equal(want) {
		t.Errorf("impact_started_at %s, want %s", inc.ImpactStartedAt, want)
	}
	var raw map[string]any
	_ = json.Unmarshal(r.body, &raw)
	if raw["id"] != "INC-1" {
		t.Errorf("id in JSON is %v, want \"INC-1\"", raw["id"])
	}
}

func TestR3_DeclareRequiresSeverity(t *testing.T) {
	srv := apitest.NewServer(t)
	before := srv.Store.Dump()
	e := call(t, srv, "POST", "/api/v1/incidents", srv.Responder, `{"title":"Checkout errors"}`).
		wantStatus(t, http.StatusUnprocessableEntity).errorBody(t)
	if e.Error.Code != "unprocessable" || e.Error.Field != "severity" {
		t.Errorf("error %+v, want unprocessable on severity", e.Error)
	}
	if srv.Store.Dump() != before {
		t.Error("a refused declaration changed the store")
	}
}

func TestR6_DeclareStartsTheTimeline(t *testing.T) {
	srv := apitest.NewServer(t)
	inc := declare(t, srv, "")
	kinds := timelineKinds(t, srv, inc.ID.String())
	if len(kinds) == 0 || kinds[0] != arqir.EventDeclared {
		t.Errorf("timeline %v, want it to start with declared", kinds)
	}
}

func TestR6_TimelineHasNoUpdateOrDeleteRoute(t *testing.T) {
	srv := apitest.NewServer(t)
	inc := declare(t, srv, "")
	before := srv.Store.Dump()
	for _, method := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		r := call(t, srv, method, "/api/v1/incidents/"+inc.ID.String()+"/timeline", srv.Admin, `{}`)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET" {
			t.Errorf("%s timeline: status %d Allow %q, want 405 Allow GET", method, r.status, r.header.Get("Allow"))
		}
		r = call(t, srv, method, "/api/v1/incidents/"+inc.ID.String()+"/timeline/1", srv.Admin, `{}`)
		if r.status != http.StatusNotFound {
			t.Errorf("%s timeline/1: status %d, want 404", method, r.status)
		}
	}
	if srv.Store.Dump() != before {
		t.Error("a timeline write attempt changed the store")
	}
}

// The whole life of an incident through the API, each change answered with
// the incident at its next version.
func TestIncidentLifeCycle(t *testing.T) {
	srv := apitest.NewServer(t)
	inc := declare(t, srv, "")
	path := "/api/v1/incidents/" + inc.ID.String()
	steps := []struct {
		route, body string
		check       func(*arqir.Incident) bool
	}{
		{"/acknowledge", ``, func(i *arqir.Incident) bool { return i.AcknowledgedBy == "alice" && i.Deadlines[0].MetAt != nil }},
		{"/severity", `{"severity":"sev1","reason":"all regions"}`, func(i *arqir.Incident) bool { return i.Severity == "SEV1" }},
		{"/status", `{"status":"identified","note":"bad deploy"}`, func(i *arqir.Incident) bool { return i.Status == arqir.StatusIdentified }},
		{"/roles", `{"commander":"carol","add_responders":["bob","dan"],"remove_responders":[]}`, func(i *arqir.Incident) bool {
			return i.Commander == "carol" && slices.Equal(i.Responders, []string{"bob", "dan"})
		}},
		{"/notes", `{"text":"rolled back 1432"}`, func(*arqir.Incident) bool { return true }},
		{"/checklist/R4", ``, func(i *arqir.Incident) bool { return checklistDone(i, "R4") == "alice" }},
		{"/resolve", `{"root_cause":"bad config","customer_impact":"5% of checkouts failed","false_positive":false}`, func(i *arqir.Incident) bool {
			return i.Status == arqir.StatusResolved && i.RootCause == "bad config"
		}},
		{"/reopen", `{"reason":"errors are back"}`, func(i *arqir.Incident) bool { return i.Status == arqir.StatusInvestigating }},
	}
	version := inc.Version
	for _, st := range steps {
		r := call(t, srv, "POST", path+st.route, srv.Responder, st.body, "X-Arqir-Source", "cli").wantStatus(t, http.StatusOK)
		got := r.incident(t)
		if got.Version != version+1 {
			t.Errorf("%s: version %d, want %d", st.route, got.Version, version+1)
		}
		if r.header.Get("ETag") != `"`+itoa(got.Version)+`"` {
			t.Errorf("%s: ETag %q does not match version %d", st.route, r.header.Get("ETag"), got.Version)
		}
		if !st.check(got) {
			t.Errorf("%s: incident not changed as asked: %+v", st.route, got)
		}
		version = got.Version
	}
	want := []string{"declared", "checklist_ticked", "checklist_ticked", "checklist_ticked", "acknowledged", "checklist_ticked",
		"severity_changed", "status_changed", "roles_changed", "note", "checklist_ticked", "resolved", "reopened"}
	if got := timelineKinds(t, srv, inc.ID.String()); !slices.Equal(got, want) {
		t.Errorf("timeline\n got %v\nwant %v", got, want)
	}
}

func TestActionsRecordActorAndSource(t *testing.T) {
	srv := apitest.NewServer(t)
	inc := declare(t, srv, "")
	call(t, srv, "POST", "/api/v1/incidents/"+inc.ID.String()+"/notes", srv.Responder, `{"text":"hello"}`, "X-Arqir-Source", "web").wantStatus(t, http.StatusOK)
	tl, _ := srv.Store.Timeline(t.Context(), inc.ID)
	last := tl[len(tl)-1]
	if last.Actor != "alice" || last.Source != arqir.SourceWeb {
		t.Errorf("note by %s via %s, want alice via web", last.Actor, last.Source)
	}
	if tl[0].Source != arqir.SourceAPI {
		t.Errorf("declaration without X-Arqir-Source recorded source %q, want api", tl[0].Source)
	}
}

func TestGetIncidentByNumberOrName(t *testing.T) {
	srv := apitest.NewServer(t)
	declare(t, srv, "")
	for _, id := range []string{"INC-1", "inc-1", "1"} {
		r := call(t, srv, "GET", "/api/v1/incidents/"+id, srv.Viewer, "").wantStatus(t, http.StatusOK)
		if r.incident(t).ID != 1 || r.header.Get("ETag") != `"1"` {
			t.Errorf("GET %s: %s ETag %s", id, r.body, r.header.Get("ETag"))
		}
	}
}

func TestIfMatchMakesAChangeConditional(t *testing.T) {
	srv := apitest.NewServer(t)
	inc := declare(t, srv, "")
	path := "/api/v1/incidents/" + inc.ID.String() + "/notes"
	call(t, srv, "POST", path, srv.Responder, `{"text":"one"}`, "If-Match", `"1"`).wantStatus(t, http.StatusOK)
	e := call(t, srv, "POST", path, srv.Responder, `{"text":"two"}`, "If-Match", `"1"`).wantStatus(t, http.StatusConflict).errorBody(t)
	if e.Current == nil || e.Current.Version != 2 {
		t.Errorf("409 without the current incident: %+v", e)
	}
	call(t, srv, "POST", path, srv.Responder, `{"text":"two"}`, "If-Match", `W/"2"`).wantStatus(t, http.StatusOK)
}

func TestListIncidents(t *testing.T) {
	srv := apitest.NewServer(t)
	declare(t, srv, `{"title":"Checkout errors","severity":"SEV2","services":["checkout"]}`)
	declare(t, srv, `{"title":"Search slow","severity":"SEV3","services":["search"]}`)
	declare(t, srv, `{"title":"Login down","severity":"SEV1","services":["auth"]}`)
	call(t, srv, "POST", "/api/v1/incidents/INC-2/resolve", srv.Responder, `{"root_cause":"x","customer_impact":"none"}`).wantStatus(t, http.StatusOK)

	cases := []struct {
		query string
		want  []arqir.IncidentID
		next  string
	}{
		{"", []arqir.IncidentID{3, 2, 1}, ""},
		{"?open=true", []arqir.IncidentID{3, 1}, ""},
		{"?open=false", []arqir.IncidentID{2}, ""},
		{"?status=investigating,RESOLVED", []arqir.IncidentID{3, 2, 1}, ""},
		{"?severity=sev1&severity=SEV2", []arqir.IncidentID{3, 1}, ""},
		{"?service=search", []arqir.IncidentID{2}, ""},
		{"?q=DOWN", []arqir.IncidentID{3}, ""},
		{"?limit=2", []arqir.IncidentID{3, 2}, "2"},
		{"?limit=2&cursor=2", []arqir.IncidentID{1}, ""},
		{"?from=2025-03-03T09:00:00Z&to=2025-03-03T09:00:01Z", []arqir.IncidentID{3, 2, 1}, ""},
		{"?to=2025-03-03T09:00:00Z", nil, ""},
	}
	for _, c := range cases {
		r := call(t, srv, "GET", "/api/v1/incidents"+c.query, srv.Viewer, "").wantStatus(t, http.StatusOK)
		var page arqir.IncidentPage
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		var got []arqir.IncidentID
		for _, inc := range page.Incidents {
			got = append(got, inc.ID)
		}
		if !slices.Equal(got, c.want) || page.Next != c.next {
			t.Errorf("%s: got %v next %q, want %v next %q", c.query, got, page.Next, c.want, c.next)
		}
		if page.Incidents == nil {
			t.Errorf("%s: incidents is null, want []", c.query)
		}
	}
}

func checklistDone(inc *arqir.Incident, id string) string {
	for _, c := range inc.Checklist {
		if c.ID == id && c.Done {
			return c.Who
		}
	}
	return ""
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
