package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	fakegh "github.com/arqir/arqir/fake/github"
	"github.com/arqir/arqir/internal/testserver"
)

const (
	ghToken  = "ghp_token_for_tests"
	ghSecret = "webhook-secret"
	ghRepo   = "acme/ops"
)

// gitHubSetup is arqir with GitHub webhooks configured, a fake GitHub with
// a hook pointing at it, and an open action item owned by ada.
func gitHubSetup(t *testing.T) (*testserver.Server, *fakegh.Server, *arqir.ActionItem) {
	t.Helper()
	srv := testserver.New(t, func(c *api.Config) { c.GitHubWebhookSecret = ghSecret })
	gh := fakegh.New(ghToken, ghRepo)
	t.Cleanup(gh.Close)
	ping, err := gh.AddHook(ghRepo, srv.URL+"/api/v1/github/webhook", ghSecret)
	if err != nil {
		t.Fatal(err)
	}
	if ping.Status != http.StatusOK || !strings.Contains(ping.Response, `"pong"`) {
		t.Fatalf("ping: %d %s", ping.Status, ping.Response)
	}
	addPerson(t, srv, "ada", "ada@example.com")
	inc := resolvedIncident(t, srv)
	it := fileItem(t, srv, inc, `{"category":"prevention","title":"Alert on heap growth","owner":"ada","due_on":"2025-03-17"}`)
	return srv, gh, it
}

// fileIssue files an issue on the fake with the body and, when item is
// not nil, records it as the item's tracker link (what the notifier's
// receipt leads to).
func fileIssue(t *testing.T, srv *testserver.Server, gh *fakegh.Server, body string, item *arqir.ActionItem) fakegh.Issue {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"title": "[INC-1] follow-up", "body": body, "labels": []string{"arqir"}})
	req, _ := http.NewRequest("POST", gh.URL()+"/repos/"+ghRepo+"/issues", strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+ghToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var is fakegh.Issue
	if err := json.NewDecoder(resp.Body).Decode(&is); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("file an issue: %d %v", resp.StatusCode, err)
	}
	if item != nil {
		if err := srv.Store.SetActionItemTrackerURL(context.Background(), item.ID, is.HTMLURL); err != nil {
			t.Fatal(err)
		}
	}
	return is
}

// marker is what notify/github writes in the body of an item's issue.
func marker(it *arqir.ActionItem) string {
	return "Filed by arqir.\n\n---\n<!-- arqir-action-item: " + strconv.FormatInt(it.ID, 10) + " -->"
}

// webhookReply decodes the answer arqir gave a delivery.
func webhookReply(t *testing.T, d fakegh.Delivery) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(d.Response), &m); err != nil {
		t.Fatalf("delivery answered %d %q: %v", d.Status, d.Response, err)
	}
	return m
}

