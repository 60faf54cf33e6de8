package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// itemsPath is where an incident's action items are filed.
func itemsPath(inc *arqir.Incident) string {
	return "/api/v1/incidents/" + inc.ID.String() + "/action-items"
}

// fileItem files an action item as the responder and returns it.
func fileItem(t *testing.T, srv *testserver.Server, inc *arqir.Incident, body string) *arqir.ActionItem {
	t.Helper()
	return call(t, srv, "POST", itemsPath(inc), srv.Responder, body).wantStatus(t, http.StatusCreated).actionItem(t)
}

func TestP4_FileAnActionItem(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addPerson(t, srv, "ada", "ada@example.com")
	inc := resolvedIncident(t, srv)
	r := call(t, srv, "POST", itemsPath(inc), srv.Responder,
		`{"category":"prevention","title":"Alert on heap growth","description":"80% for 5 minutes","owner":"ada","due_on":"2025-03-17","runbook":"memory_leak"}`).
		wantStatus(t, http.StatusCreated)
	it := r.actionItem(t)
	switch {
	case it.ID <= 0 || it.IncidentID != inc.ID || it.Category != "prevention" || it.Title != "Alert on heap growth" || it.Owner != "ada":
		t.Errorf("item %+v", it)
	case !it.DueOn.Equal(time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC)) || it.Status != arqir.ActionItemOpen || it.Runbook != "memory_leak":
		t.Errorf("item %+v", it)
	case it.Warning != "" || it.Overdue || it.CreatedBy != "alice":
		t.Errorf("item %+v", it)
	case r.header.Get("Location") != "/api/v1/action-items/"+strconv.FormatInt(it.ID, 10) || r.header.Get("ETag") != fmt.Sprintf(`"%d"`, it.Version):
		t.Errorf("headers %v", r.header)
	}
	got := call(t, srv, "GET", "/api/v1/action-items/"+strconv.FormatInt(it.ID, 10), srv.Viewer, "").wantStatus(t, http.StatusOK).actionItem(t)
	if got.Title != it.Title || got.Version != it.Version {
		t.Errorf("read back %+v", got)
	}
	if kinds := timelineKinds(t, srv, inc.ID.String()); !strings.Contains(strings.Join(kinds, " "), arqir.EventActionItemFiled) {
		t.Errorf("no %s event: %v", arqir.EventActionItemFiled, kinds)
	}

	// A due date already past is accepted, with a warning (documented
	// in docs/kpis.md), and the item is overdue at once.
	late := fileItem(t, srv, inc, `{"category":"detection","title":"Page on 5xx","owner":"ada","due_on":"2025-03-01"}`)
	if late.Warning == "" || !late.Overdue {
		t.Errorf("a past due date: warning %q, overdue %v", late.Warning, late.Overdue)
	}
}

// P4: owner and due date are required; P3: the category is the policy's;
// I6: a runbook must exist. Each refusal names its field and changes nothing.
func TestP4_ActionItemRefusals(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addPerson(t, srv, "ada", "ada@example.com")
	inc := resolvedIncident(t, srv)
	before := postIncidentDump(t, srv)
	ok := `"category":"prevention","title":"Alert on heap growth","owner":"ada","due_on":"2025-03-17"`
	cases := []struct {
		name, path, token, body string
		status                  int
		field                   string
	}{
		{"no owner", itemsPath(inc), srv.Responder, `{"category":"prevention","title":"x","due_on":"2025-03-17"}`, 422, "owner"},
		{"no due date", itemsPath(inc), srv.Responder, `{"category":"prevention","title":"x","owner":"ada"}`, 422, "due_on"},
		{"no title", itemsPath(inc), srv.Responder, `{"category":"prevention","owner":"ada","due_on":"2025-03-17"}`, 422, "title"},
		{"no category", itemsPath(inc), srv.Responder, `{"title":"x","owner":"ada","due_on":"2025-03-17"}`, 422, "category"},
		{"unknown category", itemsPath(inc), srv.Responder, `{"category":"hope","title":"x","owner":"ada","due_on":"2025-03-17"}`, 422, "category"},
		{"unknown owner", itemsPath(inc), srv.Responder, `{"category":"prevention","title":"x","owner":"zed","due_on":"2025-03-17"}`, 422, "owner"},
		{"unknown runbook", itemsPath(inc), srv.Responder, `{` + ok + `,"runbook":"wishful_thinking"}`, 422, "runbook"},
		{"not a date", itemsPath(inc), srv.Responder, `{"category":"prevention","title":"x","owner":"ada","due_on":"17/03/2025"}`, 400, "due_on"},
		{"unknown field", itemsPath(inc), srv.Responder, `{` + ok + `,"assignee":"ada"}`, 400, "assignee"},
		{"export not a bool", itemsPath(inc), srv.Responder, `{` + ok + `,"export":"yes"}`, 400, "export"},
		{"viewer", itemsPath(inc), srv.Viewer, `{` + ok + `}`, 403, ""},
		{"unknown incident", "/api/v1/incidents/INC-99/action-items", srv.Responder, `{` + ok + `}`, 404, ""},
		{"bad incident id", "/api/v1/incidents/x/action-items", srv.Responder, `{` + ok + `}`, 400, "id"},
	}
	for _, c := range cases {
		r := call(t, srv, "POST", c.path, c.token, c.body)
		if r.status != c.status || r.errorBody(t).Error.Field != c.field {
			t.Errorf("%s: %d %s, want %d field %q", c.name, r.status, r.body, c.status, c.field)
		}
	}
	unchanged(t, srv, before)
}

