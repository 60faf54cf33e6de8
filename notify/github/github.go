// Package github files action items as GitHub issues and closes them when
// the action items close (T6), through the REST API for issues:
// https://docs.github.com/rest/issues/issues (create, update, list
// repository issues).
//
// GitHub accepts no idempotency key, so the notification's key travels in
// the issue body as an HTML comment. A first attempt files at once; a retry
// (the previous attempt may have filed it before failing, e.g. a timeout or
// a 500 after the write) first lists the repository's recent issues
// labelled "arqir" and answers with the one carrying the key, so an
// ambiguous failure never files a second issue.
//
// The token is a credential: it is sent only in the Authorization header,
// never appears in an error, and an answer that repeats it is redacted
// before it becomes a reason on the timeline.
package github

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// DefaultBaseURL is GitHub's REST API.
const DefaultBaseURL = "https://api.github.com"

// APIVersion is the REST API version requested (X-GitHub-Api-Version).
const APIVersion = "2022-11-28"

// RefPrefix starts the receipt ref naming an action item's issue:
// "github_issue:17" → the issue's html_url. The dispatcher's caller keeps
// it on the action item as its TrackerURL.
const RefPrefix = "github_issue:"

// Labels every filed issue carries, before the action item's category;
// "arqir" is also how a retry finds the issues arqir filed.
var Labels = []string{"arqir", "incident-follow-up"}

// Config configures the notifier.
type Config struct {
	// BaseURL is the REST API; default DefaultBaseURL. GitHub Enterprise
	// Server uses https://HOST/api/v3; tests point it at fake/github.
	BaseURL string
	// Token is a GitHub token allowed to write issues of Repo (a
	// fine-grained token with "Issues: read and write", or a classic one
	// with the repo scope). Required; a secret.
	Token string
	// Repo is the repository issues are filed in, "owner/name". Required.
	Repo string
	// HTTPClient sends the requests; default: 10 s timeout, no redirects.
	HTTPClient *http.Client
}

// Notifier files and closes action items as GitHub issues.
type Notifier struct {
	base   string // without a trailing slash
	token  string
	owner  string
	repo   string
	client *http.Client
}

var _ notify.Notifier = (*Notifier)(nil)

