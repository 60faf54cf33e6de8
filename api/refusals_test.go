package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir/internal/testserver"
)

// Every bad request is refused with the right status, code, field and a
// message that says where or what, and changes nothing in the database.
func TestBadRequestsAreRefusedAndChangeNothing(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	// INC-1: SEV2, acknowledged by alice, at version 2. INC-2: SEV4,
	// resolved. The token "retired": revoked.
	declare(t, srv, "")
	call(t, srv, "POST", "/api/v1/incidents/INC-1/acknowledge", srv.Responder, "").wantStatus(t, http.StatusOK)
	declare(t, srv, `{"title":"Old","severity":"SEV4"}`)
	call(t, srv, "POST", "/api/v1/incidents/INC-2/resolve", srv.Responder, `{"root_cause":"x","customer_impact":"none"}`).wantStatus(t, http.StatusOK)
	retired := createToken(t, srv, "retired", "viewer")
	call(t, srv, "DELETE", "/api/v1/tokens/"+itoa(int(retired.Token.ID)), srv.Admin, "").wantStatus(t, http.StatusNoContent)

	big := `{"title":"` + strings.Repeat("x", 1<<20) + `","severity":"SEV2"}`
	R, V, A := srv.Responder, srv.Viewer, srv.Admin
	cases := []struct {
		name, method, path, token, body string
		headers                         []string
		status                          int
		code, field, message            string
	}{
		{"malformed JSON names the position", "POST", "/api/v1/incidents", R, "{\n  \"title\": x\n}", nil,
			400, "invalid", "", "malformed JSON at line 2, column 12"},
		{"truncated JSON names the end", "POST", "/api/v1/incidents", R, `{"title":"a"`, nil,
			400, "invalid", "", "malformed JSON at line 1, column 13"},
		{"unknown field", "POST", "/api/v1/incidents", R, `{"title":"a","serverity":"SEV1"}`, nil,
			400, "invalid", "serverity", `unknown field "serverity": the accepted fields are title, summary, severity, services, detection (kind, source)`},
		{"wrong type names the field", "POST", "/api/v1/incidents", R, `{"title":5,"severity":"SEV2"}`, nil,
			400, "invalid", "title", `field "title" must be a string, not a number`},
		{"wrong element type", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2","services":[1]}`, nil,
			400, "invalid", "services", `field "services" must be a list of strings, not a number`},
		{"nested wrong type", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2","detection":{"kind":true}}`, nil,
			400, "invalid", "detection.kind", `field "detection.kind" must be a string`},
		{"trailing data", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2"} {"x":1}`, nil,
			400, "invalid", "", "unexpected data after the JSON object at line 1, column 33"},
		{"not an object", "POST", "/api/v1/incidents", R, `["a"]`, nil,
			400, "invalid", "", "must be a JSON object"},
		{"empty body where fields are required", "POST", "/api/v1/incidents", R, ``, nil,
			400, "invalid", "", "the request body is empty"},
		{"bad time", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2","detected_at":"yesterday"}`, nil,
			400, "invalid", "detected_at", "not an RFC 3339 time"},
		{"content type", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2"}`, []string{"Content-Type", "text/plain"},
			400, "invalid", "Content-Type", "send the body as JSON with Content-Type: application/json"},
		{"system source", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2"}`, []string{"X-Arqir-Source", "system"},
			400, "invalid", "X-Arqir-Source", "system is reserved"},
		{"unknown source", "POST", "/api/v1/incidents/INC-1/notes", R, `{"text":"a"}`, []string{"X-Arqir-Source", "pager"},
			400, "invalid", "X-Arqir-Source", "use api, cli or web"},
		{"body over 1 MiB", "POST", "/api/v1/incidents", R, big, nil,
			413, "too_large", "", "over the 1 MiB limit"},
		{"missing title", "POST", "/api/v1/incidents", R, `{"severity":"SEV2"}`, nil,
			422, "unprocessable", "title", "title is required"},
		{"missing severity", "POST", "/api/v1/incidents", R, `{"title":"a"}`, nil,
			422, "unprocessable", "severity", "severity is required (R3): use one of SEV1, SEV2, SEV3, SEV4"},
		{"unknown severity", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV9"}`, nil,
			422, "unprocessable", "severity", `the policy has no severity "SEV9"`},
		{"unknown manual source", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2","detection":{"kind":"manual","source":"twitter"}}`, nil,
			422, "unprocessable", "detection.source", "customer_support"},
		{"no token", "POST", "/api/v1/incidents", "", `{"title":"a","severity":"SEV2"}`, nil,
			401, "unauthorized", "", "missing bearer token: pass Authorization: Bearer <token> (create one with arqir token create)"},
		{"unknown token", "GET", "/api/v1/incidents", "arq_nope", ``, nil,
			401, "unauthorized", "", "unknown token: check it was copied whole, or ask an admin for a new one"},
		{"revoked token", "GET", "/api/v1/incidents", retired.Secret, ``, nil,
			401, "unauthorized", "", "the token was revoked at 2025-03-03T09:00:00Z: ask an admin for a new one"},
		{"viewer acting", "POST", "/api/v1/incidents/INC-1/notes", V, `{"text":"a"}`, nil,
			403, "forbidden", "", `needs the responder role; your token "victor" has the viewer role`},
		{"viewer declaring", "POST", "/api/v1/incidents", V, `{"title":"a","severity":"SEV2"}`, nil,
			403, "forbidden", "", "needs the responder role"},
		{"unknown incident", "POST", "/api/v1/incidents/INC-99/acknowledge", R, ``, nil,
			404, "not_found", "", "INC-99 does not exist: check the incident ID"},
		{"unknown incident's timeline", "GET", "/api/v1/incidents/INC-99/timeline", V, ``, nil,
			404, "not_found", "", "INC-99 does not exist"},
		{"not an incident ID", "GET", "/api/v1/incidents/abc", V, ``, nil,
			400, "invalid", "id", "use the form INC-42"},
		{"unknown checklist item", "POST", "/api/v1/incidents/INC-1/checklist/R99", R, ``, nil,
			404, "not_found", "item", `has no checklist item "R99"`},
		{"stale version", "POST", "/api/v1/incidents/INC-1/notes", R, `{"text":"a","version":1}`, nil,
			409, "conflict", "", "INC-1 changed since version 1 (it is now version 2)"},
		{"stale If-Match", "POST", "/api/v1/incidents/INC-1/status", R, `{"status":"MONITORING"}`, []string{"If-Match", `"1"`},
			409, "conflict", "", "changed since version 1"},
		{"If-Match and version disagree", "POST", "/api/v1/incidents/INC-1/notes", R, `{"text":"a","version":2}`, []string{"If-Match", `"3"`},
			400, "invalid", "version", "the body says version 2 but If-Match says 3"},
		{"bad If-Match", "POST", "/api/v1/incidents/INC-1/notes", R, `{"text":"a"}`, []string{"If-Match", `"abc"`},
			400, "invalid", "If-Match", "not an incident version"},
		{"resolve through status", "POST", "/api/v1/incidents/INC-1/status", R, `{"status":"RESOLVED"}`, nil,
			422, "unprocessable", "status", "use resolve, not a status change"},
		{"status unchanged", "POST", "/api/v1/incidents/INC-1/status", R, `{"status":"INVESTIGATING"}`, nil,
			422, "unprocessable", "status", "already INVESTIGATING"},
		{"unknown status", "POST", "/api/v1/incidents/INC-1/status", R, `{"status":"FIXED"}`, nil,
			422, "unprocessable", "status", `unknown status "FIXED"`},
		{"missing status", "POST", "/api/v1/incidents/INC-1/status", R, `{"note":"x"}`, nil,
			422, "unprocessable", "status", "status is required"},
		{"status of a resolved incident", "POST", "/api/v1/incidents/INC-2/status", R, `{"status":"IDENTIFIED"}`, nil,
			422, "unprocessable", "status", "reopen it"},
		{"acknowledge twice", "POST", "/api/v1/incidents/INC-1/acknowledge", R, ``, nil,
			422, "unprocessable", "", "already acknowledged by alice"},
		{"resolve without root cause", "POST", "/api/v1/incidents/INC-1/resolve", R, `{"customer_impact":"none"}`, nil,
			422, "unprocessable", "root_cause", "root_cause is required"},
		{"resolve without customer impact", "POST", "/api/v1/incidents/INC-1/resolve", R, `{"root_cause":"bad deploy"}`, nil,
			422, "unprocessable", "customer_impact", "customer_impact is required"},
		{"reopen an open incident", "POST", "/api/v1/incidents/INC-1/reopen", R, `{"reason":"x"}`, nil,
			422, "unprocessable", "", "only a resolved incident can be reopened"},
		{"empty note", "POST", "/api/v1/incidents/INC-1/notes", R, `{"text":"  "}`, nil,
			422, "unprocessable", "text", "the note is empty"},
		{"empty role change", "POST", "/api/v1/incidents/INC-1/roles", R, `{}`, nil,
			422, "unprocessable", "", "changes nothing"},
		{"list: unknown parameter", "GET", "/api/v1/incidents?stauts=OPEN", V, ``, nil,
			400, "invalid", "stauts", `unknown query parameter "stauts"`},
		{"list: bad status", "GET", "/api/v1/incidents?status=OPEN", V, ``, nil,
			400, "invalid", "status", `unknown status "OPEN"`},
		{"list: bad severity", "GET", "/api/v1/incidents?severity=SEV9", V, ``, nil,
			400, "invalid", "severity", "use one of SEV1, SEV2, SEV3, SEV4"},
		{"list: bad open", "GET", "/api/v1/incidents?open=maybe", V, ``, nil,
			400, "invalid", "open", "use open=true"},
		{"list: bad from", "GET", "/api/v1/incidents?from=yesterday", V, ``, nil,
			400, "invalid", "from", "not an RFC 3339 time"},
		{"list: to before from", "GET", "/api/v1/incidents?from=2025-03-03T10:00:00Z&to=2025-03-03T09:00:00Z", V, ``, nil,
			400, "invalid", "to", "must be after from"},
		{"list: bad limit", "GET", "/api/v1/incidents?limit=0", V, ``, nil,
			400, "invalid", "limit", "use a number from 1 to 500"},
		{"list: bad cursor", "GET", "/api/v1/incidents?cursor=zz", V, ``, nil,
			400, "invalid", "cursor", `the cursor "zz" is not one this server issued`},
		{"unknown route", "GET", "/api/v1/nothing", V, ``, nil,
			404, "not_found", "", "no API route GET /api/v1/nothing"},
		{"wrong method", "PATCH", "/api/v1/incidents/INC-1", R, `{}`, nil,
			405, "method_not_allowed", "", "PATCH is not allowed on /api/v1/incidents/INC-1: use GET"},
		{"responder applying a policy", "PUT", "/api/v1/policy", R, "version: 2\n", nil,
			403, "forbidden", "", "needs the admin role"},
		{"responder creating a token", "POST", "/api/v1/tokens", R, `{"name":"x","role":"admin"}`, nil,
			403, "forbidden", "", "needs the admin role"},
		{"token without name", "POST", "/api/v1/tokens", A, `{"role":"viewer"}`, nil,
			400, "invalid", "name", "name is required"},
		{"token with unknown role", "POST", "/api/v1/tokens", A, `{"name":"x","role":"root"}`, nil,
			400, "invalid", "role", `unknown role "root"`},
		{"token name taken", "POST", "/api/v1/tokens", A, `{"name":"alice","role":"viewer"}`, nil,
			409, "conflict", "name", `an active token is already named "alice"`},
		{"token name too long", "POST", "/api/v1/tokens", A, `{"name":"` + strings.Repeat("n", 101) + `","role":"viewer"}`, nil,
			400, "invalid", "name", "the token name is over 100 characters"},
		{"revoke unknown token", "DELETE", "/api/v1/tokens/99", A, ``, nil,
			404, "not_found", "", "there is no token 99"},
		{"revoke non-numeric token", "DELETE", "/api/v1/tokens/abc", A, ``, nil,
			400, "invalid", "id", "not a number"},
		{"empty policy", "PUT", "/api/v1/policy", A, "  \n", nil,
			400, "invalid", "", "the body is empty"},
		{"policy with problems", "PUT", "/api/v1/policy", A, string(testserver.BrokenPolicy()), nil,
			422, "unprocessable", "", "the policy has 3 problems; nothing was applied"},
		{"detected in the future", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2","detected_at":"2025-03-03T09:01:00Z"}`, nil,
			422, "unprocessable", "detected_at", "detected_at 2025-03-03T09:01:00Z is in the future"},
		{"impact after detection", "POST", "/api/v1/incidents", R, `{"title":"a","severity":"SEV2","detected_at":"2025-03-03T08:00:00Z","impact_started_at":"2025-03-03T08:30:00Z"}`, nil,
			422, "unprocessable", "impact_started_at", "impact cannot start after we knew of it"},
		{"unknown severity change", "POST", "/api/v1/incidents/INC-1/severity", R, `{"severity":"SEV9"}`, nil,
			422, "unprocessable", "severity", `the policy has no severity "SEV9": use one of SEV1, SEV2, SEV3, SEV4`},
		{"severity of a resolved incident", "POST", "/api/v1/incidents/INC-2/severity", R, `{"severity":"SEV1"}`, nil,
			422, "unprocessable", "", "INC-2 is resolved; reopen it before changing its severity"},
		{"acknowledge a resolved incident", "POST", "/api/v1/incidents/INC-2/acknowledge", R, ``, nil,
			422, "unprocessable", "", "INC-2 is resolved; reopen it before acknowledging"},
		{"tick a done item", "POST", "/api/v1/incidents/INC-1/checklist/R1", R, ``, nil,
			422, "unprocessable", "", "checklist item R1 of INC-1 was already done by alice"},
		{"reopen without reason", "POST", "/api/v1/incidents/INC-2/reopen", R, `{"reason":" "}`, nil,
			422, "unprocessable", "reason", "say why the incident is reopened"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := srv.Dump(t)
			r := call(t, srv, c.method, c.path, c.token, c.body, c.headers...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d; body %s", r.status, c.status, r.body)
			}
			e := r.errorBody(t)
			if e.Error.Code != c.code || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.message) {
				t.Errorf("error %+v\nwant code %q field %q message containing %q", e.Error, c.code, c.field, c.message)
			}
			if r.header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
			}
			srv.Unchanged(t, before)
		})
	}
}

