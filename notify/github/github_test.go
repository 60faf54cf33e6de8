package github_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/fake/fault"
	fakegh "github.com/arqir/arqir/fake/github"
	"github.com/arqir/arqir/notify"
	"github.com/arqir/arqir/notify/github"
)

// token is distinctive so a leak into any error text is found.
const token = "ghp_s3cretTOKENvalue0123456789"

const repo = "acme/ops"

func setup(t *testing.T) (*fakegh.Server, *github.Notifier) {
	t.Helper()
	srv := fakegh.New(token, repo)
	t.Cleanup(srv.Close)
	return srv, notifier(t, srv.URL(), token)
}

func notifier(t *testing.T, base, tok string) *github.Notifier {
	t.Helper()
	n, err := github.New(github.Config{BaseURL: base, Token: tok, Repo: repo})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var due = time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)

func item() *arqir.ActionItem {
	return &arqir.ActionItem{
		ID: 17, IncidentID: 42, Category: "prevention", Title: "Add a memory alert",
		Description: "Alert at 80% heap for 5 minutes.", Owner: "ada", DueOn: due,
		Status: arqir.ActionItemOpen, Runbook: "memory_leak",
	}
}

// job is a tracker sync of the item, at attempt number attempt.
func job(it *arqir.ActionItem, attempt int) *notify.Job {
	key := fmt.Sprintf("INC-42/tracker_sync/github/%d/%s", it.ID, it.Status)
	return &notify.Job{
		Notification: &arqir.Notification{
			ID: 9, IncidentID: 42, Key: key, Purpose: arqir.PurposeTrackerSync, Target: "github",
			Channel: arqir.ChannelGitHub, Attempts: attempt,
			Message: arqir.Message{IncidentID: 42, Title: "Checkout down", URL: "https://arqir.example/incidents/42", ActionItem: it},
		},
		IdempotencyKey: key,
	}
}

func TestT6_FileActionItemAsIssue(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	if n.Channel() != arqir.ChannelGitHub {
		t.Fatalf("channel %q", n.Channel())
	}
	r, err := n.Notify(context.Background(), job(item(), 1))
	if err != nil {
		t.Fatal(err)
	}
	issues := srv.Issues(repo)
	if len(issues) != 1 {
		t.Fatalf("%d issues", len(issues))
	}
	is := issues[0]
	if r.Ref != is.HTMLURL || r.Refs["github_issue:17"] != is.HTMLURL || len(r.Refs) != 1 {
		t.Errorf("receipt %+v, issue %s", r, is.HTMLURL)
	}
	if is.Title != "[INC-42] Add a memory alert" {
		t.Errorf("title %q", is.Title)
	}
	var labels []string
	for _, l := range is.Labels {
		labels = append(labels, l.Name)
	}
	if strings.Join(labels, ",") != "arqir,incident-follow-up,prevention" {
		t.Errorf("labels %v", labels)
	}
	for _, want := range []string{
		"[INC-42](https://arqir.example/incidents/42): Checkout down", "**Category:** prevention", "**Owner:** ada",
		"**Due:** 2026-12-15", "**Runbook to update:** memory_leak", "Alert at 80% heap for 5 minutes.",
		"<!-- arqir-action-item: 17 -->", "<!-- arqir-idempotency-key: INC-42%2Ftracker_sync%2Fgithub%2F17%2Fopen -->",
	} {
		if !strings.Contains(*is.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, *is.Body)
		}
	}
	req := srv.Requests()[0]
	if req.Auth != "Bearer" || req.Accept != "application/vnd.github+json" || req.APIVersion != github.APIVersion || req.UserAgent == "" {
		t.Errorf("request %+v", req)
	}

	// An item that already has its issue is not filed again: an open item
	// (reopened in arqir) opens its issue again instead.
	filed := item()
	filed.TrackerURL = is.HTMLURL
	if r, err := n.Notify(context.Background(), job(filed, 1)); err != nil || r.Ref != is.HTMLURL {
		t.Fatalf("%+v %v", r, err)
	}
	if len(srv.Issues(repo)) != 1 {
		t.Fatal("an item with a tracker URL was filed again")
	}
	// An item whose first filing never recorded its link is found by its
	// marker instead of being filed twice.
	if r, err := n.Notify(context.Background(), job(item(), 1)); err != nil || r.Ref != is.HTMLURL || len(srv.Issues(repo)) != 1 {
		t.Fatalf("refiling an item without its link: %+v %v, %d issues", r, err, len(srv.Issues(repo)))
	}
}