func TestP4_ListActionItems(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addPerson(t, srv, "ada", "ada@example.com")
	addPerson(t, srv, "bob", "bob@example.com")
	one := resolvedIncident(t, srv)
	two := resolvedIncident(t, srv)
	fileItem(t, srv, one, `{"category":"prevention","title":"A","owner":"ada","due_on":"2025-03-20"}`)
	fileItem(t, srv, one, `{"category":"detection","title":"B","owner":"bob","due_on":"2025-03-10"}`)
	c := fileItem(t, srv, two, `{"category":"prevention","title":"C","owner":"ada","due_on":"2025-03-05"}`)
	call(t, srv, "PATCH", "/api/v1/action-items/"+strconv.FormatInt(c.ID, 10), srv.Responder, `{"status":"done"}`).wantStatus(t, http.StatusOK)

	list := func(query string) string {
		t.Helper()
		var body struct {
			Items []*arqir.ActionItem `json:"action_items"`
		}
		call(t, srv, "GET", "/api/v1/action-items"+query, srv.Viewer, "").wantStatus(t, http.StatusOK).decodeInto(t, &body)
		var titles []string
		for _, it := range body.Items {
			titles = append(titles, it.Title)
		}
		return strings.Join(titles, ",")
	}
	for query, want := range map[string]string{
		"":                                       "C,B,A", // earliest due first
		"?owner=ada":                             "C,A",
		"?category=Prevention":                   "C,A",
		"?status=open":                           "B,A",
		"?status=done,cancelled":                 "C",
		"?incident=" + one.ID.String():           "B,A",
		"?incident=" + strconv.Itoa(int(two.ID)): "C",
		"?limit=1":                               "C",
		"?overdue=true":                          "",
	} {
		if got := list(query); got != want {
			t.Errorf("%q: %s, want %s", query, got, want)
		}
	}
	srv.Advance(9 * 24 * time.Hour) // 2025-03-12: B is past due; C is done
	if got := list("?overdue=true"); got != "B" {
		t.Errorf("overdue: %s", got)
	}
	for _, q := range []struct{ query, field string }{
		{"?category=hope", "category"}, {"?status=closed", "status"}, {"?overdue=maybe", "overdue"},
		{"?incident=x", "incident"}, {"?limit=501", "limit"}, {"?assignee=ada", "assignee"},
	} {
		call(t, srv, "GET", "/api/v1/action-items"+q.query, srv.Viewer, "").wantError(t, http.StatusBadRequest, q.field)
	}
	call(t, srv, "GET", "/api/v1/action-items/999", srv.Viewer, "").wantStatus(t, http.StatusNotFound)
	call(t, srv, "GET", "/api/v1/action-items/x", srv.Viewer, "").wantError(t, http.StatusBadRequest, "id")
}

func TestP4_UpdateAndCloseAnActionItem(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	addPerson(t, srv, "ada", "ada@example.com")
	addPerson(t, srv, "bob", "bob@example.com")
	inc := resolvedIncident(t, srv)
	it := fileItem(t, srv, inc, `{"category":"prevention","title":"Alert on heap growth","owner":"ada","due_on":"2025-03-17"}`)
	path := "/api/v1/action-items/" + strconv.FormatInt(it.ID, 10)

	up := call(t, srv, "PATCH", path, srv.Responder, fmt.Sprintf(`{"owner":"bob","due_on":"2025-03-24","version":%d}`, it.Version)).wantStatus(t, http.StatusOK).actionItem(t)
	if up.Owner != "bob" || !up.DueOn.Equal(time.Date(2025, 3, 24, 0, 0, 0, 0, time.UTC)) || up.Version <= it.Version || up.Title != it.Title {
		t.Fatalf("updated %+v", up)
	}
	before := postIncidentDump(t, srv)
	for _, c := range []struct {
		name, token, body string
		header            []string
		status            int
		field             string
	}{
		{"stale version", srv.Responder, fmt.Sprintf(`{"title":"x","version":%d}`, it.Version), nil, 409, ""},
		{"stale If-Match", srv.Responder, `{"title":"x"}`, []string{"If-Match", fmt.Sprintf(`"%d"`, it.Version)}, 409, ""},
		{"nothing to change", srv.Responder, `{"version":0}`, nil, 422, ""},
		{"unknown status", srv.Responder, `{"status":"closed"}`, nil, 422, "status"},
		{"unknown owner", srv.Responder, `{"owner":"zed"}`, nil, 422, "owner"},
		{"unknown category", srv.Responder, `{"category":"hope"}`, nil, 422, "category"},
		{"not a date", srv.Responder, `{"due_on":"soon"}`, nil, 400, "due_on"},
		{"unknown field", srv.Responder, `{"priority":"high"}`, nil, 400, "priority"},
		{"viewer", srv.Viewer, `{"title":"x"}`, nil, 403, ""},
	} {
		r := call(t, srv, "PATCH", path, c.token, c.body, c.header...)
		if r.status != c.status || r.errorBody(t).Error.Field != c.field {
			t.Errorf("%s: %d %s, want %d field %q", c.name, r.status, r.body, c.status, c.field)
		}
	}
	call(t, srv, "PATCH", "/api/v1/action-items/999", srv.Responder, `{"title":"x"}`).wantStatus(t, http.StatusNotFound)
	unchanged(t, srv, before)

	done := call(t, srv, "PATCH", path, srv.Responder, `{"status":"done"}`, "If-Match", fmt.Sprintf(`"%d"`, up.Version)).wantStatus(t, http.StatusOK).actionItem(t)
	if done.Status != arqir.ActionItemDone || done.ClosedAt == nil {
		t.Fatalf("done %+v", done)
	}
	if kinds := timelineKinds(t, srv, inc.ID.String()); !strings.Contains(strings.Join(kinds, " "), arqir.EventActionItemClosed) {
		t.Errorf("no %s event: %v", arqir.EventActionItemClosed, kinds)
	}
}
