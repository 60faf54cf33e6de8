package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api/apitest"
)

func TestTokenLifeCycle(t *testing.T) {
	srv := apitest.NewServer(t)
	var created struct {
		Token  arqir.Token `json:"token"`
		Secret string      `json:"secret"`
	}
	r := call(t, srv, "POST", "/api/v1/tokens", srv.Admin, `{"name":"grafana","role":"viewer"}`).wantStatus(t, http.StatusCreated)
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.Secret, "arq_") || created.Token.Name != "grafana" || created.Token.Role != arqir.RoleViewer {
		t.Fatalf("created %+v", created)
	}

	var me arqir.Token
	_ = json.Unmarshal(call(t, srv, "GET", "/api/v1/me", created.Secret, "").wantStatus(t, http.StatusOK).body, &me)
	if me.Name != "grafana" || me.Role != arqir.RoleViewer {
		t.Errorf("me %+v", me)
	}

	r = call(t, srv, "GET", "/api/v1/tokens", srv.Admin, "").wantStatus(t, http.StatusOK)
	if strings.Contains(string(r.body), created.Secret) || strings.Contains(string(r.body), srv.Admin) {
		t.Error("the token list shows a secret")
	}
	var list struct {
		Tokens []arqir.Token `json:"tokens"`
	}
	_ = json.Unmarshal(r.body, &list)
	if len(list.Tokens) != 4 {
		t.Errorf("%d tokens, want 4", len(list.Tokens))
	}

	r = call(t, srv, "DELETE", "/api/v1/tokens/"+itoa(int(created.Token.ID)), srv.Admin, "").wantStatus(t, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("204 with a body: %s", r.body)
	}
	call(t, srv, "GET", "/api/v1/me", created.Secret, "").wantStatus(t, http.StatusUnauthorized)
}