func TestT6_CloseIssueWithTheItem(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	ctx := context.Background()
	for _, c := range []struct {
		status arqir.ActionItemStatus
		reason string
	}{{arqir.ActionItemDone, "completed"}, {arqir.ActionItemCancelled, "not_planned"}} {
		r, err := n.Notify(ctx, job(item(), 1))
		if err != nil {
			t.Fatal(err)
		}
		closed := item()
		closed.Status, closed.TrackerURL = c.status, r.Ref
		got, err := n.Notify(ctx, job(closed, 1))
		if err != nil || got.Ref != r.Ref {
			t.Fatalf("close: %+v %v", got, err)
		}
		number := len(srv.Issues(repo))
		is, _ := srv.Issue(repo, number)
		if is.State != "closed" || is.StateReason == nil || *is.StateReason != c.reason {
			t.Errorf("%s: issue %s %v", c.status, is.State, is.StateReason)
		}
	}
}

// An item closed before its issue's link was recorded finds the issue by
// the marker in its body; with no issue yet, closing is retried later.
func TestT6_CloseWithoutTheLink(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	ctx := context.Background()
	done := item()
	done.Status = arqir.ActionItemDone
	_, err := n.Notify(ctx, job(done, 1))
	if e := notify.AsError(err); err == nil || !e.Retryable || e.RetryAfter < time.Minute {
		t.Fatalf("closing an item with no issue yet: %v", err)
	}
	r, err := n.Notify(ctx, job(item(), 1))
	if err != nil {
		t.Fatal(err)
	}
	got, err := n.Notify(ctx, job(done, 2))
	if err != nil || got.Ref != r.Ref || got.Refs["github_issue:17"] != r.Ref {
		t.Fatalf("%+v %v", got, err)
	}
	if is, _ := srv.Issue(repo, 1); is.State != "closed" {
		t.Fatalf("issue %+v", is)
	}
}

// GitHub has no idempotency key: a retry after an answer that may hide a
// filed issue (here a 500 GitHub sent after filing it) finds that issue by
// the key in its body instead of filing a second one.
func TestT6_RetryAfter500FilesOneIssue(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	var failed atomic.Bool
	target, _ := url.Parse(srv.URL())
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out, _ := http.NewRequest(r.Method, target.String()+r.URL.RequestURI(), r.Body)
		out.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(out)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if r.Method == "POST" && failed.CompareAndSwap(false, true) {
			http.Error(w, `{"message":"Server Error"}`, http.StatusInternalServerError) // filed, but the answer is lost
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	}))
	t.Cleanup(proxy.Close)
	n := notifier(t, proxy.URL, token)
	ctx := context.Background()

	_, err := n.Notify(ctx, job(item(), 1))
	if e := notify.AsError(err); err == nil || !e.Retryable {
		t.Fatalf("first attempt: %v", err)
	}
	// Another item's issue, filed in between, is not mistaken for it.
	other := item()
	other.ID, other.Title = 18, "Something else"
	if _, err := n.Notify(ctx, job(other, 1)); err != nil {
		t.Fatal(err)
	}
	r, err := n.Notify(ctx, job(item(), 2))
	if err != nil {
		t.Fatal(err)
	}
	issues := srv.Issues(repo)
	if len(issues) != 2 || r.Ref != issues[0].HTMLURL {
		t.Fatalf("receipt %s, issues %+v", r.Ref, issues)
	}
}

