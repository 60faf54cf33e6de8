package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

func TestTokenLifeCycle(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	created := createToken(t, srv, "grafana", "viewer")
	if !strings.HasPrefix(created.Secret, "arq_") || created.Token.Name != "grafana" || created.Token.Role != arqir.RoleViewer {
		t.Fatalf("created %+v", created)
	}

	var me arqir.Token
	_ = json.Unmarshal(call(t, srv, "GET", "/api/v1/me", created.Secret, "").wantStatus(t, http.StatusOK).body, &me)
	if me.Name != "grafana" || me.Role != arqir.RoleViewer {
		t.Errorf("me %+v", me)
	}

	r := call(t, srv, "GET", "/api/v1/tokens", srv.Admin, "").wantStatus(t, http.StatusOK)
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

	// Revoking again keeps the first revocation; the name is free again.
	srv.Advance(time.Minute)
	call(t, srv, "DELETE", "/api/v1/tokens/"+itoa(int(created.Token.ID)), srv.Admin, "").wantStatus(t, http.StatusNoContent)
	_ = json.Unmarshal(call(t, srv, "GET", "/api/v1/tokens", srv.Admin, "").wantStatus(t, http.StatusOK).body, &list)
	if got := list.Tokens[3]; got.ID != created.Token.ID || got.RevokedAt == nil || !got.RevokedAt.Equal(testserver.Epoch) {
		t.Errorf("revoked token listed as %+v, want revoked at %s", got, testserver.Epoch)
	}
	again := createToken(t, srv, "grafana", "viewer")
	call(t, srv, "GET", "/api/v1/me", again.Secret, "").wantStatus(t, http.StatusOK)
}

// Authentication records when a token was last used, at most once a minute
// (the one write a refused request may make).
func TestLastUsedIsRecordedOncePerMinute(t *testing.T) {
	t.Parallel()
	srv := testserver.New(t)
	lastUsed := func() *time.Time {
		var list struct {
			Tokens []arqir.Token `json:"tokens"`
		}
		_ = json.Unmarshal(call(t, srv, "GET", "/api/v1/tokens", srv.Admin, "").wantStatus(t, http.StatusOK).body, &list)
		for _, tok := range list.Tokens {
			if tok.Name == "victor" {
				return tok.LastUsedAt
			}
		}
		t.Fatal("no token victor")
		return nil
	}
	if lu := lastUsed(); lu != nil {
		t.Fatalf("an unused token was last used at %s", lu)
	}
	call(t, srv, "POST", "/api/v1/incidents", srv.Viewer, `{"title":"a","severity":"SEV2"}`).wantStatus(t, http.StatusForbidden)
	if lu := lastUsed(); lu == nil || !lu.Equal(testserver.Epoch) {
		t.Fatalf("last used %v, want %s even for a refused request", lu, testserver.Epoch)
	}
	srv.Advance(59 * time.Second)
	call(t, srv, "GET", "/api/v1/me", srv.Viewer, "").wantStatus(t, http.StatusOK)
	if lu := lastUsed(); !lu.Equal(testserver.Epoch) {
		t.Errorf("last used %s, want still %s within the minute", lu, testserver.Epoch)
	}
	srv.Advance(time.Second)
	call(t, srv, "GET", "/api/v1/me", srv.Viewer, "").wantStatus(t, http.StatusOK)
	if lu, want := lastUsed(), testserver.Epoch.Add(time.Minute); !lu.Equal(want) {
		t.Errorf("last used %s, want %s a minute later", lu, want)
	}
}
