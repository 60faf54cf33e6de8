package storetest

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

var tokenTests = []namedTest{
	{name: "TokensCreateAuthenticateRevoke", fn: testTokens},
	{name: "TokenNamesAndRoles", fn: testTokenNames},
	{name: "TokenLastUseRecordedAtMostOncePerMinute", fn: testTokenLastUsed},
}

func testTokens(e *env) {
	if n, err := e.st.CountTokens(e.ctx); err != nil || n != 0 {
		e.t.Fatalf("a fresh database has %d tokens (%v), want 0", n, err)
	}
	secret, tok, err := e.st.CreateToken(e.ctx, "  ci  ", arqir.RoleResponder)
	if err != nil {
		e.t.Fatal(err)
	}
	now := micro(Start)
	switch {
	case !strings.HasPrefix(secret, "arq_") || len(secret) < 4+50 || strings.ToLower(secret) != secret:
		e.t.Fatalf("secret %q, want arq_ and 52 lowercase base32 characters", secret)
	case tok.ID <= 0 || tok.Name != "ci" || tok.Role != arqir.RoleResponder || !tok.CreatedAt.Equal(now):
		e.t.Fatalf("token = %+v", tok)
	case tok.LastUsedAt != nil || tok.RevokedAt != nil:
		e.t.Fatalf("a new token is neither used nor revoked: %+v", tok)
	}
	other, _, err := e.st.CreateToken(e.ctx, "alice", arqir.RoleAdmin)
	if err != nil {
		e.t.Fatal(err)
	}
	if other == secret {
		e.t.Fatal("two tokens got the same secret")
	}

	e.clock.Advance(time.Second)
	got, err := e.st.Authenticate(e.ctx, secret)
	if err != nil {
		e.t.Fatal(err)
	}
	if got.ID != tok.ID || got.Role != arqir.RoleResponder || got.LastUsedAt == nil || !got.LastUsedAt.Equal(now.Add(time.Second)) {
		e.t.Fatalf("authenticated as %+v", got)
	}
	for _, bad := range []string{"", "arq_nope", strings.ToUpper(secret), secret + "x"} {
		_, err := e.st.Authenticate(e.ctx, bad)
		wantCode(e.t, err, arqir.EUNAUTHORIZED)
	}

	list, err := e.st.Tokens(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "ci" || list[1].Name != "alice" || list[0].LastUsedAt == nil {
		b, _ := json.Marshal(list)
		e.t.Fatalf("tokens = %s", b)
	}
	b, _ := json.Marshal(list)
	if strings.Contains(string(b), secret[4:]) || strings.Contains(string(b), other[4:]) {
		e.t.Fatalf("the token list shows a secret: %s", b)
	}

	if err := e.st.RevokeToken(e.ctx, tok.ID); err != nil {
		e.t.Fatal(err)
	}
	_, err = e.st.Authenticate(e.ctx, secret)
	wantCode(e.t, err, arqir.EUNAUTHORIZED)
	if !strings.Contains(arqir.ErrorMessage(err), "revoked") {
		e.t.Fatalf("message %q does not say the token was revoked", arqir.ErrorMessage(err))
	}
	if _, err := e.st.Authenticate(e.ctx, other); err != nil {
		e.t.Fatalf("revoking one token stopped another: %v", err)
	}
	if err := e.st.RevokeToken(e.ctx, tok.ID); err != nil {
		e.t.Fatalf("revoking twice: %v", err)
	}
	wantCode(e.t, e.st.RevokeToken(e.ctx, 999999), arqir.ENOTFOUND)

	// A revoked token frees its name; every token ever created is counted.
	if _, _, err := e.st.CreateToken(e.ctx, "ci", arqir.RoleViewer); err != nil {
		e.t.Fatalf("reusing the name of a revoked token: %v", err)
	}
	if n, err := e.st.CountTokens(e.ctx); err != nil || n != 3 {
		e.t.Fatalf("count = %d (%v), want 3", n, err)
	}
	list, _ = e.st.Tokens(e.ctx)
	if list[0].RevokedAt == nil || list[2].RevokedAt != nil {
		e.t.Fatalf("revocations in the list: %+v %+v", list[0], list[2])
	}
}

func testTokenNames(e *env) {
	for _, tc := range []struct {
		name  string
		role  arqir.Role
		field string
	}{
		{"", arqir.RoleAdmin, "name"},
		{"   ", arqir.RoleAdmin, "name"},
		{strings.Repeat("n", arqir.MaxNameLen+1), arqir.RoleAdmin, "name"},
		{"ops", "root", "role"},
	} {
		_, _, err := e.st.CreateToken(e.ctx, tc.name, tc.role)
		wantCode(e.t, err, arqir.EINVALID, tc.field)
	}
	if _, _, err := e.st.CreateToken(e.ctx, strings.Repeat("n", arqir.MaxNameLen), arqir.RoleViewer); err != nil {
		e.t.Fatalf("a name of %d characters: %v", arqir.MaxNameLen, err)
	}
	if _, _, err := e.st.CreateToken(e.ctx, "ops", arqir.RoleAdmin); err != nil {
		e.t.Fatal(err)
	}
	_, _, err := e.st.CreateToken(e.ctx, "ops", arqir.RoleViewer)
	wantCode(e.t, err, arqir.ECONFLICT, "name")
	if n, _ := e.st.CountTokens(e.ctx); n != 2 {
		e.t.Fatalf("count = %d after rejected creations, want 2", n)
	}
}

func testTokenLastUsed(e *env) {
	secret, _, err := e.st.CreateToken(e.ctx, "ci", arqir.RoleViewer)
	if err != nil {
		e.t.Fatal(err)
	}
	first := micro(e.clock.Now())
	lastUsed := func() time.Time {
		e.t.Helper()
		tok, err := e.st.Authenticate(e.ctx, secret)
		if err != nil {
			e.t.Fatal(err)
		}
		list, _ := e.st.Tokens(e.ctx)
		if !list[0].LastUsedAt.Equal(*tok.LastUsedAt) {
			e.t.Fatalf("Authenticate says last used %v, the store %v", tok.LastUsedAt, list[0].LastUsedAt)
		}
		return *tok.LastUsedAt
	}
	equal(e.t, "first use", lastUsed(), first)
	e.clock.Advance(30 * time.Second)
	equal(e.t, "use 30 s later (not recorded)", lastUsed(), first)
	e.clock.Advance(31 * time.Second)
	equal(e.t, "use 61 s later (recorded)", lastUsed(), micro(e.clock.Now()))
}
