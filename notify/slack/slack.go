// Package slack delivers notifications to Slack: channel messages and
// direct messages through the Web API with a bot token (the incident's
// message is edited in place and updates go into its thread), or channel
// messages through an incoming webhook (post only). Messages are Block Kit
// built with github.com/slack-go/slack; calls are plain JSON POSTs so that
// every failure is classified here, next to Slack's error list
// (https://docs.slack.dev/reference/methods/chat.postMessage#errors).
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// DefaultBaseURL is Slack's Web API.
const DefaultBaseURL = "https://slack.com/api"

// defaultTimeout bounds one Slack call when no HTTP client is given: a page
// stuck longer than this is better retried than waited for.
const defaultTimeout = 15 * time.Second

// Config configures the Web API notifiers.
type Config struct {
	// BaseURL is the Web API base; empty means DefaultBaseURL.
	BaseURL string
	// Token is the bot token (xoxb-…) of the arqir app, with the chat:write
	// scope. It is a secret: never logged nor put in an error.
	Token string
	// HTTPClient defaults to a client with a 15 s timeout.
	HTTPClient *http.Client
}

// Notifier posts notifications to Slack through the Web API.
type Notifier struct {
	channel string
	api     *api
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns the notifier of channel messages (arqir.ChannelSlackChannel):
// Address is a channel name ("#incidents") or ID. It edits the incident's
// message in place and posts updates in its thread when the incident's
// refs name that message.
func New(cfg Config) (*Notifier, error) {
	return newNotifier(cfg, arqir.ChannelSlackChannel)
}

// NewDirect returns the notifier of direct messages (arqir.ChannelSlack):
// Address is a member ID (U… or W…). Every message is a new post; a DM
// has no incident message to edit nor thread to follow.
func NewDirect(cfg Config) (*Notifier, error) {
	return newNotifier(cfg, arqir.ChannelSlack)
}

func newNotifier(cfg Config, channel string) (*Notifier, error) {
	a, err := newAPI(cfg)
	if err != nil {
		return nil, err
	}
	return &Notifier{channel: channel, api: a}, nil
}

// Channel is arqir.ChannelSlackChannel for New, arqir.ChannelSlack for NewDirect.
func (s *Notifier) Channel() string { return s.channel }

// Notify posts the notification's message, updates the incident's message
// in place (Message.UpdateInPlace) or replies in its thread
// (Message.InThread). The receipt's Ref is the message ts; a top-level
// channel post with actions is the incident's message, and its channel ID
// and ts come back as arqir.RefSlackChannel and arqir.RefSlackTS. When the
// incident's message was deleted, the update or reply is posted as a new
// top-level message instead, and an update becomes the incident's message.
func (s *Notifier) Notify(ctx context.Context, job *notify.Job) (notify.Receipt, error) {
	n := job.Notification
	m := n.Message
	direct := s.channel == arqir.ChannelSlack
	if strings.TrimSpace(n.Address) == "" {
		if direct {
			who := n.Recipient
			if who == "" {
				who = "the person paged"
			}
			return notify.Receipt{}, notify.Permanent("slack: %s has no Slack member ID: set the user's slack_user_id, or drop slack from their notification channels", who)
		}
		return notify.Receipt{}, notify.Permanent("slack: no Slack channel to post to: set the incident channel in the policy (e.g. #incidents)")
	}
	msg := render(m, job.Refs, direct)
	refChannel, refTS := job.Refs[arqir.RefSlackChannel], job.Refs[arqir.RefSlackTS]
	known := !direct && refChannel != "" && refTS != ""
	switch {
	case known && m.UpdateInPlace:
		ts, err := s.api.update(ctx, updateRequest(refChannel, refTS, msg, job))
		if err == nil {
			return notify.Receipt{Ref: ts}, nil
		}
		if !gone(err, "message_not_found", "cant_update_message", "edit_window_closed", "channel_not_found") {
			return notify.Receipt{}, s.explain("chat.update", refChannel, err)
		}
		// The incident's message was deleted (or can no longer be
		// edited): post it anew and make the new one the incident's message.
		return s.post(ctx, n.Address, msg, job, true)
	case !direct && !known && (m.UpdateInPlace || m.InThread) && n.Attempts < WaitForMainAttempts:
		// The incident's message is not posted yet (the initial notice is
		// waiting to retry): posting this one top-level now would give the
		// incident two main messages. Wait for it a few attempts; after
		// that the main message is not coming and this one is posted
		// anyway, since an update must be seen.
		return notify.Receipt{}, notify.Retry(30*time.Second, "slack: the incident's message in %s is not posted yet; this follows it once it is", n.Address)
	case known && m.InThread:
		ans, err := s.api.post(ctx, postRequest(refChannel, refTS, msg, job))
		if err == nil {
			return notify.Receipt{Ref: ans.TS}, nil
		}
		if !gone(err, "thread_not_found") {
			return notify.Receipt{}, s.explain("chat.postMessage", refChannel, err)
		}
		// The thread's parent is gone: the update still has to be seen.
		return s.post(ctx, n.Address, msg, job, m.Actions)
	}
	return s.post(ctx, n.Address, msg, job, !direct && m.Actions)
}

// WaitForMainAttempts is how many attempts an update waits for the incident's
// main message before it is posted on its own.
const WaitForMainAttempts = 3

// post calls chat.postMessage for a top-level message; main marks the
// incident's message, whose channel ID and ts are returned as refs.
func (s *Notifier) post(ctx context.Context, channel string, msg rendered, job *notify.Job, main bool) (notify.Receipt, error) {
	ans, err := s.api.post(ctx, postRequest(channel, "", msg, job))
	if err != nil {
		return notify.Receipt{}, s.explain("chat.postMessage", channel, err)
	}
	r := notify.Receipt{Ref: ans.TS}
	if main {
		r.Refs = map[string]string{arqir.RefSlackChannel: ans.Channel, arqir.RefSlackTS: ans.TS}
	}
	return r, nil
}

// explain turns a refused call into a notify error that says what to do.
func (s *Notifier) explain(method, target string, err error) error {
	var refused *refusal
	if !errors.As(err, &refused) {
		return err // already classified: transport or HTTP status
	}
	return classify(method, target, s.channel == arqir.ChannelSlack, refused)
}

// gone reports whether err is Slack refusing with one of codes.
func gone(err error, codes ...string) bool {
	var refused *refusal
	if !errors.As(err, &refused) {
		return false
	}
	for _, c := range codes {
		if refused.Code == c {
			return true
		}
	}
	return false
}

// refusal is an {ok:false} answer of the Web API.
type refusal struct {
	Code string
	// Details are Slack's response_metadata messages (what is wrong where).
	Details []string
	// RetryAfter is the Retry-After header that came with it, if any.
	RetryAfter time.Duration
}

func (r *refusal) Error() string {
	if len(r.Details) == 0 {
		return r.Code
	}
	d := r.Details
	if len(d) > 3 {
		d = append(d[:3:3], fmt.Sprintf("and %d more", len(r.Details)-3))
	}
	return r.Code + " (" + strings.Join(d, "; ") + ")"
}
