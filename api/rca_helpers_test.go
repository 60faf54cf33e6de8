package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// addPerson creates a user with an e-mail address (RCA invitations go by
// e-mail) through the store.
func addPerson(t *testing.T, srv *testserver.Server, handle, email string) {
	t.Helper()
	in := arqir.UserInput{Handle: handle, Name: handle, Email: email}
	if _, err := srv.Store.CreateUser(context.Background(), in, arqir.SystemActor); err != nil {
		t.Fatalf("create user %s: %v", handle, err)
	}
}

// resolvedIncident declares a SEV2 incident and resolves it as the
// responder, which creates its RCA.
func resolvedIncident(t *testing.T, srv *testserver.Server) *arqir.Incident {
	t.Helper()
	inc := declare(t, srv, "")
	body := `{"root_cause":"a bad config in deploy 1432","customer_impact":"5% of checkouts failed"}`
	return call(t, srv, "POST", "/api/v1/incidents/"+inc.ID.String()+"/resolve", srv.Responder, body).wantStatus(t, http.StatusOK).incident(t)
}

func (r reply) rca(t *testing.T) *arqir.RCA {
	t.Helper()
	var v arqir.RCA
	r.decodeInto(t, &v)
	return &v
}

func (r reply) actionItem(t *testing.T) *arqir.ActionItem {
	t.Helper()
	var v arqir.ActionItem
	r.decodeInto(t, &v)
	return &v
}

// postIncidentDump is the whole database as Dump shows it, plus every RCA
// and action item: a refused request must change none of them.
func postIncidentDump(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	ctx := context.Background()
	rcas, err := srv.Store.RCAs(ctx, arqir.RCAFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	items, err := srv.Store.ActionItems(ctx, arqir.ActionItemFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(struct {
		RCAs  []*arqir.RCA        `json:"rcas"`
		Items []*arqir.ActionItem `json:"action_items"`
	}{rcas, items}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return srv.Dump(t) + "\n" + string(b)
}

// unchanged fails unless the database is as the dump taken before.
func unchanged(t *testing.T, srv *testserver.Server, before string) {
	t.Helper()
	after := postIncidentDump(t, srv)
	if after == before {
		return
	}
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	i := 0
	for i < len(b) && i < len(a) && b[i] == a[i] {
		i++
	}
	from := max(0, i-5)
	t.Fatalf("a refused request changed the database at line %d:\nbefore:\n%s\nafter:\n%s",
		i+1, strings.Join(b[from:min(len(b), i+5)], "\n"), strings.Join(a[from:min(len(a), i+5)], "\n"))
}
