package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

func TestR2_DeclareSetsInvestigating(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
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
	t.Parallel()
	srv := testserver.New(t)
	before := srv.Dump(t)
	e := call(t, srv, "POST", "/api/v1/incidents", srv.Responder, `{"title":"Checkout errors"}`).
		wantStatus(t, http.StatusUnprocessableEntity).errorBody(t)
	if e.Error.Code != "unprocessable" || e.Error.Field != "severity" {
		t.Errorf("error %+v, want unprocessable on severity", e.Error)
	}
	srv.Unchanged(t, before)
}

func TestR6_DeclareStartsTheTimeline(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	inc := declare(t, srv, "")
	kinds := timelineKinds(t, srv, inc.ID.String())
	if len(kinds) == 0 || kinds[0] != arqir.EventDeclared {
		t.Errorf("timeline %v, want it to start with declared", kinds)
	}
}

func TestR6_TimelineHasNoUpdateOrDeleteRoute(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	inc := declare(t, srv, "")
	before := srv.Dump(t)
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
	srv.Unchanged(t, before)
}

// The whole life of an incident through the API, each change answered with
// the incident at its next version.
func TestIncidentLifeCycle(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
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
	// Each change also plans paging (notification_queued, …), which is
	// paging's to test; these are the events of the changes themselves and
	// what the procedures make them do (ticks, the RCA draft on resolving).
	want := []string{"declared", "checklist_ticked", "checklist_ticked", "checklist_ticked", "acknowledged", "checklist_ticked",
		"severity_changed", "status_changed", "roles_changed", "note", "checklist_ticked", "resolved", "rca_created", "reopened"}
	if got := withoutPaging(timelineKinds(t, srv, inc.ID.String())); !slices.Equal(got, want) {
		t.Errorf("timeline\n got %v\nwant %v", got, want)
	}
}

// withoutPaging leaves out the timeline event kinds that paging adds to a
// change: notifications queued, sent, failed, retried, expired or stopped,
// escalations and provider refs.
func withoutPaging(kinds []string) []string {
	var out []string
	for _, k := range kinds {
		if !strings.HasPrefix(k, "notification") && k != arqir.EventEscalated && k != arqir.EventRefsChanged {
			out = append(out, k)
		}
	}
	return out
}

func TestActionsRecordActorAndSource(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	inc := declare(t, srv, "")
	call(t, srv, "POST", "/api/v1/incidents/"+inc.ID.String()+"/notes", srv.Responder, `{"text":"hello"}`, "X-Arqir-Source", "web").wantStatus(t, http.StatusOK)
	tl, err := srv.Store.Timeline(t.Context(), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := tl[len(tl)-1]
	if last.Actor != "alice" || last.Source != arqir.SourceWeb {
		t.Errorf("note by %s via %s, want alice via web", last.Actor, last.Source)
	}
	if tl[0].Source != arqir.SourceAPI {
		t.Errorf("declaration without X-Arqir-Source recorded source %q, want api", tl[0].Source)
	}
}

func TestGetIncidentByNumberOrName(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	for _, id := range []string{"INC-1", "inc-1", "1"} {
		r := call(t, srv, "GET", "/api/v1/incidents/"+id, srv.Viewer, "").wantStatus(t, http.StatusOK)
		if r.incident(t).ID != 1 || r.header.Get("ETag") != `"1"` {
			t.Errorf("GET %s: %s ETag %s", id, r.body, r.header.Get("ETag"))
		}
	}
}

func TestIfMatchMakesAChangeConditional(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
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
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, `{"title":"Checkout errors","severity":"SEV2","services":["checkout"]}`)
	declare(t, srv, `{"title":"Search slow","severity":"SEV3","services":["search"]}`)
	declare(t, srv, `{"title":"Login down","severity":"SEV1","services":["auth"]}`)
	call(t, srv, "POST", "/api/v1/incidents/INC-2/resolve", srv.Responder, `{"root_cause":"x","customer_impact":"none"}`).wantStatus(t, http.StatusOK)

	cases := []struct {
		query string
		want  []arqir.IncidentID
	}{
		{"", []arqir.IncidentID{3, 2, 1}},
		{"?open=true", []arqir.IncidentID{3, 1}},
		{"?open=false", []arqir.IncidentID{2}},
		{"?status=investigating,RESOLVED", []arqir.IncidentID{3, 2, 1}},
		{"?severity=sev1&severity=SEV2", []arqir.IncidentID{3, 1}},
		{"?service=search", []arqir.IncidentID{2}},
		{"?q=DOWN", []arqir.IncidentID{3}},
		{"?q=log+DO", []arqir.IncidentID{3}}, // every term begins a word
		{"?q=own", nil},
		{"?q=%25ow", nil}, // LIKE wildcards are no wildcards
		{"?from=2025-03-03T09:00:00Z&to=2025-03-03T09:00:01Z", []arqir.IncidentID{3, 2, 1}},
		{"?to=2025-03-03T09:00:00Z", nil},
	}
	for _, c := range cases {
		page := listPage(t, srv, c.query)
		if got := pageIDs(page); !slices.Equal(got, c.want) || page.Next != "" {
			t.Errorf("%s: got %v next %q, want %v and no next page", c.query, got, page.Next, c.want)
		}
	}
	// A search without a letter or digit is refused, not ignored.
	call(t, srv, "GET", "/api/v1/incidents?q=%25", srv.Viewer, "").wantStatus(t, http.StatusBadRequest)
}