// A 500 before anything was filed, and a hang cut by the timeout, are
// retried; the retry files the one issue.
func TestT6_RetryableFailures(t *testing.T) {
	t.Parallel()
	srv := fakegh.New(token, repo)
	t.Cleanup(srv.Close)
	n, err := github.New(github.Config{BaseURL: srv.URL(), Token: token, Repo: repo, HTTPClient: &http.Client{Timeout: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv.Faults.Next(fault.ServerError, 1, 0)
	_, err = n.Notify(ctx, job(item(), 1))
	if e := notify.AsError(err); err == nil || !e.Retryable || e.Ambiguous {
		t.Fatalf("500: %v", err)
	}
	srv.Faults.Next(fault.Hang, 1, 0)
	_, err = n.Notify(ctx, job(item(), 2))
	if e := notify.AsError(err); err == nil || !e.Retryable || !e.Ambiguous {
		t.Fatalf("hang: %v", err)
	}
	srv.Faults.Release()
	if _, err := n.Notify(ctx, job(item(), 3)); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Issues(repo)); got != 1 {
		t.Fatalf("%d issues", got)
	}
}

func TestT6_RateLimits(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	ctx := context.Background()
	reset := time.Now().Add(20 * time.Minute)
	srv.ExhaustRateLimit(1, reset)
	_, err := n.Notify(ctx, job(item(), 1))
	e := notify.AsError(err)
	if err == nil || !e.Retryable || e.RetryAfter < 15*time.Minute || e.RetryAfter > 21*time.Minute || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("primary rate limit: %v (retry after %s)", err, e.RetryAfter)
	}
	srv.Faults.Next(fault.RateLimit, 1, 42*time.Second)
	_, err = n.Notify(ctx, job(item(), 2))
	if e := notify.AsError(err); err == nil || !e.Retryable || e.RetryAfter != 42*time.Second {
		t.Fatalf("429: %v", err)
	}
	if got := len(srv.Issues(repo)); got != 0 {
		t.Fatalf("%d issues filed while rate limited", got)
	}
}

func TestT6_PermanentRefusals(t *testing.T) {
	t.Parallel()
	srv := fakegh.New(token, repo)
	t.Cleanup(srv.Close)
	ctx := context.Background()

	_, err := notifier(t, srv.URL(), "ghp_wrongTOKEN").Notify(ctx, job(item(), 1))
	wantPermanent(t, err, "Bad credentials", "set a valid token")
	if strings.Contains(err.Error(), "ghp_wrongTOKEN") {
		t.Errorf("the token is in the error: %v", err)
	}

	n, err := github.New(github.Config{BaseURL: srv.URL(), Token: token, Repo: "acme/missing"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Notify(ctx, job(item(), 1))
	wantPermanent(t, err, "404", "acme/missing")

	good := notifier(t, srv.URL(), token)
	other := item()
	other.Status, other.TrackerURL = arqir.ActionItemDone, "https://github.com/someone/else/issues/3"
	_, err = good.Notify(ctx, job(other, 1))
	wantPermanent(t, err, "not an issue of acme/ops")

	j := job(item(), 1)
	j.Notification.Purpose = arqir.PurposePage
	_, err = good.Notify(ctx, j)
	wantPermanent(t, err, "action items only")
	j = job(item(), 1)
	j.Notification.Message.ActionItem = nil
	_, err = good.Notify(ctx, j)
	wantPermanent(t, err, "no action item")
	if len(srv.Issues(repo)) != 0 {
		t.Fatal("a refused notification filed an issue")
	}
}

// Every answer GitHub may give is classified, and no error text carries
// the token, even when the answer repeats it.
func TestT6_ClassifyAnswersWithoutLeakingTheToken(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status    int
		header    map[string]string
		body      string
		retryable bool
		after     time.Duration
		says      string
	}{
		{401, nil, `{"message":"Bad credentials ` + token + `"}`, false, 0, "set a valid token"},
		{403, nil, `{"message":"Resource not accessible by personal access token"}`, false, 0, "write access"},
		{403, map[string]string{"Retry-After": "90"}, `{"message":"You have exceeded a secondary rate limit"}`, true, 90 * time.Second, "rate limit"},
		{403, nil, `{"message":"You have exceeded a secondary rate limit"}`, true, time.Minute, "rate limit"},
		{429, nil, `{"message":"too many"}`, true, time.Minute, "rate limit"},
		{404, nil, `{"message":"Not Found"}`, false, 0, "does not exist"},
		{410, nil, `{"message":"Issues are disabled for this repo"}`, false, 0, "issues are disabled"},
		{422, nil, `{"message":"Validation Failed","errors":[{"resource":"Issue","code":"custom","field":"title","message":"title is too long"}]}`, false, 0, "title is too long"},
		{301, map[string]string{"Location": "/repositories/1"}, `{"message":"Moved Permanently"}`, false, 0, "moved"},
		{500, nil, "oops " + token, true, 0, "GitHub failed"},
		{502, map[string]string{"Retry-After": "7"}, "bad gateway", true, 7 * time.Second, "GitHub failed"},
		{418, nil, "teapot", false, 0, "check the base URL"},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for k, v := range c.header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(c.status)
			_, _ = io.WriteString(w, c.body)
		}))
		_, err := notifier(t, srv.URL, token).Notify(context.Background(), job(item(), 1))
		srv.Close()
		if err == nil {
			t.Errorf("%d: no error", c.status)
			continue
		}
		e := notify.AsError(err)
		if e.Retryable != c.retryable || e.RetryAfter != c.after || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%d: retryable %v after %s: %v", c.status, e.Retryable, e.RetryAfter, err)
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("%d: the token is in the error: %v", c.status, err)
		}
	}
	// A server that is not there: retryable, not ambiguous, no token.
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	_, err := notifier(t, base, token).Notify(context.Background(), job(item(), 1))
	if e := notify.AsError(err); err == nil || !e.Retryable || strings.Contains(err.Error(), token) {
		t.Fatalf("unreachable: %v", err)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		c    github.Config
		says string
	}{
		{github.Config{Repo: repo}, "token is empty"},
		{github.Config{Token: token, Repo: "acme"}, "owner/name"},
		{github.Config{Token: token, Repo: "acme/ops/x"}, "owner/name"},
		{github.Config{Token: token, Repo: repo, BaseURL: "ftp://x/" + token}, "base URL"},
	}
	for _, c := range cases {
		_, err := github.New(c.c)
		if err == nil || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), token) {
			t.Errorf("%+v: %v", c.c.Repo, err)
		}
	}
	if _, err := github.New(github.Config{Token: token, Repo: repo}); err != nil {
		t.Fatalf("defaults: %v", err)
	}
}

