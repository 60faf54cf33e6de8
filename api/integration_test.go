package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/internal/testserver"
)

// createdIntegration is the answer of create and rotate.
type createdIntegration struct {
	Integration   arqir.Integration `json:"integration"`
	Endpoint      map[string]string `json:"endpoint"`
	Credential    string            `json:"credential"`
	SigningSecret string            `json:"signing_secret"`
}

func (r reply) created(t *testing.T) createdIntegration {
	t.Helper()
	var c createdIntegration
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return c
}

// An admin creates an integration and sees its credential, signing secret
// and endpoint URL once; reads never show the secrets; rotate shows new
// ones; revoke stops it and keeps it listed.
func TestIntegrationLifeCycle(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	r := call(t, srv, "POST", "/api/v1/integrations", srv.Admin,
		`{"name":"prometheus-prod","kind":"alertmanager","service":"checkout","severity":"sev2"}`).wantStatus(t, http.StatusCreated)
	c := r.created(t)
	if r.header.Get("Location") != "/api/v1/integrations/1" {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	if c.Integration.ID != 1 || c.Integration.Severity != "SEV2" || c.Integration.Kind != arqir.KindAlertmanager ||
		!strings.HasPrefix(c.Credential, "arqi_") || !strings.HasPrefix(c.SigningSecret, "arqs_") {
		t.Errorf("created %+v", c)
	}
	if c.Endpoint["url"] != srv.URL+"/ingest/alertmanager" || c.Endpoint["method"] != "POST" || !strings.Contains(c.Endpoint["auth"], "Bearer") {
		t.Errorf("endpoint %+v", c.Endpoint)
	}

	for _, path := range []string{"/api/v1/integrations", "/api/v1/integrations/1"} {
		r := call(t, srv, "GET", path, srv.Viewer, "").wantStatus(t, http.StatusOK)
		if strings.Contains(string(r.body), c.Credential) || strings.Contains(string(r.body), c.SigningSecret) || !strings.Contains(string(r.body), "prometheus-prod") {
			t.Errorf("GET %s shows a secret or lacks the integration: %s", path, r.body)
		}
	}

	rot := call(t, srv, "POST", "/api/v1/integrations/1/rotate", srv.Admin, "").wantStatus(t, http.StatusOK).created(t)
	if rot.Credential == c.Credential || rot.SigningSecret == c.SigningSecret || rot.Integration.RotatedAt == nil {
		t.Errorf("rotated %+v", rot)
	}
	if _, err := srv.Store.AuthenticateIntegration(t.Context(), arqir.KindAlertmanager, c.Credential); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
		t.Errorf("the old credential still works: %v", err)
	}
	call(t, srv, "DELETE", "/api/v1/integrations/1", srv.Admin, "").wantStatus(t, http.StatusNoContent)
	if _, err := srv.Store.AuthenticateIntegration(t.Context(), arqir.KindAlertmanager, rot.Credential); arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
		t.Errorf("a revoked credential works: %v", err)
	}
	var list struct{ Integrations []arqir.Integration }
	if err := json.Unmarshal(call(t, srv, "GET", "/api/v1/integrations", srv.Viewer, "").body, &list); err != nil || len(list.Integrations) != 1 || list.Integrations[0].RevokedAt == nil {
		t.Errorf("list after revoke %+v, %v", list, err)
	}
	call(t, srv, "POST", "/api/v1/integrations/1/rotate", srv.Admin, "").wantStatus(t, http.StatusUnprocessableEntity)
}

