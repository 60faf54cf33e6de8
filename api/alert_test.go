package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// sendAlerts creates a generic integration that accepts unsigned requests
// and sends body through it, as a monitoring tool does.
func sendAlerts(t *testing.T, srv *testserver.Server, name, body string) {
	t.Helper()
	c := call(t, srv, "POST", "/api/v1/integrations", srv.Admin, `{"name":"`+name+`","kind":"generic","service":"checkout","settings":{"require_signature":"false"}}`).wantStatus(t, http.StatusCreated).created(t)
	call(t, srv, "POST", "/ingest/generic", c.Credential, body).wantStatus(t, http.StatusOK)
}

func (r reply) alertPage(t *testing.T) arqir.AlertPage {
	t.Helper()
	var p arqir.AlertPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return p
}

// Alerts are listed newest first, filtered by status, integration and
// incident, one page at a time.
func TestListAlerts(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	sendAlerts(t, srv, "one", `[{"dedup_key":"a","status":"firing","summary":"A","labels":{"alertname":"a"}},{"dedup_key":"b","status":"resolved"}]`)
	sendAlerts(t, srv, "two", `{"dedup_key":"c","status":"firing","summary":"C","labels":{"alertname":"c"}}`)
	V := srv.Viewer
	for q, want := range map[string]string{
		"":                          "c,b,a",
		"?status=firing":            "c,a",
		"?status=RESOLVED":          "b",
		"?integration=1":            "b,a",
		"?incident=INC-2":           "c",
		"?incident=1&status=firing": "a",
	} {
		var keys []string
		for _, a := range call(t, srv, "GET", "/api/v1/alerts"+q, V, "").wantStatus(t, 200).alertPage(t).Alerts {
			keys = append(keys, a.DedupKey)
		}
		if got := strings.Join(keys, ","); got != want {
			t.Errorf("GET /api/v1/alerts%s: %s, want %s", q, got, want)
		}
	}
	p := call(t, srv, "GET", "/api/v1/alerts?limit=2", V, "").wantStatus(t, 200).alertPage(t)
	if len(p.Alerts) != 2 || p.Next == "" {
		t.Fatalf("first page %+v", p)
	}
	p = call(t, srv, "GET", "/api/v1/alerts?limit=2&cursor="+p.Next, V, "").wantStatus(t, 200).alertPage(t)
	if len(p.Alerts) != 1 || p.Next != "" || p.Alerts[0].DedupKey != "a" {
		t.Errorf("second page %+v", p)
	}
	var a arqir.Alert
	if err := json.Unmarshal(call(t, srv, "GET", "/api/v1/alerts/3", V, "").wantStatus(t, 200).body, &a); err != nil || a.DedupKey != "c" || a.IncidentID == nil {
		t.Errorf("alert 3: %+v %v", a, err)
	}
	for q, field := range map[string]string{"?status=pending": "status", "?integration=x": "integration", "?incident=x": "incident", "?limit=0": "limit", "?stauts=firing": "stauts"} {
		if e := call(t, srv, "GET", "/api/v1/alerts"+q, V, "").wantStatus(t, 400).errorBody(t); e.Error.Field != field {
			t.Errorf("GET /api/v1/alerts%s: field %q, want %q", q, e.Error.Field, field)
		}
	}
	call(t, srv, "GET", "/api/v1/alerts/9", V, "").wantStatus(t, 404)
	call(t, srv, "GET", "/api/v1/alerts/x", V, "").wantStatus(t, 400)
}

// K5 through the API: responders mark alerts and incidents false positive
// with a reason; viewers cannot.
func TestK5_MarkFalsePositiveThroughTheAPI(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	sendAlerts(t, srv, "one", `{"dedup_key":"a","status":"firing","summary":"A"}`)
	call(t, srv, "POST", "/api/v1/alerts/1/false-positive", srv.Viewer, `{"reason":"noise"}`).wantStatus(t, http.StatusForbidden)
	before := srv.Dump(t)
	for _, body := range []string{`{}`, `{"reason":" "}`} {
		call(t, srv, "POST", "/api/v1/alerts/1/false-positive", srv.Responder, body).wantStatus(t, http.StatusUnprocessableEntity)
		call(t, srv, "POST", "/api/v1/incidents/INC-1/false-positive", srv.Responder, body).wantStatus(t, http.StatusUnprocessableEntity)
	}
	call(t, srv, "POST", "/api/v1/alerts/1/false-positive", srv.Responder, `{"reason":"x","version":1}`).wantStatus(t, http.StatusBadRequest)
	srv.Unchanged(t, before)

	var a arqir.Alert
	if err := json.Unmarshal(call(t, srv, "POST", "/api/v1/alerts/1/false-positive", srv.Responder, `{"reason":"load test"}`).wantStatus(t, 200).body, &a); err != nil || !a.FalsePositive || a.FalsePositiveBy != "alice" {
		t.Errorf("alert %+v, %v", a, err)
	}
	inc := call(t, srv, "POST", "/api/v1/incidents/INC-1/false-positive", srv.Responder, `{"reason":"load test"}`).wantStatus(t, 200).incident(t)
	if !inc.FalsePositive || inc.FalsePositiveReason != "load test" {
		t.Errorf("incident %+v", inc)
	}
	kinds := strings.Join(timelineKinds(t, srv, "INC-1"), ",")
	if !strings.HasSuffix(kinds, arqir.EventAlertFalsePositive+","+arqir.EventFalsePositive) {
		t.Errorf("timeline %s", kinds)
	}
}
