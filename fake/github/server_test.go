package github_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arqir/arqir/fake/fault"
	"github.com/arqir/arqir/fake/github"
)

const token = "ghp_faketoken123"

func setup(t *testing.T) *github.Server {
	t.Helper()
	s := github.New(token, "acme/ops")
	t.Cleanup(s.Close)
	return s
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url, auth, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", github.APIVersion)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

func (a answer) want(t *testing.T, status int) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	return a
}

func (a answer) issue(t *testing.T) github.Issue {
	t.Helper()
	var is github.Issue
	if err := json.Unmarshal(a.body, &is); err != nil {
		t.Fatalf("%v: %s", err, a.body)
	}
	return is
}

func (a answer) errorBody(t *testing.T) github.ErrorBody {
	t.Helper()
	var e github.ErrorBody
	if err := json.Unmarshal(a.body, &e); err != nil {
		t.Fatalf("%v: %s", err, a.body)
	}
	return e
}

func TestCreateIssue(t *testing.T) {
	t.Parallel()
	s := setup(t)
	a := do(t, "POST", s.URL()+"/repos/acme/ops/issues", "Bearer "+token,
		`{"title":"[INC-1] Add alerting","body":"details","labels":["arqir",{"name":"prevention"}]}`).want(t, http.StatusCreated)
	is := a.issue(t)
	switch {
	case is.Number != 1 || is.State != "open" || is.Title != "[INC-1] Add alerting" || *is.Body != "details":
		t.Errorf("issue %+v", is)
	case is.HTMLURL != s.URL()+"/acme/ops/issues/1" || is.URL != s.URL()+"/repos/acme/ops/issues/1":
		t.Errorf("urls %q %q", is.HTMLURL, is.URL)
	case len(is.Labels) != 2 || is.Labels[0].Name != "arqir" || is.Labels[1].Name != "prevention":
		t.Errorf("labels %+v", is.Labels)
	case is.User.Login != github.TokenOwner || is.StateReason != nil || is.ClosedAt != nil:
		t.Errorf("issue %+v", is)
	case a.header.Get("Location") != is.URL:
		t.Errorf("Location %q", a.header.Get("Location"))
	case a.header.Get("x-ratelimit-limit") != "5000" || a.header.Get("x-ratelimit-remaining") == "0":
		t.Errorf("rate headers %v", a.header)
	}
	// "token" is GitHub's older scheme, still accepted.
	do(t, "POST", s.URL()+"/repos/ACME/ops/issues", "token "+token, `{"title":42}`).want(t, http.StatusCreated)
	if got := s.Issues("acme/ops"); len(got) != 2 || got[1].Title != "42" || got[1].Number != 2 {
		t.Fatalf("issues %+v", got)
	}
	r := s.Requests()[0]
	if r.Method != "POST" || r.Path != "/repos/acme/ops/issues" || r.Auth != "Bearer" || r.Accept != "application/vnd.github+json" || r.APIVersion != github.APIVersion {
		t.Errorf("request %+v", r)
	}
	page := do(t, "GET", is.HTMLURL, "", "").want(t, http.StatusOK)
	if !strings.Contains(string(page.body), "[INC-1] Add alerting") {
		t.Errorf("page %s", page.body)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	s := setup(t)
	issues := s.URL() + "/repos/acme/ops/issues"
	cases := []struct {
		name, url, auth, body string
		status                int
		message               string
		field                 string
	}{
		{"no credentials", issues, "", `{"title":"x"}`, 401, "Requires authentication", ""},
		{"bad credentials", issues, "Bearer nope", `{"title":"x"}`, 401, "Bad credentials", ""},
		{"bad scheme", issues, "Basic " + token, `{"title":"x"}`, 401, "Bad credentials", ""},
		{"unknown repo", s.URL() + "/repos/acme/other/issues", "Bearer " + token, `{"title":"x"}`, 404, "Not Found", ""},
		{"missing title", issues, "Bearer " + token, `{"body":"x"}`, 422, "Validation Failed", "title"},
		{"blank title", issues, "Bearer " + token, `{"title":"  "}`, 422, "Validation Failed", "title"},
		{"long title", issues, "Bearer " + token, `{"title":"` + strings.Repeat("x", 257) + `"}`, 422, "Validation Failed", "title"},
		{"bad json", issues, "Bearer " + token, `{"title":`, 400, "Problems parsing JSON", ""},
		{"unknown issue", issues + "/9", "Bearer " + token, `{"state":"closed"}`, 404, "Not Found", ""},
	}
	for _, c := range cases {
		method := "POST"
		if strings.HasSuffix(c.url, "/9") {
			method = "PATCH"
		}
		a := do(t, method, c.url, c.auth, c.body)
		if a.status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, a.status, c.status, a.body)
			continue
		}
		e := a.errorBody(t)
		if e.Message != c.message || e.DocumentationURL == "" || e.Status != strconv.Itoa(c.status) {
			t.Errorf("%s: %+v", c.name, e)
		}
		if c.field != "" && (len(e.Errors) != 1 || e.Errors[0].Field != c.field || e.Errors[0].Resource != "Issue") {
			t.Errorf("%s: errors %+v", c.name, e.Errors)
		}
	}
	if got := s.Issues("acme/ops"); len(got) != 0 {
		t.Fatalf("refused requests filed %d issues", len(got))
	}
	req, _ := http.NewRequest("POST", issues, strings.NewReader(`{"title":"x"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-GitHub-Api-Version", "1999-01-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("unsupported API version: %d", resp.StatusCode)
	}
}

func TestCloseListAndWebhooks(t *testing.T) {
	t.Parallel()
	s := setup(t)
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, b)
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)
	ping, err := s.AddHook("acme/ops", receiver.URL, "hook-secret")
	if err != nil || ping.Status != 200 || ping.Event != "ping" {
		t.Fatalf("ping %+v %v", ping, err)
	}
	base := s.URL() + "/repos/acme/ops/issues"
	auth := "Bearer " + token
	for _, title := range []string{"one", "two", "three"} {
		do(t, "POST", base, auth, `{"title":"`+title+`","labels":["arqir"]}`).want(t, 201)
	}
	do(t, "POST", base, auth, `{"title":"unlabelled"}`).want(t, 201)

	closed := do(t, "PATCH", base+"/2", auth, `{"state":"closed","state_reason":"not_planned"}`).want(t, 200).issue(t)
	if closed.State != "closed" || *closed.StateReason != "not_planned" || closed.ClosedAt == nil || closed.ClosedBy.Login != github.TokenOwner {
		t.Fatalf("closed %+v", closed)
	}
	// Closing again is accepted and sends no second event.
	do(t, "PATCH", base+"/2", auth, `{"state":"closed"}`).want(t, 200)
	do(t, "PATCH", base+"/1", auth, `{"state":"shut"}`).want(t, 422)
	do(t, "PATCH", base+"/1", auth, `{"state":"closed","state_reason":"done"}`).want(t, 422)
	if is, _ := s.Issue("acme/ops", 1); is.State != "open" {
		t.Fatalf("a refused close changed the issue: %+v", is)
	}
	if _, err := s.CloseIssue("acme/ops", 3, "completed", "ada"); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	if len(got) != 3 {
		t.Fatalf("%d deliveries, want ping and two closes", len(got))
	}
	for i, r := range got {
		if r.Header.Get("X-Hub-Signature-256") != github.Signature256("hook-secret", bodies[i]) || r.Header.Get("X-GitHub-Delivery") == "" {
			t.Errorf("delivery %d headers %v", i, r.Header)
		}
	}
	var ev struct {
		Action string       `json:"action"`
		Issue  github.Issue `json:"issue"`
		Sender github.User  `json:"sender"`
		Repo   struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(bodies[2], &ev); err != nil {
		t.Fatal(err)
	}
	if got[2].Header.Get("X-GitHub-Event") != "issues" || ev.Action != "closed" || ev.Issue.Number != 3 || *ev.Issue.StateReason != "completed" || ev.Sender.Login != "ada" || ev.Repo.FullName != "acme/ops" {
		t.Errorf("closed event %+v", ev)
	}
	mu.Unlock()

	list := func(query string) []github.Issue {
		t.Helper()
		var out []github.Issue
		a := do(t, "GET", base+"?"+query, auth, "").want(t, 200)
		if err := json.Unmarshal(a.body, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	numbers := func(is []github.Issue) string {
		var s []string
		for _, i := range is {
			s = append(s, strconv.Itoa(i.Number))
		}
		return strings.Join(s, ",")
	}
	if n := numbers(list("")); n != "4,1" {
		t.Errorf("open issues %s", n)
	}
	if n := numbers(list("state=all&labels=arqir&per_page=50")); n != "3,2,1" {
		t.Errorf("labelled %s", n)
	}
	if n := numbers(list("state=closed&direction=asc")); n != "2,3" {
		t.Errorf("closed %s", n)
	}
	a := do(t, "GET", base+"?state=all&per_page=2", auth, "").want(t, 200)
	if !strings.Contains(a.header.Get("Link"), `rel="next"`) {
		t.Errorf("Link %q", a.header.Get("Link"))
	}
	if n := numbers(list("state=all&per_page=2&page=2")); n != "2,1" {
		t.Errorf("page 2 %s", n)
	}
	do(t, "GET", base+"?state=bogus", auth, "").want(t, 422)
	do(t, "GET", base+"/3", auth, "").want(t, 200)
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	s := setup(t)
	base := s.URL() + "/repos/acme/ops/issues"
	reset := time.Now().Add(10 * time.Minute).Truncate(time.Second)
	s.ExhaustRateLimit(1, reset)
	a := do(t, "POST", base, "Bearer "+token, `{"title":"x"}`).want(t, 403)
	if a.header.Get("x-ratelimit-remaining") != "0" || a.header.Get("x-ratelimit-reset") != strconv.FormatInt(reset.Unix(), 10) {
		t.Errorf("headers %v", a.header)
	}
	if !strings.Contains(a.errorBody(t).Message, "API rate limit exceeded") {
		t.Errorf("body %s", a.body)
	}
	s.Faults.Next(fault.RateLimit, 1, 30*time.Second)
	a = do(t, "POST", base, "Bearer "+token, `{"title":"x"}`).want(t, 429)
	if a.header.Get("Retry-After") != "30" || a.header.Get("x-ratelimit-remaining") != "0" {
		t.Errorf("headers %v", a.header)
	}
	do(t, "POST", base, "Bearer "+token, `{"title":"x"}`).want(t, 201)
	if n := len(s.Issues("acme/ops")); n != 1 {
		t.Fatalf("%d issues", n)
	}
}
