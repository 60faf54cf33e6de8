package cli

import (
	"fmt"
	"strings"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// datadogPayload is the webhook payload arqir documents for Datadog
// (ingest/datadog): the default payload's fields plus a stable key and the
// transition. A test keeps it equal to ingest/datadog's template.
const datadogPayload = `{
  "id": "$ID",
  "title": "$EVENT_TITLE",
  "body": "$EVENT_MSG",
  "event_type": "$EVENT_TYPE",
  "date": "$DATE",
  "last_updated": "$LAST_UPDATED",
  "org": {"id": "$ORG_ID", "name": "$ORG_NAME"},
  "alert_cycle_key": "$ALERT_CYCLE_KEY",
  "alert_transition": "$ALERT_TRANSITION",
  "alert_id": "$ALERT_ID",
  "alert_priority": "$ALERT_PRIORITY",
  "alert_title": "$ALERT_TITLE",
  "alert_status": "$ALERT_STATUS",
  "alert_scope": "$ALERT_SCOPE",
  "alert_type": "$ALERT_TYPE",
  "alert_query": "$ALERT_QUERY",
  "alert_metric": "$ALERT_METRIC",
  "aggreg_key": "$AGGREG_KEY",
  "hostname": "$HOSTNAME",
  "link": "$LINK",
  "tags": "$TAGS"
}`

// snippet is the configuration to paste into the tool, with the
// credential filled in; empty for kinds that need none.
func snippet(c *client.CreatedIntegration) string {
	url, cred, secret := c.Endpoint.URL, c.Credential, c.SigningSecret
	in := c.Integration
	var b strings.Builder
	switch in.Kind {
	case arqir.KindAlertmanager:
		fmt.Fprintf(&b, `Paste into alertmanager.yml (and route alerts to the receiver):

receivers:
  - name: arqir
    webhook_configs:
      - url: %s
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: %s
`, url, cred)
	case arqir.KindGrafana:
		fmt.Fprintf(&b, `In Grafana, add a contact point with the Webhook integration:

  URL:                                %s
  HTTP Method:                        POST
  Authentication Header Scheme:       Bearer
  Authentication Header Credentials:  %s
  HMAC signature secret:              %s
  HMAC signature header:              %s
`, url, cred, secret, in.Setting(arqir.SettingSignatureHeader))
		if ts := in.Setting(arqir.SettingTimestampHeader); ts != "" {
			fmt.Fprintf(&b, "  HMAC timestamp header:              %s\n", ts)
		}
		if in.SignatureRequired() {
			b.WriteString("\narqir refuses requests without this signature.\n")
		} else {
			fmt.Fprintf(&b, "\narqir checks the signature whenever Grafana sends one; to refuse unsigned\nrequests, create the integration with --setting %s=true.\n", arqir.SettingRequireSignature)
		}
	case arqir.KindPagerDuty:
		fmt.Fprintf(&b, `Any PagerDuty Events API v2 client: send events to %s
with routing_key %s. In alertmanager.yml:

receivers:
  - name: arqir
    pagerduty_configs:
      - routing_key: %s
        url: %s
`, url, cred, cred, url)
	case arqir.KindOpsgenie:
		base := strings.TrimSuffix(url, "v2/alerts")
		fmt.Fprintf(&b, `Any Opsgenie Alert API client: use the API URL %s
and the API key %s (Authorization: GenieKey <key>). In alertmanager.yml:

receivers:
  - name: arqir
    opsgenie_configs:
      - api_url: %s
        api_key: %s
`, base, cred, base, cred)
	case arqir.KindDatadog:
		fmt.Fprintf(&b, `In Datadog, Integrations > Webhooks > New:

  Name:            arqir
  URL:             %s
  Custom Headers:  {"Authorization": "Bearer %s"}
  Encode as form:  off
  Payload:
%s

Then mention @webhook-arqir in the monitors that should open incidents.
`, url, cred, indent(datadogPayload, "    "))
	case arqir.KindCloudWatch:
		protocol := "https"
		if strings.HasPrefix(url, "http://") {
			protocol = "http"
		}
		fmt.Fprintf(&b, `Subscribe the endpoint to the SNS topic your CloudWatch alarms notify
(the URL holds the credential; arqir confirms the subscription itself):

  aws sns subscribe --protocol %s --notification-endpoint '%s' \
    --topic-arn %s
`, protocol, url, firstTopic(in))
		if in.Setting(arqir.SettingTopicARNs) == "" {
			fmt.Fprintf(&b, "\nThe integration accepts no topic yet: create it with --setting %s=<topic ARN>.\n", arqir.SettingTopicARNs)
		}
	case arqir.KindGeneric:
		if !in.SignatureRequired() {
			fmt.Fprintf(&b, `Send alerts as JSON, one object or an array of up to 1000 (this
integration accepts unsigned requests):

  curl -X POST '%s' \
    -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \
    -d '{"dedup_key":"disk-db-1","status":"firing","summary":"Disk 95%% full on db-1"}'

Resolve with the same dedup_key and "status":"resolved".
`, url, cred)
			break
		}
		fmt.Fprintf(&b, `Send alerts as JSON, one object or an array of up to 1000, signed with the
signing secret (arqir refuses unsigned requests; the signature covers a
timestamp, so sign each request when you send it):

  body='{"dedup_key":"disk-db-1","status":"firing","summary":"Disk 95%% full on db-1"}'
  t=$(date +%%s)
  sig=$(printf '%%s.%%s' "$t" "$body" | openssl dgst -sha256 -hmac '%s' -r | cut -d' ' -f1)
  curl -X POST '%s' \
    -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \
    -H "X-Signature-256: t=$t,v1=$sig" -d "$body"

Resolve with the same dedup_key and "status":"resolved". With an
Idempotency-Key header, sign "$t.$key.$body" instead.
`, secret, url, cred)
	}
	return b.String()
}

// firstTopic is the first allowed SNS topic, or a placeholder.
func firstTopic(in *arqir.Integration) string {
	first, _, _ := strings.Cut(in.Setting(arqir.SettingTopicARNs), ",")
	if first = strings.TrimSpace(first); first != "" {
		return first
	}
	return "<topic ARN>"
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