// Integration requests that cannot be served are refused with the field
// and what to do, and change nothing.
func TestIntegrationRefusals(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	call(t, srv, "POST", "/api/v1/integrations", srv.Admin, `{"name":"am","kind":"alertmanager"}`).wantStatus(t, http.StatusCreated)
	A := srv.Admin
	cases := []struct {
		name, method, path, token, body string
		status                          int
		field, message                  string
	}{
		{"unknown kind", "POST", "/api/v1/integrations", A, `{"name":"x","kind":"nagios"}`, 422, "kind", "use one of alertmanager"},
		{"no name", "POST", "/api/v1/integrations", A, `{"kind":"generic"}`, 422, "name", "needs a name"},
		{"duplicate name", "POST", "/api/v1/integrations", A, `{"name":"am","kind":"generic"}`, 409, "name", "already named"},
		{"unknown severity", "POST", "/api/v1/integrations", A, `{"name":"x","kind":"generic","severity":"SEV9"}`, 422, "severity", "SEV1"},
		{"unknown setting", "POST", "/api/v1/integrations", A, `{"name":"x","kind":"generic","settings":{"requre_signature":"true"}}`, 422, "settings.requre_signature", "require_signature"},
		{"cloudwatch without topics", "POST", "/api/v1/integrations", A, `{"name":"x","kind":"cloudwatch"}`, 422, "settings.topic_arns", "topic_arns"},
		{"unknown field", "POST", "/api/v1/integrations", A, `{"name":"x","kind":"generic","secret":"s"}`, 400, "secret", "accepted fields are name, kind, service, severity, settings"},
		{"viewer creates", "POST", "/api/v1/integrations", srv.Viewer, `{"name":"x","kind":"generic"}`, 403, "", "admin role"},
		{"responder rotates", "POST", "/api/v1/integrations/1/rotate", srv.Responder, ``, 403, "", "admin role"},
		{"bad ID", "GET", "/api/v1/integrations/one", A, ``, 400, "id", "not a number"},
		{"unknown ID", "GET", "/api/v1/integrations/9", A, ``, 404, "", "no integration 9"},
		{"revoke unknown", "DELETE", "/api/v1/integrations/9", A, ``, 404, "", "no integration 9"},
	}
	before := srv.Dump(t)
	for _, c := range cases {
		e := call(t, srv, c.method, c.path, c.token, c.body).wantStatus(t, c.status).errorBody(t)
		if e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.message) {
			t.Errorf("%s: %+v, want field %q and %q", c.name, e.Error, c.field, c.message)
		}
	}
	srv.Unchanged(t, before)
}

// The kinds listing describes every integration kind with its endpoint and
// settings, for the UI and the CLI.
func TestIntegrationKinds(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	var body struct {
		Kinds []struct {
			Kind     arqir.IntegrationKind `json:"kind"`
			Path     string                `json:"path"`
			Auth     string                `json:"auth"`
			Settings []struct {
				Key      string `json:"key"`
				Required bool   `json:"required"`
			} `json:"settings"`
		} `json:"kinds"`
	}
	if err := json.Unmarshal(call(t, srv, "GET", "/api/v1/integrations/kinds", srv.Viewer, "").wantStatus(t, 200).body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Kinds) != len(arqir.IntegrationKinds) {
		t.Fatalf("%d kinds, want %d", len(body.Kinds), len(arqir.IntegrationKinds))
	}
	for i, k := range body.Kinds {
		if k.Kind != arqir.IntegrationKinds[i] || k.Auth == "" || (k.Kind != arqir.KindEvaluator && !strings.HasPrefix(k.Path, "/ingest/"+string(k.Kind))) {
			t.Errorf("kind %+v", k)
		}
		if k.Kind == arqir.KindCloudWatch && (len(k.Settings) != 1 || !k.Settings[0].Required || k.Path != "/ingest/cloudwatch/{credential}") {
			t.Errorf("cloudwatch %+v", k)
		}
	}
}

// The endpoint URL starts with the configured public URL.
func TestIntegrationEndpointUsesThePublicURL(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t, func(c *api.Config) { c.PublicURL = "https://arqir.example.com" })
	c := call(t, srv, "POST", "/api/v1/integrations", srv.Admin, `{"name":"pd","kind":"pagerduty"}`).wantStatus(t, 201).created(t)
	if c.Endpoint["url"] != "https://arqir.example.com/ingest/pagerduty/v2/enqueue" {
		t.Errorf("endpoint %+v", c.Endpoint)
	}
}
