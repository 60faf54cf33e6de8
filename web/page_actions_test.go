package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/arqir/arqir"
)

func TestActionItems(t *testing.T) {
	e := setup(t)
	e.withRotation()
	inc := e.declare("db down", "SEV2")
	e.resolve(inc)
	cats := e.ts.Policies.Rules().PostIncident.Categories
	path := "/incidents/" + strconv.FormatInt(int64(inc.ID), 10) + "/action-items"
	form := url.Values{"csrf": {"csrf-alice"}, "title": {hostile}, "category": {cats[0].ID}, "owner": {"ada"}, "due_on": {"2025-03-20"}}

	before := e.ts.Dump(t)
	v := url.Values{"csrf": {"csrf-victor"}, "title": {"x"}, "category": {cats[0].ID}, "owner": {"ada"}, "due_on": {"2025-03-20"}}
	if resp, _ := e.post(e.client("victor"), path, v); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer: status %d", resp.StatusCode)
	}
	if e.ts.Dump(t) != before {
		t.Error("a refused form changed the store")
	}
	// A missing owner is re-rendered on the RCA page with the typed title.
	bad := url.Values{"csrf": {"csrf-alice"}, "title": {"keep me"}, "category": {cats[0].ID}, "due_on": {"2025-03-20"}}
	if resp, body := e.post(e.client("alice"), path, bad); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="keep me"`) {
		t.Errorf("missing owner: status %d", resp.StatusCode)
	}

	if resp, _ := e.post(e.client("alice"), path, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: status %d", resp.StatusCode)
	}
	items, _ := e.ts.Store.ActionItems(context.Background(), arqir.ActionItemFilter{})
	if len(items) != 1 || items[0].Owner != "ada" {
		t.Fatalf("items %+v", items)
	}
	_, list := e.get(e.client("victor"), "/action-items?owner=ada&status=open")
	if !strings.Contains(list, "&lt;script&gt;") || strings.Contains(list, "<script>alert") {
		t.Error("the list does not show the title escaped")
	}
	if _, none := e.get(e.client("victor"), "/action-items?owner=bob"); !strings.Contains(none, "No action items match") {
		t.Error("the owner filter does not filter")
	}

	done := url.Values{"csrf": {"csrf-alice"}, "status": {"done"}, "version": {strconv.Itoa(items[0].Version)}}
	if resp, _ := e.post(e.client("alice"), "/action-items/"+strconv.FormatInt(items[0].ID, 10)+"/status", done); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("done: status %d", resp.StatusCode)
	}
	if it, _ := e.ts.Store.ActionItem(context.Background(), items[0].ID); it.Status != arqir.ActionItemDone {
		t.Errorf("status %s, want done", it.Status)
	}
}
