package github

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits GitHub puts on an issue's text.
const (
	MaxTitle = 256
	MaxBody  = 65536
)

// Issue is GitHub's issue object, as the REST API answers it (the fields
// a client of issues reads; pull-request and reaction fields are left out).
type Issue struct {
	ID                int64      `json:"id"`
	NodeID            string     `json:"node_id"`
	URL               string     `json:"url"`
	RepositoryURL     string     `json:"repository_url"`
	HTMLURL           string     `json:"html_url"`
	Number            int        `json:"number"`
	State             string     `json:"state"`        // open or closed
	StateReason       *string    `json:"state_reason"` // completed, not_planned, reopened or null
	Title             string     `json:"title"`
	Body              *string    `json:"body"`
	User              User       `json:"user"`
	Labels            []Label    `json:"labels"`
	Assignees         []User     `json:"assignees"`
	Locked            bool       `json:"locked"`
	Comments          int        `json:"comments"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	ClosedAt          *time.Time `json:"closed_at"`
	ClosedBy          *User      `json:"closed_by"`
	AuthorAssociation string     `json:"author_association"`
}

// User is the part of GitHub's simple-user the fake fills.
type User struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"` // User or Bot
}

// Label is an issue label.
type Label struct {
	ID          int64  `json:"id"`
	NodeID      string `json:"node_id"`
	URL         string `json:"url"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	Default     bool   `json:"default"`
	Description string `json:"description"`
}

// repository holds one repository's issues and labels; guarded by Server.mu.
type repository struct {
	id          int64
	owner, name string
	issues      []*Issue
	labels      map[string]Label // by lower-case name
}

func (r *repository) fullName() string { return r.owner + "/" + r.name }

// botUser is the author of issues filed through the API.
var botUser = User{Login: TokenOwner, ID: 1, Type: "User"}

// Issues returns a copy of the issues of a repository, oldest first.
func (s *Server) Issues(repo string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repos[strings.ToLower(repo)]
	if r == nil {
		return nil
	}
	out := make([]Issue, len(r.issues))
	for i, is := range r.issues {
		out[i] = copyIssue(is)
	}
	return out
}

// Issue returns one issue of a repository.
func (s *Server) Issue(repo string, number int) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is := s.issueLocked(repo, number); is != nil {
		return copyIssue(is), true
	}
	return Issue{}, false
}

func (s *Server) issueLocked(repo string, number int) *Issue {
	r := s.repos[strings.ToLower(repo)]
	if r == nil || number < 1 || number > len(r.issues) {
		return nil
	}
	return r.issues[number-1]
}

func copyIssue(is *Issue) Issue {
	c := *is
	c.Labels = slices.Clone(is.Labels)
	c.Assignees = slices.Clone(is.Assignees)
	return c
}

// repoOf finds the repository of the path, or answers 404 as GitHub does
// for a repository that does not exist or that the token cannot see.
func (s *Server) repoOf(w http.ResponseWriter, r *http.Request, doc string) *repository {
	s.mu.Lock()
	repo := s.repos[strings.ToLower(r.PathValue("owner")+"/"+r.PathValue("repo"))]
	s.mu.Unlock()
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
	}
	return repo
}

// issueInput is the body of create and update; title may be a string or a
// number, labels strings or objects with a name.
type issueInput struct {
	Title       json.RawMessage   `json:"title"`
	Body        *string           `json:"body"`
	State       *string           `json:"state"`
	StateReason json.RawMessage   `json:"state_reason"`
	Labels      []json.RawMessage `json:"labels"`
	Assignees   []string          `json:"assignees"`
}

// readInput decodes a request body, answering 400 for malformed JSON.
func readInput(w http.ResponseWriter, r *http.Request, doc string) (*issueInput, bool) {
	var in issueInput
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
		return nil, false
	}
	return &in, true
}

// title reads the title: absent (ok false) or its text; a value that is
// neither a string nor a number is invalid.
func (in *issueInput) title() (title string, present bool, err *ValidationError) {
	raw := bytes.TrimSpace(in.Title)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, nil
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str, true, nil
	}
	var num json.Number
	if json.Unmarshal(raw, &num) == nil {
		return num.String(), true, nil
	}
	return "", true, &ValidationError{Resource: "Issue", Code: "invalid", Field: "title", Message: "title is not a string or integer"}
}

// labelNames reads labels given as names or as {"name": …} objects.
func (in *issueInput) labelNames() ([]string, *ValidationError) {
	var names []string
	for _, raw := range in.Labels {
		var name string
		if json.Unmarshal(raw, &name) != nil {
			var obj struct {
				Name string `json:"name"`
			}
			if json.Unmarshal(raw, &obj) != nil || obj.Name == "" {
				return nil, &ValidationError{Resource: "Label", Code: "invalid", Field: "labels"}
			}
			name = obj.Name
		}
		if strings.TrimSpace(name) == "" {
			return nil, &ValidationError{Resource: "Label", Code: "invalid", Field: "name"}
		}
		names = append(names, name)
	}
	return names, nil
}

// textErrors checks the lengths GitHub enforces.
func textErrors(title string, body *string) []ValidationError {
	var errs []ValidationError
	if utf8.RuneCountInString(title) > MaxTitle {
		errs = append(errs, ValidationError{Resource: "Issue", Code: "custom", Field: "title", Message: fmt.Sprintf("title is too long (maximum is %d characters)", MaxTitle)})
	}
	if body != nil && utf8.RuneCountInString(*body) > MaxBody {
		errs = append(errs, ValidationError{Resource: "Issue", Code: "custom", Field: "body", Message: fmt.Sprintf("body is too long (maximum is %d characters)", MaxBody)})
	}
	return errs
}

// handleCreate files an issue: POST /repos/{owner}/{repo}/issues.
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	repo := s.repoOf(w, r, docCreate)
	if repo == nil {
		return
	}
	in, ok := readInput(w, r, docCreate)
	if !ok {
		return
	}
	title, present, bad := in.title()
	var errs []ValidationError
	switch {
	case bad != nil:
		errs = append(errs, *bad)
	case !present || strings.TrimSpace(title) == "":
		errs = append(errs, ValidationError{Resource: "Issue", Code: "missing_field", Field: "title"})
	}
	errs = append(errs, textErrors(title, in.Body)...)
	labels, badLabel := in.labelNames()
	if badLabel != nil {
		errs = append(errs, *badLabel)
	}
	if len(errs) > 0 {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docCreate, errs...)
		return
	}

	s.mu.Lock()
	now := s.now().UTC().Truncate(time.Second)
	s.nextID++
	number := len(repo.issues) + 1
	is := &Issue{
		ID:                s.nextID,
		NodeID:            fmt.Sprintf("I_fake%d", s.nextID),
		URL:               fmt.Sprintf("%s/repos/%s/issues/%d", s.srv.URL, repo.fullName(), number),
		RepositoryURL:     fmt.Sprintf("%s/repos/%s", s.srv.URL, repo.fullName()),
		HTMLURL:           fmt.Sprintf("%s/%s/issues/%d", s.srv.URL, repo.fullName(), number),
		Number:            number,
		State:             "open",
		Title:             title,
		Body:              in.Body,
		User:              botUser,
		Labels:            s.labelsLocked(repo, labels),
		Assignees:         []User{},
		CreatedAt:         now,
		UpdatedAt:         now,
		AuthorAssociation: "OWNER",
	}
	for _, a := range in.Assignees {
		is.Assignees = append(is.Assignees, User{Login: a, ID: 0, Type: "User"})
	}
	repo.issues = append(repo.issues, is)
	out := copyIssue(is)
	s.notifyLocked()
	s.mu.Unlock()

	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, out)
}

// labelsLocked returns the labels of the names, creating the ones the
// repository lacks (GitHub does so for users who may push).
func (s *Server) labelsLocked(repo *repository, names []string) []Label {
	out := []Label{}
	for _, name := range names {
		key := strings.ToLower(name)
		l, ok := repo.labels[key]
		if !ok {
			s.nextID++
			l = Label{ID: s.nextID, NodeID: fmt.Sprintf("LA_fake%d", s.nextID), URL: fmt.Sprintf("%s/repos/%s/labels/%s", s.srv.URL, repo.fullName(), name), Name: name, Color: "ededed"}
			repo.labels[key] = l
		}
		if !slices.ContainsFunc(out, func(x Label) bool { return x.ID == l.ID }) {
			out = append(out, l)
		}
	}
	return out
}

// handleGet answers GET /repos/{owner}/{repo}/issues/{number}.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	repo := s.repoOf(w, r, docGet)
	if repo == nil {
		return
	}
	n, _ := strconv.Atoi(r.PathValue("number"))
	is, ok := s.Issue(repo.fullName(), n)
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", docGet)
		return
	}
	writeJSON(w, http.StatusOK, is)
}

// handleUpdate edits an issue: PATCH /repos/{owner}/{repo}/issues/{number}.
// Closing it (state "closed") records closed_at, closed_by and a
// state_reason (completed unless not_planned is given) and delivers the
// `issues` webhook with action closed; reopening delivers action reopened.
func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request) {
	repo := s.repoOf(w, r, docUpdate)
	if repo == nil {
		return
	}
	n, _ := strconv.Atoi(r.PathValue("number"))
	if _, ok := s.Issue(repo.fullName(), n); !ok {
		writeError(w, http.StatusNotFound, "Not Found", docUpdate)
		return
	}
	in, ok := readInput(w, r, docUpdate)
	if !ok {
		return
	}
	title, present, bad := in.title()
	var errs []ValidationError
	if bad != nil {
		errs = append(errs, *bad)
	} else if present && strings.TrimSpace(title) == "" {
		errs = append(errs, ValidationError{Resource: "Issue", Code: "missing_field", Field: "title"})
	}
	errs = append(errs, textErrors(title, in.Body)...)
	if in.State != nil && *in.State != "open" && *in.State != "closed" {
		errs = append(errs, ValidationError{Resource: "Issue", Code: "invalid", Field: "state"})
	}
	reason, reasonErr := stateReason(in.StateReason)
	if reasonErr != nil {
		errs = append(errs, *reasonErr)
	}
	labels, badLabel := in.labelNames()
	if badLabel != nil {
		errs = append(errs, *badLabel)
	}
	if len(errs) > 0 {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docUpdate, errs...)
		return
	}

	s.mu.Lock()
	is := s.issueLocked(repo.fullName(), n)
	now := s.now().UTC().Truncate(time.Second)
	if present {
		is.Title = title
	}
	if in.Body != nil {
		is.Body = in.Body
	}
	if in.Labels != nil {
		is.Labels = s.labelsLocked(repo, labels)
	}
	action := ""
	switch {
	case in.State != nil && *in.State == "closed":
		if reason == nil || *reason == "reopened" {
			reason = ptr("completed")
		}
		if is.State != "closed" {
			action = "closed"
			is.ClosedAt, is.ClosedBy = &now, &botUser
		}
		is.State, is.StateReason = "closed", reason
	case in.State != nil && *in.State == "open" && is.State == "closed":
		action = "reopened"
		is.State, is.StateReason, is.ClosedAt, is.ClosedBy = "open", ptr("reopened"), nil, nil
	case reason != nil && is.State == "closed":
		is.StateReason = reason
	}
	is.UpdatedAt = now
	out := copyIssue(is)
	s.notifyLocked()
	s.mu.Unlock()

	if action != "" {
		s.deliverIssueEvent(repo, action, out, botUser)
	}
	writeJSON(w, http.StatusOK, out)
}

// stateReason reads state_reason: absent or null is nil.
func stateReason(raw json.RawMessage) (*string, *ValidationError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var v string
	if json.Unmarshal(raw, &v) != nil || (v != "completed" && v != "not_planned" && v != "reopened") {
		return nil, &ValidationError{Resource: "Issue", Code: "invalid", Field: "state_reason"}
	}
	return &v, nil
}

func ptr(s string) *string { return &s }

// handleList answers GET /repos/{owner}/{repo}/issues with one page,
// filtered by state (open by default), labels (all of them), creator,
// sorted by created or updated time (newest first by default), with
// GitHub's Link header to the next and last pages.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	repo := s.repoOf(w, r, docList)
	if repo == nil {
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	sortBy := q.Get("sort")
	if sortBy == "" {
		sortBy = "created"
	}
	direction := q.Get("direction")
	if direction == "" {
		direction = "desc"
	}
	perPage, page := 30, 1
	var errs []ValidationError
	if state != "open" && state != "closed" && state != "all" {
		errs = append(errs, ValidationError{Resource: "Issue", Code: "invalid", Field: "state"})
	}
	if sortBy != "created" && sortBy != "updated" && sortBy != "comments" {
		errs = append(errs, ValidationError{Resource: "Issue", Code: "invalid", Field: "sort"})
	}
	if direction != "asc" && direction != "desc" {
		errs = append(errs, ValidationError{Resource: "Issue", Code: "invalid", Field: "direction"})
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, ValidationError{Resource: "Issue", Code: "invalid", Field: "per_page"})
		}
		perPage = min(n, 100) // GitHub caps pages at 100
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, ValidationError{Resource: "Issue", Code: "invalid", Field: "page"})
		}
		page = n
	}
	if len(errs) > 0 {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docList, errs...)
		return
	}
	var wantLabels []string
	for _, l := range strings.Split(q.Get("labels"), ",") {
		if l = strings.TrimSpace(l); l != "" {
			wantLabels = append(wantLabels, strings.ToLower(l))
		}
	}
	creator := q.Get("creator")

	var match []Issue
	for _, is := range s.Issues(repo.fullName()) {
		if (state != "all" && is.State != state) || (creator != "" && !strings.EqualFold(is.User.Login, creator)) || !hasLabels(is, wantLabels) {
			continue
		}
		match = append(match, is)
	}
	slices.SortStableFunc(match, func(a, b Issue) int {
		c := 0
		switch sortBy {
		case "updated":
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		case "comments":
			c = a.Comments - b.Comments
		}
		if c == 0 {
			c = a.Number - b.Number
		}
		if direction == "desc" {
			return -c
		}
		return c
	})
	last := max(1, (len(match)+perPage-1)/perPage)
	from := min((page-1)*perPage, len(match))
	to := min(from+perPage, len(match))
	if page < last {
		u := *r.URL
		link := func(p int, rel string) string {
			v := u.Query()
			v.Set("page", strconv.Itoa(p))
			v.Set("per_page", strconv.Itoa(perPage))
			return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.srv.URL, u.Path, v.Encode(), rel)
		}
		w.Header().Set("Link", link(page+1, "next")+", "+link(last, "last"))
	}
	out := match[from:to]
	if out == nil {
		out = []Issue{}
	}
	writeJSON(w, http.StatusOK, out)
}

func hasLabels(is Issue, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(is.Labels, func(l Label) bool { return strings.ToLower(l.Name) == w }) {
			return false
		}
	}
	return true
}