// A listing pages through the opaque cursor of "next", newest first, and
// keeps the filters.
func TestListIncidentsPages(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	for range 5 {
		declare(t, srv, "")
	}
	declare(t, srv, `{"title":"Login down","severity":"SEV1"}`) // INC-6, filtered out below
	var got []arqir.IncidentID
	query := "?limit=2&severity=SEV2"
	for range 4 {
		page := listPage(t, srv, query)
		got = append(got, pageIDs(page)...)
		if page.Next == "" {
			break
		}
		query = "?limit=2&severity=SEV2&cursor=" + url.QueryEscape(page.Next)
	}
	if want := []arqir.IncidentID{5, 4, 3, 2, 1}; !slices.Equal(got, want) {
		t.Errorf("paged through %v, want %v", got, want)
	}
	// A page declared meanwhile neither shifts nor repeats the next page.
	first := listPage(t, srv, "?limit=2")
	declare(t, srv, "")
	if second := listPage(t, srv, "?limit=2&cursor="+url.QueryEscape(first.Next)); !slices.Equal(pageIDs(second), []arqir.IncidentID{4, 3}) {
		t.Errorf("second page %v after a new incident, want [INC-4 INC-3]", pageIDs(second))
	}
}

// listPage lists incidents as the viewer.
func listPage(t *testing.T, srv *testserver.Server, query string) arqir.IncidentPage {
	t.Helper()
	r := call(t, srv, "GET", "/api/v1/incidents"+query, srv.Viewer, "").wantStatus(t, http.StatusOK)
	var page arqir.IncidentPage
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	if page.Incidents == nil {
		t.Errorf("%s: incidents is null, want []", query)
	}
	return page
}

func pageIDs(page arqir.IncidentPage) []arqir.IncidentID {
	var ids []arqir.IncidentID
	for _, inc := range page.Incidents {
		ids = append(ids, inc.ID)
	}
	return ids
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

// Changes to one incident made at the same moment queue in the database:
// each decides on the state the one before it left, so exactly one of many
// identical changes wins and none is lost.
func TestConcurrentChangesOneWins(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	inc := declare(t, srv, "")
	path := "/api/v1/incidents/" + inc.ID.String()
	race := func(route, body string) map[int]int {
		var wg sync.WaitGroup
		statuses := make(chan int, 10)
		for range cap(statuses) {
			wg.Go(func() {
				req, _ := http.NewRequest("POST", srv.URL+path+route, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+srv.Responder)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			})
		}
		wg.Wait()
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		return count
	}
	if got := race("/acknowledge", ""); got[http.StatusOK] != 1 || got[http.StatusUnprocessableEntity] != 9 {
		t.Errorf("concurrent acknowledgements answered %v, want one 200 and nine 422", got)
	}
	if got := race("/notes", `{"text":"mine","version":2}`); got[http.StatusOK] != 1 || got[http.StatusConflict] != 9 {
		t.Errorf("concurrent notes on version 2 answered %v, want one 200 and nine 409", got)
	}
	kinds := map[string]int{}
	for _, k := range timelineKinds(t, srv, inc.ID.String()) {
		kinds[k]++
	}
	if kinds["acknowledged"] != 1 || kinds["note"] != 1 {
		t.Errorf("timeline kinds %v, want one acknowledgement and one note", kinds)
	}
}
