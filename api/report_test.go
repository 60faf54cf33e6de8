package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// D5: a report opens an incident detected manually from its source, at
// SEV3 unless the reporter gives a severity: 201 with a receipt that names
// the incident without showing it.
func TestD5_ReportOpensAManualIncident(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	rita := srv.Token(t, "rita", arqir.RoleReporter)
	r := call(t, srv, "POST", "/api/v1/reports", rita,
		`{"title":"Cannot pay by card","description":"12 tickets","source":"customer_support","reporter_contact":"ZD-4411","services":["checkout"]}`).
		wantStatus(t, http.StatusCreated)
	var receipt map[string]any
	if err := json.Unmarshal(r.body, &receipt); err != nil {
		t.Fatal(err)
	}
	if receipt["incident_id"] != "INC-1" || receipt["opened"] != true || receipt["severity"] != "SEV3" || len(receipt) != 4 {
		t.Errorf("receipt %s", r.body)
	}
	inc, err := srv.Store.Incident(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Detection.Kind != arqir.DetectionManual || inc.Detection.Source != arqir.SourceCustomerSupport || inc.Severity != "SEV3" || !strings.Contains(inc.Summary, "contact: ZD-4411") {
		t.Errorf("incident %+v", inc)
	}
	call(t, srv, "POST", "/api/v1/reports", srv.Responder, `{"title":"t","description":"d","source":"user_report","reporter_contact":"c","severity":"SEV1"}`).wantStatus(t, http.StatusCreated)
	if inc, _ := srv.Store.Incident(t.Context(), 2); inc.Severity != "SEV1" || inc.Detection.Source != arqir.SourceUserReport {
		t.Errorf("second report opened %+v", inc)
	}
}

// D5: a reporter token cannot declare the most severe level (SEV1 pages
// everyone and notifies the executives): its report opens at SEV2 at most,
// says so, and keeps the estimate for the responders; SEV2 and below are
// taken as given.
func TestD5_ReporterSeverityIsCappedAtSEV2(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	rita := srv.Token(t, "rita", arqir.RoleReporter)
	for i, tc := range []struct{ asked, want string }{{"SEV1", "SEV2"}, {"sev 1", "SEV2"}, {"SEV2", "SEV2"}, {"SEV4", "SEV4"}} {
		r := call(t, srv, "POST", "/api/v1/reports", rita,
			`{"title":"Site down","description":"all customers","source":"customer_support","reporter_contact":"c","severity":"`+tc.asked+`"}`).
			wantStatus(t, http.StatusCreated)
		var receipt struct{ Severity, Message string }
		if err := json.Unmarshal(r.body, &receipt); err != nil {
			t.Fatal(err)
		}
		inc, err := srv.Store.Incident(t.Context(), arqir.IncidentID(i+1))
		if err != nil {
			t.Fatal(err)
		}
		if inc.Severity != tc.want || receipt.Severity != tc.want {
			t.Errorf("%s: opened %s (receipt %s), want %s", tc.asked, inc.Severity, receipt.Severity, tc.want)
		}
		capped := tc.asked != tc.want
		if capped != strings.Contains(receipt.Message, "opens at SEV2 at most") || capped != strings.Contains(inc.Summary, "The reporter estimates "+tc.asked) {
			t.Errorf("%s: receipt %q, summary %q", tc.asked, receipt.Message, inc.Summary)
		}
	}
}

// D5: for a reporter, an incident that does not exist and one that is
// resolved get the same answer, so reports cannot probe incidents.
func TestD5_ReportCannotProbeIncidents(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	rita := srv.Token(t, "rita", arqir.RoleReporter)
	call(t, srv, "POST", "/api/v1/incidents", srv.Responder, `{"title":"Checkout errors","severity":"SEV3"}`).wantStatus(t, http.StatusCreated)
	call(t, srv, "POST", "/api/v1/incidents/INC-1/resolve", srv.Responder, `{"root_cause":"bad deploy","customer_impact":"none"}`).wantStatus(t, http.StatusOK)
	report := func(id string) reply {
		return call(t, srv, "POST", "/api/v1/reports", rita, `{"title":"t","description":"d","source":"user_report","reporter_contact":"c","incident_id":"`+id+`"}`)
	}
	before := srv.Dump(t)
	resolved, unknown := report("INC-1"), report("INC-2")
	srv.Unchanged(t, before)
	if resolved.status != unknown.status || strings.ReplaceAll(string(resolved.body), "INC-1", "INC-2") != string(unknown.body) {
		t.Errorf("the answers differ:\nresolved: %d %s\nunknown:  %d %s", resolved.status, resolved.body, unknown.status, unknown.body)
	}
	if e := unknown.wantStatus(t, http.StatusNotFound).errorBody(t); e.Error.Field != "incident_id" || !strings.Contains(e.Error.Message, "not an open incident") {
		t.Errorf("answer %+v", e)
	}
}

// A report that responders could not act on is refused with the field to
// fix, and changes nothing.
func TestD5_ReportRefusals(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	rita := srv.Token(t, "rita", arqir.RoleReporter)
	ok := `"title":"t","description":"d","source":"customer_support","reporter_contact":"c"`
	cases := []struct {
		body, field string
		status      int
	}{
		{`{"title":"t","description":"d","reporter_contact":"c"}`, "source", 422},
		{`{"title":"t","description":"d","source":"internal_observation","reporter_contact":"c"}`, "source", 422},
		{`{"description":"d","source":"user_report","reporter_contact":"c"}`, "title", 422},
		{`{"title":"t","source":"user_report","reporter_contact":"c"}`, "description", 422},
		{`{"title":"t","description":"d","source":"user_report"}`, "reporter_contact", 422},
		{`{` + ok + `,"severity":"SEV9"}`, "severity", 422},
		{`{` + ok + `,"incident_id":"nine"}`, "incident_id", 400},
		{`{` + ok + `,"incident_id":"INC-9"}`, "incident_id", 404},
		{`{` + ok + `,"detection":"manual"}`, "detection", 400},
	}
	before := srv.Dump(t)
	for _, c := range cases {
		if e := call(t, srv, "POST", "/api/v1/reports", rita, c.body).wantStatus(t, c.status).errorBody(t); e.Error.Field != c.field {
			t.Errorf("%s: field %q, want %q (%s)", c.body, e.Error.Field, c.field, e.Error.Message)
		}
	}
	call(t, srv, "POST", "/api/v1/reports", srv.Viewer, `{`+ok+`}`).wantStatus(t, http.StatusForbidden)
	srv.Unchanged(t, before)
}

// D5: a reporter token is refused every route but POST /api/v1/reports and
// the public ones, whatever the route needs, with a message naming the
// role it has.
func TestD5_ReporterTokenIsRefusedEveryOtherRoute(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	rita := srv.Token(t, "rita", arqir.RoleReporter)
	var doc struct {
		Paths map[string]map[string]struct {
			Role string `json:"x-arqir-role"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(call(t, srv, "GET", "/api/v1/openapi.json", "", "").body, &doc); err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	before := srv.Dump(t)
	n := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op.Role == "public" || op.Role == "reporter" {
				continue
			}
			n++
			e := call(t, srv, strings.ToUpper(method), param.ReplaceAllString(path, "1"), rita, `{}`).wantStatus(t, http.StatusForbidden).errorBody(t)
			if !strings.Contains(e.Error.Message, "reporter role") {
				t.Errorf("%s %s: %s", method, path, e.Error.Message)
			}
		}
	}
	if n < 20 {
		t.Errorf("checked %d routes; the document lists more", n)
	}
	srv.Unchanged(t, before)
}
