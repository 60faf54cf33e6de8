package cli

import (
	"os"

	"github.com/spf13/pflag"

	"github.com/arqir/arqir/app"
)

// notifyFlags adds the provider settings of `arqir serve`. Secrets are read
// from the environment only, never from flags: a flag shows in `ps` and in
// shell history.
func notifyFlags(f *pflag.FlagSet, c *app.NotifyConfig) {
	c.SlackToken = os.Getenv("ARQIR_SLACK_TOKEN")
	c.SlackWebhookURL = os.Getenv("ARQIR_SLACK_WEBHOOK_URL") // its path is the credential
	c.SlackSigningSecret = os.Getenv("ARQIR_SLACK_SIGNING_SECRET")
	c.PagerDutyRoutingKey = os.Getenv("ARQIR_PAGERDUTY_ROUTING_KEY")
	c.PagerDutyWebhookSecret = os.Getenv("ARQIR_PAGERDUTY_WEBHOOK_SECRET")
	c.ZoomClientSecret = os.Getenv("ARQIR_ZOOM_CLIENT_SECRET")
	c.SMTPPassword = os.Getenv("ARQIR_SMTP_PASSWORD")
	c.WebhookSecret = os.Getenv("ARQIR_WEBHOOK_SECRET")
	c.SMSWebhookSecret = os.Getenv("ARQIR_SMS_WEBHOOK_SECRET")
	c.PhoneSecret = os.Getenv("ARQIR_PHONE_WEBHOOK_SECRET")
	c.GitHubToken = os.Getenv("ARQIR_GITHUB_TOKEN")
	c.GitHubWebhookSecret = os.Getenv("ARQIR_GITHUB_WEBHOOK_SECRET")

	f.StringVar(&c.SlackAPIURL, "slack-api-url", os.Getenv("ARQIR_SLACK_API_URL"), "Slack Web API base URL (default https://slack.com/api); the bot token comes from ARQIR_SLACK_TOKEN, the signing secret for slash commands and buttons from ARQIR_SLACK_SIGNING_SECRET, or an incoming webhook from ARQIR_SLACK_WEBHOOK_URL")
	f.StringVar(&c.PagerDutyURL, "pagerduty-url", os.Getenv("ARQIR_PAGERDUTY_URL"), "PagerDuty Events API v2 base URL (default https://events.pagerduty.com); the routing key comes from ARQIR_PAGERDUTY_ROUTING_KEY, the V3 webhook secret from ARQIR_PAGERDUTY_WEBHOOK_SECRET")
	f.StringVar(&c.ZoomAccountID, "zoom-account-id", os.Getenv("ARQIR_ZOOM_ACCOUNT_ID"), "Zoom Server-to-Server OAuth account ID (env ARQIR_ZOOM_ACCOUNT_ID); the client secret comes from ARQIR_ZOOM_CLIENT_SECRET")
	f.StringVar(&c.ZoomClientID, "zoom-client-id", os.Getenv("ARQIR_ZOOM_CLIENT_ID"), "Zoom Server-to-Server OAuth client ID (env ARQIR_ZOOM_CLIENT_ID)")
	f.StringVar(&c.ZoomOAuthURL, "zoom-oauth-url", os.Getenv("ARQIR_ZOOM_OAUTH_URL"), "Zoom OAuth base URL (default https://zoom.us)")
	f.StringVar(&c.ZoomAPIURL, "zoom-api-url", os.Getenv("ARQIR_ZOOM_API_URL"), "Zoom API base URL (default https://api.zoom.us/v2)")
	f.StringVar(&c.ZoomUser, "zoom-user", os.Getenv("ARQIR_ZOOM_USER"), "Zoom user who hosts incident calls (default me)")
	f.StringVar(&c.SMTPAddr, "smtp-addr", os.Getenv("ARQIR_SMTP_ADDR"), "SMTP server host:port for pages and e-mail updates (env ARQIR_SMTP_ADDR); the password comes from ARQIR_SMTP_PASSWORD")
	f.StringVar(&c.SMTPFrom, "smtp-from", envOr("ARQIR_SMTP_FROM", "arqir@localhost"), "sender address of e-mail (env ARQIR_SMTP_FROM)")
	f.StringVar(&c.SMTPUsername, "smtp-username", os.Getenv("ARQIR_SMTP_USERNAME"), "SMTP user name (env ARQIR_SMTP_USERNAME)")
	f.StringVar(&c.SMTPStartTLS, "smtp-starttls", envOr("ARQIR_SMTP_STARTTLS", "auto"), "STARTTLS: auto (when offered), always (refuse without) or never")
	f.StringVar(&c.GitHubRepo, "github-repo", os.Getenv("ARQIR_GITHUB_REPO"), "GitHub repository (owner/name) that exported action items are filed in (T6); the token comes from ARQIR_GITHUB_TOKEN, the webhook secret from ARQIR_GITHUB_WEBHOOK_SECRET")
	f.StringVar(&c.GitHubAPIURL, "github-api-url", os.Getenv("ARQIR_GITHUB_API_URL"), "GitHub REST API base URL (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3)")
	f.StringVar(&c.WebhookURL, "webhook-url", os.Getenv("ARQIR_WEBHOOK_URL"), "URL that receives notifications of channel webhook, signed with ARQIR_WEBHOOK_SECRET")
	f.StringVar(&c.SMSWebhookURL, "sms-webhook-url", os.Getenv("ARQIR_SMS_WEBHOOK_URL"), "SMS gateway URL for channel sms, signed with ARQIR_SMS_WEBHOOK_SECRET")
	f.StringVar(&c.PhoneURL, "phone-webhook-url", os.Getenv("ARQIR_PHONE_WEBHOOK_URL"), "voice-call gateway URL for channel phone, signed with ARQIR_PHONE_WEBHOOK_SECRET")
}