func TestConflictCarriesTheCurrentIncident(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	call(t, srv, "POST", "/api/v1/incidents/INC-1/notes", srv.Responder, `{"text":"one"}`).wantStatus(t, http.StatusOK)
	e := call(t, srv, "POST", "/api/v1/incidents/INC-1/notes", srv.Responder, `{"text":"two","version":1}`).
		wantStatus(t, http.StatusConflict).errorBody(t)
	if e.Current == nil || e.Current.ID != 1 || e.Current.Version != 2 {
		t.Fatalf("current %+v, want INC-1 at version 2", e.Current)
	}
}

func TestUnauthorizedAsksForBearer(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	for _, auth := range []string{"", "Basic YWxpY2U6eA==", "Bearer "} {
		r := call(t, srv, "GET", "/api/v1/incidents", "", "", "Authorization", auth)
		if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("Authorization %q: status %d WWW-Authenticate %q", auth, r.status, r.header.Get("WWW-Authenticate"))
		}
	}
}

func TestViewerReadsEverything(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	for _, p := range []string{"/api/v1/incidents", "/api/v1/incidents/INC-1", "/api/v1/incidents/INC-1/timeline", "/api/v1/policy", "/api/v1/policy/history", "/api/v1/me"} {
		call(t, srv, "GET", p, srv.Viewer, "").wantStatus(t, http.StatusOK)
	}
	call(t, srv, "GET", "/api/v1/tokens", srv.Viewer, "").wantStatus(t, http.StatusForbidden)
}

func TestEmptyBodyWhereEverythingIsOptional(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	call(t, srv, "POST", "/api/v1/incidents/INC-1/acknowledge", srv.Responder, "").wantStatus(t, http.StatusOK)
	call(t, srv, "POST", "/api/v1/incidents/INC-1/checklist/r7", srv.Responder, "", "Content-Type", "application/json; charset=utf-8").wantStatus(t, http.StatusOK)
}