// New checks the configuration and returns a notifier.
func New(c Config) (*Notifier, error) {
	if strings.TrimSpace(c.Token) == "" {
		return nil, fmt.Errorf("github: the token is empty: set a token allowed to write the issues of the repository")
	}
	owner, repo, ok := strings.Cut(strings.TrimSpace(c.Repo), "/")
	if !ok || !validName(owner) || !validName(repo) {
		return nil, fmt.Errorf("github: repository %q is not owner/name: write it like acme/ops", c.Repo)
	}
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// The value is not repeated: a pasted token could be in it.
		return nil, fmt.Errorf("github: the base URL is not an absolute http(s) URL: use %s or leave it empty", DefaultBaseURL)
	}
	client := c.HTTPClient
	if client == nil {
		client = &http.Client{
			Timeout: 10 * time.Second,
			// GitHub redirects a renamed repository; following a POST
			// redirect turns it into a GET, so say what moved instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Notifier{base: strings.TrimSuffix(base, "/"), token: c.Token, owner: owner, repo: repo, client: client}, nil
}

// validName accepts GitHub owner and repository names: letters, digits,
// '-', '_' and '.', not empty.
func validName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Channel implements notify.Notifier.
func (n *Notifier) Channel() string { return arqir.ChannelGitHub }

// Notify files the message's action item as an issue when it is open and
// has no tracker URL yet, and closes its issue when it is done (state
// reason completed) or cancelled (not_planned). The receipt's Ref is the
// issue's html_url, and Refs maps RefPrefix+<action item id> to it.
func (n *Notifier) Notify(ctx context.Context, j *notify.Job) (notify.Receipt, error) {
	no := j.Notification
	item := no.Message.ActionItem
	switch {
	case no.Purpose != arqir.PurposeTrackerSync:
		return notify.Receipt{}, notify.Permanent("GitHub files action items only (purpose %s), not %s notifications: route this one to another channel", arqir.PurposeTrackerSync, no.Purpose)
	case item == nil:
		return notify.Receipt{}, notify.Permanent("GitHub tracker sync of %s carries no action item: nothing to file", no.IncidentID)
	}
	switch item.Status {
	case arqir.ActionItemDone, arqir.ActionItemCancelled:
		return n.close(ctx, j, item)
	}
	if item.TrackerURL != "" {
		// Filed already and open again in arqir: open its issue again.
		return n.reopen(ctx, item)
	}
	// An item reopened before its first filing recorded the link may
	// have an issue already: look for its marker before filing another.
	if found, err := n.find(ctx, func(is *issue) bool { return hasMarker(is.Body, itemMarker(item)) }); err != nil {
		return notify.Receipt{}, err
	} else if found != nil {
		return receipt(item, found.HTMLURL), nil
	}
	return n.create(ctx, j, item)
}

// reopen opens the item's issue again (GitHub answers 200 when it is open).
func (n *Notifier) reopen(ctx context.Context, item *arqir.ActionItem) (notify.Receipt, error) {
	number, err := n.issueNumber(item.TrackerURL)
	if err != nil {
		return notify.Receipt{}, err
	}
	what := fmt.Sprintf("reopening GitHub issue #%d of %s/%s (action item %d is open again)", number, n.owner, n.repo, item.ID)
	if err := n.call(ctx, http.MethodPatch, n.repoPath("issues", strconv.Itoa(number)), nil, struct {
		State string `json:"state"`
	}{"open"}, nil, what); err != nil {
		return notify.Receipt{}, err
	}
	return receipt(item, item.TrackerURL), nil
}

// create files the issue, unless a previous attempt of this notification
// already did.
func (n *Notifier) create(ctx context.Context, j *notify.Job, item *arqir.ActionItem) (notify.Receipt, error) {
	key := j.IdempotencyKey
	if key == "" {
		key = j.Notification.Key
	}
	title := issueTitle(item)
	if j.Notification.Attempts > 1 || j.Notification.Ambiguous > 0 {
		found, err := n.find(ctx, func(is *issue) bool { return is.Title == title && hasMarker(is.Body, keyMarker(key)) })
		if err != nil {
			return notify.Receipt{}, err
		}
		if found != nil {
			return receipt(item, found.HTMLURL), nil
		}
	}
	in := issueRequest{Title: title, Body: issueBody(j.Notification.Message, item, key), Labels: issueLabels(item)}
	var out issue
	what := fmt.Sprintf("filing action item %d of %s as a GitHub issue in %s/%s", item.ID, item.IncidentID, n.owner, n.repo)
	if err := n.call(ctx, http.MethodPost, n.repoPath("issues"), nil, in, &out, what); err != nil {
		return notify.Receipt{}, err
	}
	if out.HTMLURL == "" {
		return notify.Receipt{}, notify.Permanent("%s: GitHub answered without the issue's html_url: check the base URL points at the REST API", what)
	}
	return receipt(item, out.HTMLURL), nil
}

// close closes the item's issue with the state reason its status means.
func (n *Notifier) close(ctx context.Context, j *notify.Job, item *arqir.ActionItem) (notify.Receipt, error) {
	link := item.TrackerURL
	if link == "" {
		// Closed before the issue's link was recorded: find the issue by
		// the action item's marker. None yet means the filing is still on
		// its way (or failed, which its own notification reports).
		found, err := n.find(ctx, func(is *issue) bool { return hasMarker(is.Body, itemMarker(item)) })
		if err != nil {
			return notify.Receipt{}, err
		}
		if found == nil {
			return notify.Receipt{}, notify.Retry(time.Minute, "closing action item %d of %s on GitHub: no issue of %s/%s carries it yet (its filing may still be on its way); retrying", item.ID, item.IncidentID, n.owner, n.repo)
		}
		link = found.HTMLURL
	}
	number, err := n.issueNumber(link)
	if err != nil {
		return notify.Receipt{}, err
	}
	reason := "completed"
	if item.Status == arqir.ActionItemCancelled {
		reason = "not_planned"
	}
	what := fmt.Sprintf("closing GitHub issue #%d of %s/%s (action item %d, %s)", number, n.owner, n.repo, item.ID, item.Status)
	if err := n.call(ctx, http.MethodPatch, n.repoPath("issues", strconv.Itoa(number)), nil, closeRequest{State: "closed", StateReason: reason}, nil, what); err != nil {
		return notify.Receipt{}, err
	}
	return receipt(item, link), nil
}

// issueNumber reads the number of an issue of the configured repository
// from its html_url (…/owner/repo/issues/123).
func (n *Notifier) issueNumber(link string) (int, error) {
	u, err := url.Parse(link)
	if err == nil {
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if k := len(parts); k >= 4 && parts[k-2] == "issues" &&
			strings.EqualFold(parts[k-4], n.owner) && strings.EqualFold(parts[k-3], n.repo) {
			if num, err := strconv.Atoi(parts[k-1]); err == nil && num > 0 {
				return num, nil
			}
		}
	}
	return 0, notify.Permanent("the action item's tracker link %q is not an issue of %s/%s: close that issue by hand, or point arqir at its repository", link, n.owner, n.repo)
}

// receipt names the issue for the dispatcher and the action item.
func receipt(item *arqir.ActionItem, link string) notify.Receipt {
	return notify.Receipt{Ref: link, Refs: map[string]string{RefPrefix + strconv.FormatInt(item.ID, 10): link}}
}

// repoPath is the API path of the repository's resource.
func (n *Notifier) repoPath(rest ...string) string {
	p := "/repos/" + url.PathEscape(n.owner) + "/" + url.PathEscape(n.repo)
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}
