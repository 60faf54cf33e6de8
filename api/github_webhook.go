package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// gitHubIssuesEvent is the part of a GitHub `issues` webhook arqir reads
// (https://docs.github.com/webhooks/webhook-events-and-payloads#issues).
// Decoding is lenient: GitHub adds fields without notice.
type gitHubIssuesEvent struct {
	Action string `json:"action"`
	Issue  struct {
		Number      int    `json:"number"`
		HTMLURL     string `json:"html_url"`
		State       string `json:"state"`
		StateReason string `json:"state_reason"`
		Body        string `json:"body"`
	} `json:"issue"`
	Sender struct {
		Login string `json:"login"`
	} `json:"sender"`
}

// gitHubReply is the answer to a webhook: what arqir did with it.
type gitHubReply struct {
	// Result is pong, closed, already_closed or ignored.
	Result     string `json:"result"`
	ActionItem int64  `json:"action_item,omitempty"`
	Status     string `json:"status,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// handleGitHubWebhook takes issues closed on GitHub back into arqir (T6:
// the tracker and arqir agree). The delivery is verified first
// (X-Hub-Signature-256 over the raw body); then an `issues` event with
// action closed, for an issue that is an open action item's tracker link,
// closes the item as "github:<login>": done when the issue was completed,
// cancelled when closed as not planned. `ping` (sent when the hook is
// created) and everything else are answered 200 with what was done:
// GitHub counts other answers as failed deliveries. Only a delivery that
// is not GitHub's (401) or not a webhook at all (400) is refused.
func (s *server) handleGitHubWebhook(w http.ResponseWriter, r *http.Request) error {
	if s.gitHubWebhookSecret == "" {
		return arqir.Errorf(arqir.ENOTFOUND, "GitHub webhooks are not configured on this arqir server: an admin sets the webhook's secret in arqir's configuration (and the same secret on the GitHub webhook)")
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	if !gitHubSigned(body, r.Header.Get("X-Hub-Signature-256"), s.gitHubWebhookSecret) {
		return arqir.Errorf(arqir.EUNAUTHORIZED, "the X-Hub-Signature-256 does not match: check that arqir's GitHub webhook secret is the webhook's; nothing was done")
	}
	event := strings.TrimSpace(r.Header.Get("X-GitHub-Event"))
	if event == "" {
		return arqir.FieldErrorf(arqir.EINVALID, "X-GitHub-Event", "not a GitHub webhook: the X-GitHub-Event header is missing")
	}
	if !json.Valid(body) {
		return arqir.Errorf(arqir.EINVALID, "not a GitHub webhook: the body is not JSON (set the webhook's content type to application/json)")
	}
	var reply gitHubReply
	switch event {
	case "ping":
		reply = gitHubReply{Result: "pong"}
	case "issues":
		var ev gitHubIssuesEvent
		if err := json.Unmarshal(body, &ev); err != nil {
			return arqir.Errorf(arqir.EINVALID, "not a GitHub issues event: %v", err)
		}
		if reply, err = s.gitHubIssueClosed(r.Context(), ev); err != nil {
			return err
		}
	default:
		reply = gitHubReply{Result: "ignored", Reason: "arqir acts only on issues events, not " + event}
	}
	writeJSON(w, http.StatusOK, reply)
	return nil
}

// gitHubIssueClosed closes the action item a closed issue tracks. Only a
// failure of arqir itself is an error (500); whatever arqir declines is a
// reply.
func (s *server) gitHubIssueClosed(ctx context.Context, ev gitHubIssuesEvent) (gitHubReply, error) {
	if ev.Action != "closed" {
		return gitHubReply{Result: "ignored", Reason: "arqir acts only on closed issues, not " + ev.Action}, nil
	}
	if ev.Issue.HTMLURL == "" {
		return gitHubReply{Result: "ignored", Reason: "the event's issue has no html_url"}, nil
	}
	it, err := s.trackedItem(ctx, ev.Issue.HTMLURL, ev.Issue.Body)
	if err != nil {
		return gitHubReply{}, err
	}
	if it == nil {
		return gitHubReply{Result: "ignored", Reason: "no arqir action item tracks " + ev.Issue.HTMLURL}, nil
	}
	if it.Status != arqir.ActionItemOpen {
		return gitHubReply{Result: "already_closed", ActionItem: it.ID, Status: string(it.Status)}, nil
	}
	status := arqir.ActionItemCancelled
	if ev.Issue.StateReason == "" || ev.Issue.StateReason == "completed" {
		status = arqir.ActionItemDone // GitHub Enterprise versions without state_reason close as completed
	}
	actor := arqir.Actor{Name: actorName("github", ev.Sender.Login), Source: arqir.SourceGitHub}
	updated, err := s.store.UpdateActionItem(ctx, it.ID, arqir.ActionItemPatch{Status: &status}, arqir.Change{Actor: actor})
	if err != nil {
		// Closed in arqir meanwhile: answer as it is now.
		if code := arqir.ErrorCode(err); code == arqir.EUNPROCESSABLE || code == arqir.ECONFLICT {
			if now, getErr := s.store.ActionItem(ctx, it.ID); getErr == nil && now.Status != arqir.ActionItemOpen {
				return gitHubReply{Result: "already_closed", ActionItem: now.ID, Status: string(now.Status)}, nil
			}
		}
		return gitHubReply{}, err
	}
	return gitHubReply{Result: "closed", ActionItem: updated.ID, Status: string(updated.Status)}, nil
}

// itemMarker is the comment arqir's GitHub export writes in an issue's
// body naming the action item (notify/github): the direct way to the item.
var itemMarker = regexp.MustCompile(`<!-- arqir-action-item: ([0-9]+) -->`)

// maxTrackedScan bounds the fallback scan of open action items.
const maxTrackedScan = 500

// trackedItem finds the action item whose tracker link is the issue's
// html_url: through the marker in the issue body when there is one, else
// by scanning the open items. The link must match either way, so an issue
// that merely quotes a marker closes nothing.
func (s *server) trackedItem(ctx context.Context, link, body string) (*arqir.ActionItem, error) {
	for _, m := range itemMarker.FindAllStringSubmatch(body, -1) {
		id, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			continue
		}
		it, err := s.store.ActionItem(ctx, id)
		if arqir.ErrorCode(err) == arqir.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if it.TrackerURL == link {
			return it, nil
		}
	}
	open, err := s.store.ActionItems(ctx, arqir.ActionItemFilter{Statuses: []arqir.ActionItemStatus{arqir.ActionItemOpen}, Limit: maxTrackedScan})
	if err != nil {
		return nil, err
	}
	for _, it := range open {
		if it.TrackerURL == link {
			return it, nil
		}
	}
	return nil, nil
}

// gitHubSigned reports whether the header is "sha256=" and the hex
// HMAC-SHA256 of the raw body with the secret, compared in constant time.
func gitHubSigned(body []byte, header, secret string) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
