package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// actionItem runs "arqir action-item ARGS --url SRV --token TOKEN".
func actionItem(t *testing.T, srv *testserver.Server, token string, args ...string) run {
	t.Helper()
	return arqirCmd(t, append(append([]string{"action-item"}, args...), "--url", srv.URL, "--token", token)...)
}

func TestP4_ActionItemCommands(t *testing.T) {
	t.Parallel()
	srv := postIncidentServer(t)
	R := srv.Responder
	actionItem(t, srv, R, "add", "INC-1", "--category", "prevention", "--title", "Alert on pool exhaustion", "--owner", "ada", "--due", "2025-03-17", "--runbook", "memory_leak").
		want(t, 0, `Filed action item 1 on INC-1: "Alert on pool exhaustion" (prevention), owned by ada, due 2025-03-17.`)
	late := actionItem(t, srv, R, "add", "INC-1", "--category", "detection", "--title", "Page on 5xx", "--owner", "bob", "--due-on", "2025-03-01").
		want(t, 0, "Filed action item 2")
	if !strings.Contains(late.stderr, "warning:") {
		t.Errorf("a past due date printed no warning: %q", late.stderr)
	}

	actionItem(t, srv, R, "add", "INC-1", "--category", "prevention", "--title", "x", "--due", "2025-03-17").wantErr(t, 2, "owner is required", "(set it with --owner)")
	actionItem(t, srv, R, "add", "INC-1", "--category", "prevention", "--title", "x", "--owner", "ada").wantErr(t, 2, "due date is required", "(set it with --due-on)")
	actionItem(t, srv, R, "add", "INC-1", "--category", "hope", "--title", "x", "--owner", "ada", "--due", "2025-03-17").wantErr(t, 2, `unknown category "hope"`)
	actionItem(t, srv, R, "add", "INC-1", "--category", "prevention", "--title", "x", "--owner", "ada", "--due", "17/03/2025").wantErr(t, 2, "YYYY-MM-DD")
	actionItem(t, srv, srv.Viewer, "add", "INC-1", "--category", "prevention", "--title", "x", "--owner", "ada", "--due", "2025-03-17").wantErr(t, 2, "responder role")

	actionItem(t, srv, R, "list").want(t, 0, "ID", "INCIDENT", "CATEGORY", "OVERDUE", "Page on 5xx", "Alert on pool exhaustion")
	list := actionItem(t, srv, R, "list", "--owner", "ada").want(t, 0, "Alert on pool exhaustion")
	if strings.Contains(list.stdout, "Page on 5xx") {
		t.Errorf("--owner ada lists bob's item:\n%s", list.stdout)
	}
	actionItem(t, srv, R, "list", "--overdue").want(t, 0, "Page on 5xx")
	actionItem(t, srv, R, "list", "--category", "response").want(t, 0, "No action items match.")
	actionItem(t, srv, R, "list", "--status", "finished").wantErr(t, 2, "unknown action item status")
	var body struct {
		Items []*arqir.ActionItem `json:"action_items"`
	}
	if err := json.Unmarshal([]byte(actionItem(t, srv, R, "list", "--incident", "INC-1", "--json").want(t, 0).stdout), &body); err != nil || len(body.Items) != 2 {
		t.Fatalf("--json: %v %+v", err, body)
	}

	actionItem(t, srv, R, "update", "1", "--due", "2025-03-24", "--owner", "bob").
		want(t, 0, "Updated due, owner of action item 1 (INC-1): owned by bob, due 2025-03-24.")
	actionItem(t, srv, R, "update", "1").wantErr(t, 2, "nothing to change")
	actionItem(t, srv, R, "update", "1", "--owner", "zed").wantErr(t, 2, "(set it with --owner)")
	actionItem(t, srv, R, "update", "1", "--title", "x", "--if-version", "1").wantErr(t, 2, "changed since version 1")
	actionItem(t, srv, R, "update", "one", "--owner", "ada").wantErr(t, 2, `"one" is not an action item ID`)
	actionItem(t, srv, srv.Viewer, "show", "1").want(t, 0, "Action item 1 of INC-1: Alert on pool exhaustion", "Owner:       bob", "Due:         2025-03-24", "Runbook:     memory_leak")

	actionItem(t, srv, R, "done", "1").want(t, 0, `Action item 1 of INC-1 is done: "Alert on pool exhaustion".`)
	actionItem(t, srv, R, "cancel", "2").want(t, 0, "Action item 2 of INC-1 is cancelled")
	actionItem(t, srv, R, "done", "99").wantErr(t, 2, "no action item 99")
	actionItem(t, srv, R, "list", "--status", "open").want(t, 0, "No action items match.")
	actionItem(t, srv, R, "close", "1").wantErr(t, 2, `unknown action-item command "close"`)

	srv.Advance(time.Hour)
	if it, err := srv.Store.ActionItem(t.Context(), 1); err != nil || it.Status != arqir.ActionItemDone || it.Owner != "bob" {
		t.Fatalf("%+v %v", it, err)
	}
}
