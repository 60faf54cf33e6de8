package app

import (
	"crypto/tls"
	"net/http"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
	"github.com/arqir/arqir/notify/email"
	"github.com/arqir/arqir/notify/github"
	"github.com/arqir/arqir/notify/inapp"
	"github.com/arqir/arqir/notify/pagerduty"
	"github.com/arqir/arqir/notify/slack"
	"github.com/arqir/arqir/notify/webhook"
	"github.com/arqir/arqir/notify/zoom"
)

// NotifyConfig configures the providers notifications go out through. A
// provider left empty is not used: what it would have sent stays in the
// incident's in-app notification log (DESIGN.md: zero-config first run).
// Secrets come from the environment in `arqir serve` (see cli/serve_notify.go).
type NotifyConfig struct {
	// Slack Web API (bot token, chat:write); BaseURL for tests.
	SlackToken, SlackAPIURL string
	// SlackWebhookURL posts to one channel instead of the Web API (no
	// in-place updates or threads).
	SlackWebhookURL string
	// SlackSigningSecret verifies inbound slash commands and buttons.
	SlackSigningSecret string

	// PagerDuty Events API v2 (R4, T1).
	PagerDutyRoutingKey, PagerDutyURL string
	// PagerDutyWebhookSecret verifies PagerDuty's V3 webhooks (acknowledge in PagerDuty).
	PagerDutyWebhookSecret string

	// Zoom Server-to-Server OAuth app (R5, T3).
	ZoomAccountID, ZoomClientID, ZoomClientSecret string
	ZoomOAuthURL, ZoomAPIURL, ZoomUser            string

	// SMTP for pages, the escalation list (X1) and stakeholder mail.
	SMTPAddr, SMTPFrom, SMTPUsername, SMTPPassword string
	SMTPStartTLS                                   string // auto (default), always, never
	SMTPTLSConfig                                  *tls.Config

	// WebhookURL receives every notification of channel "webhook", signed
	// with WebhookSecret; SMS and voice gateways get their own.
	WebhookURL, WebhookSecret       string
	SMSWebhookURL, SMSWebhookSecret string
	PhoneURL, PhoneSecret           string

	// GitHub files exported action items as issues in GitHubRepo
	// ("owner/name") (T6); GitHubWebhookSecret verifies GitHub's issue
	// webhooks, which close the action items of closed issues.
	GitHubToken, GitHubRepo, GitHubAPIURL string
	GitHubWebhookSecret                   string

	// HTTPClient is used by every HTTP provider; default each one's own.
	HTTPClient *http.Client
	// Limits are per-channel send rates per second (jobs.Config.Limits);
	// nil: the defaults of limits().
	Limits map[string]float64
}

// registry builds the notifier registry from the configuration.
func (c NotifyConfig) registry() (*notify.Registry, error) {
	reg := notify.NewRegistry(inapp.New())
	add := func(n notify.Notifier, err error, what string) error {
		if err != nil {
			return arqir.Errorf(arqir.EINVALID, "%s: %v", what, err)
		}
		reg.Register(n)
		return nil
	}
	switch {
	case c.SlackToken != "":
		cfg := slack.Config{BaseURL: c.SlackAPIURL, Token: c.SlackToken, HTTPClient: c.HTTPClient}
		n, err := slack.New(cfg)
		if err := add(n, err, "Slack"); err != nil {
			return nil, err
		}
		d, err := slack.NewDirect(cfg)
		if err := add(d, err, "Slack direct messages"); err != nil {
			return nil, err
		}
	case c.SlackWebhookURL != "":
		n, err := slack.NewWebhook(slack.WebhookConfig{URL: c.SlackWebhookURL, HTTPClient: c.HTTPClient})
		if err := add(n, err, "Slack incoming webhook"); err != nil {
			return nil, err
		}
	}
	if c.PagerDutyRoutingKey != "" {
		n, err := pagerduty.New(pagerduty.Config{BaseURL: c.PagerDutyURL, RoutingKey: c.PagerDutyRoutingKey, HTTPClient: c.HTTPClient})
		if err := add(n, err, "PagerDuty"); err != nil {
			return nil, err
		}
	}
	if c.ZoomClientID != "" || c.ZoomAccountID != "" {
		n, err := zoom.New(zoom.Config{OAuthURL: c.ZoomOAuthURL, APIURL: c.ZoomAPIURL, AccountID: c.ZoomAccountID,
			ClientID: c.ZoomClientID, ClientSecret: c.ZoomClientSecret, UserID: c.ZoomUser, HTTPClient: c.HTTPClient})
		if err := add(n, err, "Zoom"); err != nil {
			return nil, err
		}
	}
	if c.SMTPAddr != "" {
		n, err := email.New(email.Config{Addr: c.SMTPAddr, From: c.SMTPFrom, Username: c.SMTPUsername, Password: c.SMTPPassword,
			StartTLS: c.SMTPStartTLS, TLSConfig: c.SMTPTLSConfig})
		if err := add(n, err, "SMTP"); err != nil {
			return nil, err
		}
	}
	if c.GitHubToken != "" || c.GitHubRepo != "" {
		n, err := github.New(github.Config{BaseURL: c.GitHubAPIURL, Token: c.GitHubToken, Repo: c.GitHubRepo, HTTPClient: c.HTTPClient})
		if err := add(n, err, "GitHub"); err != nil {
			return nil, err
		}
	}
	for _, w := range []struct{ url, secret, channel, what string }{
		{c.WebhookURL, c.WebhookSecret, arqir.ChannelWebhook, "webhook"},
		{c.SMSWebhookURL, c.SMSWebhookSecret, arqir.ChannelSMS, "SMS gateway webhook"},
		{c.PhoneURL, c.PhoneSecret, arqir.ChannelPhone, "voice gateway webhook"},
	} {
		if w.url == "" {
			continue
		}
		if w.secret == "" {
			return nil, arqir.Errorf(arqir.EINVALID, "the %s needs a signing secret: set it so the receiver can verify arqir sent the request", w.what)
		}
		n, err := webhook.New(webhook.Config{URL: w.url, Secret: w.secret, Channel: w.channel, HTTPClient: c.HTTPClient})
		if err := add(n, err, w.what); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// limits returns the per-channel send rates: Slack allows about one message
// per second per channel (with bursts), PagerDuty's Events API about 120
// events per minute per routing key.
func (c NotifyConfig) limits() map[string]float64 {
	if c.Limits != nil {
		return c.Limits
	}
	return map[string]float64{arqir.ChannelSlackChannel: 5, arqir.ChannelPagerDuty: 2}
}