func wantPermanent(t *testing.T, err error, says ...string) {
	t.Helper()
	var e *notify.Error
	if err == nil || !errors.As(err, &e) || e.Retryable {
		t.Fatalf("want a permanent error, got %v", err)
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q: %v", s, err)
		}
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("the token is in the error: %v", err)
	}
}

// A retry matches only an issue whose footer, which arqir writes last,
// carries its key: another item's issue whose description quotes that key
// is not mistaken for it.
func TestT6_RetryIgnoresAQuotedKey(t *testing.T) {
	t.Parallel()
	srv, n := setup(t)
	ctx := context.Background()
	quoting := item()
	quoting.ID = 18
	quoting.Description = "Same as the other one:\n\n---\n<!-- arqir-idempotency-key: INC-42%2Ftracker_sync%2Fgithub%2F17%2Fopen -->"
	if _, err := n.Notify(ctx, job(quoting, 1)); err != nil {
		t.Fatal(err)
	}
	r, err := n.Notify(ctx, job(item(), 2))
	if err != nil {
		t.Fatal(err)
	}
	issues := srv.Issues(repo)
	if len(issues) != 2 || r.Ref != issues[1].HTMLURL {
		t.Fatalf("receipt %s for %d issues: the quoted key was taken for the item's own", r.Ref, len(issues))
	}
}
