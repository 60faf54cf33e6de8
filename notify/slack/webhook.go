package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
	slackgo "github.com/slack-go/slack"
)

// WebhookConfig configures the incoming-webhook notifier.
type WebhookConfig struct {
	// URL is the incoming webhook (https://hooks.slack.com/services/T…/B…/…).
	// Its path is a secret: never logged nor put in an error.
	URL string
	// HTTPClient defaults to a client with a 15 s timeout.
	HTTPClient *http.Client
}

// Webhook posts channel messages through an incoming webhook. The webhook
// fixes the channel (Address is not used) and Slack gives no ts back, so
// it cannot edit the incident's message or reply in its thread: messages
// asking to (UpdateInPlace, InThread) are posted as new messages. Prefer
// the Web API notifier (New) for incident channels.
type Webhook struct {
	url    string
	host   string // the only part of the URL that may be shown
	client *http.Client
}

var _ notify.Notifier = (*Webhook)(nil)

// NewWebhook returns the incoming-webhook notifier of arqir.ChannelSlackChannel.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	raw := strings.TrimSpace(cfg.URL)
	if raw == "" {
		return nil, fmt.Errorf("slack webhook: no URL: create an incoming webhook for the incident channel in the Slack app settings and configure its URL")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("slack webhook: the URL is not an http(s) URL: copy it again from the app's Incoming Webhooks page")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: defaultTimeout}
	}
	return &Webhook{url: raw, host: u.Host, client: client}, nil
}

// Channel is arqir.ChannelSlackChannel.
func (w *Webhook) Channel() string { return arqir.ChannelSlackChannel }

// webhookRequest is the body of an incoming-webhook post.
type webhookRequest struct {
	Text   string          `json:"text"`
	Blocks []slackgo.Block `json:"blocks"`
}

// Notify posts the message to the webhook's channel. The receipt is empty:
// a webhook answers only "ok".
func (w *Webhook) Notify(ctx context.Context, job *notify.Job) (notify.Receipt, error) {
	msg := render(job.Message(), job.Refs, false)
	body, err := encode(webhookRequest{Text: msg.Text, Blocks: msg.Blocks})
	if err != nil {
		return notify.Receipt{}, notify.Permanent("slack webhook: encode the message: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return notify.Receipt{}, notify.Permanent("slack webhook at %s: the URL cannot be used: copy it again from the app's Incoming Webhooks page", w.host)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	vendor := "slack webhook at " + w.host
	resp, err := w.client.Do(req)
	if err != nil {
		// *url.Error prints the whole URL, secret path included: keep only
		// what went wrong, which still tells a refused connection apart.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return notify.Receipt{}, notify.TransportError(vendor, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	code := excerpt(raw, w.secret())
	if resp.StatusCode == http.StatusOK {
		return notify.Receipt{}, nil
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return notify.Receipt{}, notify.HTTPError(vendor, resp, code)
	}
	return notify.Receipt{}, notify.Permanent("%s answered %s: %s: %s", vendor, resp.Status, code, webhookAdvice(code))
}

// secret is the URL's path, which authorises posting.
func (w *Webhook) secret() string {
	if u, err := url.Parse(w.url); err == nil && len(u.Path) > 1 {
		return u.Path
	}
	return w.url
}

// webhookAdvice says what to do about a refused webhook post (Slack's
// incoming-webhook error codes).
func webhookAdvice(code string) string {
	switch code {
	case "no_service", "invalid_token", "no_team", "team_disabled", "no_service_id":
		return "the webhook was removed or its URL is wrong: create a new incoming webhook for the incident channel and configure its URL"
	case "channel_not_found", "channel_is_archived":
		return "the webhook's channel was deleted or archived: unarchive it, or create a webhook for another channel"
	case "action_prohibited", "posting_to_general_channel_denied":
		return "the workspace does not allow posting there: ask a Slack admin, or create a webhook for another channel"
	case "invalid_payload", "no_text", "invalid_blocks", "too_many_attachments", "msg_too_long":
		return "Slack refused the message arqir built: this is a bug in arqir, please report it with this error"
	}
	return "check the incoming webhook URL"
}
