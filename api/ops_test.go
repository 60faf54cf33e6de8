package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/internal/testserver"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	r := call(t, srv, "GET", "/healthz", "", "").wantStatus(t, http.StatusOK)
	if strings.TrimSpace(string(r.body)) != `{"status":"ok"}` {
		t.Errorf("body %s", r.body)
	}
}

// /readyz needs no token, so a 503 says only what kind of trouble there is;
// the detail, which may name hosts and users, is logged.
func TestReadyz(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	down.Store(true)
	srv := testserver.New(t, func(c *api.Config) {
		c.Ready = func(context.Context) error {
			if down.Load() {
				return errors.New("dial tcp db.internal:5432: connection refused")
			}
			return nil
		}
	})
	r := call(t, srv, "GET", "/readyz", "", "").wantStatus(t, http.StatusServiceUnavailable)
	if !strings.Contains(string(r.body), "the database is unreachable") || strings.Contains(string(r.body), "db.internal") {
		t.Errorf("503 answer %s, want the kind of trouble without its detail", r.body)
	}
	if !strings.Contains(srv.Logs.String(), "db.internal:5432") {
		t.Errorf("the reason was not logged:\n%s", srv.Logs.String())
	}
	down.Store(false)
	call(t, srv, "GET", "/readyz", "", "").wantStatus(t, http.StatusOK)
}

func TestReadyzDefaultsToStorePing(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	call(t, srv, "GET", "/readyz", "", "").wantStatus(t, http.StatusOK)
	srv.Fail(errors.New("connection refused"))
	call(t, srv, "GET", "/readyz", "", "").wantStatus(t, http.StatusServiceUnavailable)
	srv.Fail(nil)
	call(t, srv, "GET", "/readyz", "", "").wantStatus(t, http.StatusOK)
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	for _, r := range []reply{
		call(t, srv, "GET", "/api/v1/incidents", srv.Viewer, ""),
		call(t, srv, "GET", "/api/v1/incidents", "", ""),
		call(t, srv, "GET", "/nothing", "", ""),
		call(t, srv, "GET", "/metrics", "", ""),
		call(t, srv, "GET", "/api/v1/openapi.json", "", ""),
	} {
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("status %d: X-Content-Type-Options %q Cache-Control %q", r.status, r.header.Get("X-Content-Type-Options"), r.header.Get("Cache-Control"))
		}
	}
}

// An internal error is logged with the request's method and route and
// answered with a generic message: its text may hold anything.
func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	srv.Fail(errors.New("pq: password authentication failed for hunter2"))
	r := call(t, srv, "GET", "/api/v1/incidents/INC-1", srv.Viewer, "").wantStatus(t, http.StatusInternalServerError)
	e := r.errorBody(t)
	if e.Error.Code != "internal" || strings.Contains(string(r.body), "hunter2") || !strings.Contains(e.Error.Message, "the server logged the details") {
		t.Errorf("500 answer %s", r.body)
	}
	logs := srv.Logs.String()
	if !strings.Contains(logs, "hunter2") || !strings.Contains(logs, "method=GET") || !strings.Contains(logs, "route=/api/v1/incidents/{id}") {
		t.Errorf("internal error not logged with method and route:\n%s", logs)
	}
}

func TestSecretsAreNeverLogged(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	declare(t, srv, "")
	r := call(t, srv, "POST", "/api/v1/tokens", srv.Admin, `{"name":"bot","role":"responder"}`).wantStatus(t, http.StatusCreated)
	call(t, srv, "GET", "/api/v1/incidents", "arq_wrong_secret_123", "")
	call(t, srv, "GET", "/api/v1/me", srv.Responder, "")
	logs := srv.Logs.String()
	for _, secret := range []string{srv.Admin, srv.Responder, "arq_wrong_secret_123", strings.Split(strings.Split(string(r.body), `"secret":"`)[1], `"`)[0]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds a token secret:\n%s", logs)
		}
	}
	if strings.Contains(strings.ToLower(logs), "authorization") || strings.Contains(logs, "Bearer") {
		t.Errorf("the log mentions the Authorization header:\n%s", logs)
	}
	if !strings.Contains(logs, `route=/api/v1/incidents status=201`) {
		t.Errorf("requests are not logged with route and status:\n%s", logs)
	}
}

func TestPanicsAreAnswered500(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t, func(c *api.Config) { c.Policies = panicky{c.Policies} })
	r := call(t, srv, "GET", "/api/v1/policy", srv.Viewer, "").wantStatus(t, http.StatusInternalServerError)
	if e := r.errorBody(t); e.Error.Code != "internal" || strings.Contains(string(r.body), "exploded") {
		t.Errorf("panic answered %s", r.body)
	}
	if !strings.Contains(srv.Logs.String(), "policy manager exploded") {
		t.Errorf("panic not logged:\n%s", srv.Logs.String())
	}
}

// panicky is a policy manager with a bug.
type panicky struct{ api.PolicyManager }

func (panicky) Active() *arqir.PolicyRecord { panic("policy manager exploded") }
