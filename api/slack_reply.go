package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/arqir/arqir"
)

// Slack gives an app 3 seconds to answer; store calls made for Slack stop
// short of that, so Slack sees arqir's answer rather than its own timeout.
const slackDeadline = 2500 * time.Millisecond

// slackReplyTimeout bounds a reply posted to a button's response_url.
const slackReplyTimeout = 5 * time.Second

// Response types of a Slack reply.
const (
	slackEphemeral = "ephemeral"  // only the person who typed or clicked sees it
	slackInChannel = "in_channel" // everyone in the channel sees it
)

// slackReply is the answer to a slash command, and what is posted to a
// button's response_url: {response_type, text}. replace_original false
// keeps the incident message a button belongs to.
type slackReply struct {
	ResponseType    string `json:"response_type"`
	Text            string `json:"text"`
	ReplaceOriginal *bool  `json:"replace_original,omitempty"`
}

func ephemeral(format string, args ...any) slackReply {
	return slackReply{ResponseType: slackEphemeral, Text: fmt.Sprintf(format, args...)}
}

func inChannel(format string, args ...any) slackReply {
	return slackReply{ResponseType: slackInChannel, Text: fmt.Sprintf(format, args...)}
}

// slackFailure is the ephemeral reply to a refused action: what went wrong
// and what to type instead. Slack shows nothing useful for a non-2xx, so
// refusals are answered 200 (as Slack expects) with the reason. Internal
// errors are logged and answered with the generic message.
func (s *server) slackFailure(ctx context.Context, err error, instead string) slackReply {
	if arqir.ErrorCode(err) == arqir.EINTERNAL {
		s.logger.ErrorContext(ctx, "slack action failed", "err", err)
	}
	text := ":warning: " + slackEscape(arqir.ErrorMessage(err))
	if instead != "" {
		text += "\nType: `" + instead + "`"
	}
	return ephemeral("%s", text)
}

// slackEscape escapes the three characters Slack's mrkdwn gives meaning to,
// so an incident title cannot @mention a channel or forge a link.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackUnescape undoes the escaping Slack applies to slash-command text.
func slackUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

var slackUserIDRE = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// slackMention is how a reply names the Slack user who acted: an @mention
// when the ID looks like one, else their name.
func slackMention(userID, userName string) string {
	if slackUserIDRE.MatchString(userID) {
		return "<@" + userID + ">"
	}
	return slackEscape(userName)
}

// slackActor is who acts for a Slack user: the arqir user whose Slack
// member ID it is, else "slack:<name>", through the Slack door. A failing
// user lookup is logged and falls back to the Slack name: an
// acknowledgement must not fail for want of a nicer name.
func (s *server) slackActor(ctx context.Context, userID, userName string) arqir.Actor {
	a := arqir.Actor{Source: arqir.SourceSlack}
	if userID != "" {
		users, err := s.store.Users(ctx, false)
		if err != nil {
			s.logger.ErrorContext(ctx, "slack: look up arqir users", "err", err)
		}
		for _, u := range users {
			if u.SlackUserID == userID {
				a.Name = u.Handle
				return a
			}
		}
	}
	name := userName
	if strings.TrimSpace(name) == "" {
		name = userID
	}
	a.Name = actorName("slack", name)
	return a
}

// maxActorName bounds the part of an actor's name a provider supplies.
const maxActorName = 64

// actorName is "<door>:<name>" for a person a provider names (a Slack user
// name, a PagerDuty agent), with the name cleaned of control characters
// and cut to maxActorName characters: it is shown on every timeline.
func actorName(door, name string) string {
	clean := strings.Join(strings.FieldsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }), " ")
	if r := []rune(clean); len(r) > maxActorName {
		clean = string(r[:maxActorName])
	}
	if clean == "" {
		return door
	}
	return door + ":" + clean
}

// postReply posts a reply to a button's response_url, after the 200 that
// Slack needs within 3 s: Slack ignores the body of the answer to a
// block_actions request, so this is how the person who clicked sees it.
// Only Slack's own host (or the configured prefix) is posted to: the URL
// arrives in the request, and arqir must not become a way to reach
// arbitrary hosts. Failures are logged; the action itself already stands.
func (si *slackInbound) postReply(ctx context.Context, responseURL string, reply slackReply) {
	if !si.replyAllowed(responseURL) {
		if responseURL != "" {
			si.logger.WarnContext(ctx, "slack: response_url not on Slack's host; reply not posted", "host", hostOf(responseURL))
		}
		return
	}
	keep := false
	reply.ReplaceOriginal = &keep
	body, _ := json.Marshal(reply) // plain strings: cannot fail
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), slackReplyTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		resp, err := si.replies.Do(req)
		if err != nil {
			// The URL is a capability of its own: log the host only.
			si.logger.WarnContext(ctx, "slack: post reply to response_url", "host", hostOf(responseURL), "err", unwrapURLError(err))
			return
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			si.logger.WarnContext(ctx, "slack: response_url refused the reply", "host", hostOf(responseURL), "status", resp.StatusCode)
		}
	}()
}

// replyAllowed reports whether replies may be posted to u.
func (si *slackInbound) replyAllowed(u string) bool {
	if si.responsePrefix != "" && strings.HasPrefix(u, si.responsePrefix) {
		return true
	}
	return strings.HasPrefix(u, "https://hooks.slack.com/")
}

// hostOf is the host of a URL, for logs that must not carry its path.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	return u.Host
}

// unwrapURLError drops the URL a *url.Error repeats.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