func storedItem(t *testing.T, srv *testserver.Server, id int64) *arqir.ActionItem {
	t.Helper()
	it, err := srv.Store.ActionItem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// T6: closing the issue on GitHub closes the action item, as the person
// who closed it: done when completed, cancelled when not planned.
func TestT6_ClosingTheIssueClosesTheActionItem(t *testing.T) {
	t.Parallel()
	srv, gh, it := gitHubSetup(t)
	is := fileIssue(t, srv, gh, marker(it), it)
	ds, err := gh.CloseIssue(ghRepo, is.Number, "completed", "octocat")
	if err != nil || len(ds) != 1 {
		t.Fatalf("%v %+v", err, ds)
	}
	if r := webhookReply(t, ds[0]); ds[0].Status != 200 || r["result"] != "closed" || r["status"] != "done" || r["action_item"] != float64(it.ID) {
		t.Fatalf("reply %d %v", ds[0].Status, r)
	}
	if got := storedItem(t, srv, it.ID); got.Status != arqir.ActionItemDone {
		t.Fatalf("item %s", got.Status)
	}
	tl, err := srv.Store.Timeline(context.Background(), it.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	last := tl[len(tl)-1]
	if last.Kind != arqir.EventActionItemClosed || last.Actor != "github:octocat" {
		t.Errorf("last event %s by %s, want %s by github:octocat", last.Kind, last.Actor, arqir.EventActionItemClosed)
	}

	// The same close delivered again (GitHub redelivers) changes nothing.
	before := postIncidentDump(t, srv)
	redelivered := deliver(t, srv, "issues", ds[0].Payload, ghSecret).wantStatus(t, http.StatusOK)
	if !strings.Contains(string(redelivered.body), `"already_closed"`) {
		t.Errorf("redelivery: %s", redelivered.body)
	}
	unchanged(t, srv, before)

	// Closed as not planned: cancelled. An issue without arqir's marker is
	// found by its link.
	other := fileItem(t, srv, &arqir.Incident{ID: it.IncidentID}, `{"category":"detection","title":"Page on 5xx","owner":"ada","due_on":"2025-03-18"}`)
	plain := fileIssue(t, srv, gh, "written by hand", other)
	ds, _ = gh.CloseIssue(ghRepo, plain.Number, "not_planned", "mona")
	if r := webhookReply(t, ds[0]); r["result"] != "closed" || r["status"] != "cancelled" {
		t.Fatalf("reply %v", r)
	}
	if got := storedItem(t, srv, other.ID); got.Status != arqir.ActionItemCancelled {
		t.Fatalf("item %s", got.Status)
	}
}

// An issue arqir does not track, or one quoting another item's marker
// without being its issue, closes nothing; other events are ignored.
func TestT6_WebhookIgnoresWhatItDoesNotTrack(t *testing.T) {
	t.Parallel()
	srv, gh, it := gitHubSetup(t)
	fileIssue(t, srv, gh, marker(it), it) // #1 is the item's issue
	impostor := fileIssue(t, srv, gh, marker(it), nil)
	untracked := fileIssue(t, srv, gh, "nothing to do with arqir", nil)
	before := postIncidentDump(t, srv)
	for _, is := range []fakegh.Issue{impostor, untracked} {
		ds, _ := gh.CloseIssue(ghRepo, is.Number, "completed", "octocat")
		if r := webhookReply(t, ds[0]); ds[0].Status != 200 || r["result"] != "ignored" {
			t.Errorf("issue #%d: %d %v", is.Number, ds[0].Status, r)
		}
	}
	reopened := `{"action":"reopened","issue":{"number":1,"html_url":"` + gh.URL() + `/acme/ops/issues/1"},"sender":{"login":"octocat"}}`
	if r := deliver(t, srv, "issues", []byte(reopened), ghSecret).wantStatus(t, http.StatusOK); !strings.Contains(string(r.body), `"ignored"`) {
		t.Errorf("reopened: %s", r.body)
	}
	if r := deliver(t, srv, "push", []byte(`{"ref":"refs/heads/main"}`), ghSecret).wantStatus(t, http.StatusOK); !strings.Contains(string(r.body), `"ignored"`) {
		t.Errorf("push: %s", r.body)
	}
	unchanged(t, srv, before)
	if got := storedItem(t, srv, it.ID); got.Status != arqir.ActionItemOpen {
		t.Fatalf("item %s", got.Status)
	}
}

// deliver posts a webhook signed with secret.
func deliver(t *testing.T, srv *testserver.Server, event string, payload []byte, secret string) reply {
	t.Helper()
	return call(t, srv, "POST", "/api/v1/github/webhook", "", string(payload),
		"X-GitHub-Event", event, "X-Hub-Signature-256", fakegh.Signature256(secret, payload), "Content-Type", "application/json")
}

func TestT6_WebhookRefusals(t *testing.T) {
	t.Parallel()
	srv, gh, it := gitHubSetup(t)
	is := fileIssue(t, srv, gh, marker(it), it)
	closed := []byte(`{"action":"closed","issue":{"number":` + strconv.Itoa(is.Number) + `,"html_url":"` + is.HTMLURL + `","state":"closed","state_reason":"completed"},"sender":{"login":"mallory"}}`)
	before := postIncidentDump(t, srv)

	e := deliver(t, srv, "issues", closed, "not-the-secret").wantError(t, http.StatusUnauthorized, "")
	if !strings.Contains(e.Error.Message, "X-Hub-Signature-256") {
		t.Errorf("message %q", e.Error.Message)
	}
	call(t, srv, "POST", "/api/v1/github/webhook", "", string(closed), "X-GitHub-Event", "issues").wantStatus(t, http.StatusUnauthorized)
	call(t, srv, "POST", "/api/v1/github/webhook", "", string(closed), "X-GitHub-Event", "issues",
		"X-Hub-Signature-256", "sha256=zz").wantStatus(t, http.StatusUnauthorized)
	// Signed, but not a webhook.
	call(t, srv, "POST", "/api/v1/github/webhook", "", string(closed),
		"X-Hub-Signature-256", fakegh.Signature256(ghSecret, closed)).wantError(t, http.StatusBadRequest, "X-GitHub-Event")
	deliver(t, srv, "issues", []byte("action=closed"), ghSecret).wantStatus(t, http.StatusBadRequest)
	unchanged(t, srv, before)

	// Without a secret the route does not exist.
	bare := testserver.New(t)
	bare404 := call(t, bare, "POST", "/api/v1/github/webhook", "", string(closed), "X-GitHub-Event", "issues",
		"X-Hub-Signature-256", fakegh.Signature256(ghSecret, closed)).wantStatus(t, http.StatusNotFound)
	if !strings.Contains(bare404.errorBody(t).Error.Message, "not configured") {
		t.Errorf("404 %s", bare404.body)
	}
}
