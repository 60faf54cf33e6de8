// Package datadog reads Datadog's Webhooks integration: its default payload
// and the custom payload arqir documents (testdata/custom-payload.json),
// which carries what the default lacks, a stable key and a clean state.
//
// Spec: https://docs.datadoghq.com/integrations/webhooks/ (payload and
// variables). Datadog signs nothing: the credential comes from a custom
// header, {"Authorization": "Bearer <credential>"} in the webhook's "Custom
// Headers", or from the URL, https://arqir.example.com/ingest/datadog/<credential>.
// Datadog retries only on 5xx and connection errors, so a 4xx refusal is
// final and shows in the monitor's event stream. "Encode as form" must be
// off: a form-encoded body is refused with a message saying so.
//
// Paste this as the webhook's Payload (every field optional; Datadog fills
// each $VARIABLE and leaves unknown text alone):
//
//	{
//	  "id": "$ID",
//	  "title": "$EVENT_TITLE",
//	  "body": "$EVENT_MSG",
//	  "event_type": "$EVENT_TYPE",
//	  "date": "$DATE",
//	  "last_updated": "$LAST_UPDATED",
//	  "org": {"id": "$ORG_ID", "name": "$ORG_NAME"},
//	  "alert_cycle_key": "$ALERT_CYCLE_KEY",
//	  "alert_transition": "$ALERT_TRANSITION",
//	  "alert_id": "$ALERT_ID",
//	  "alert_priority": "$ALERT_PRIORITY",
//	  "alert_title": "$ALERT_TITLE",
//	  "alert_status": "$ALERT_STATUS",
//	  "alert_scope": "$ALERT_SCOPE",
//	  "alert_type": "$ALERT_TYPE",
//	  "alert_query": "$ALERT_QUERY",
//	  "alert_metric": "$ALERT_METRIC",
//	  "aggreg_key": "$AGGREG_KEY",
//	  "hostname": "$HOSTNAME",
//	  "link": "$LINK",
//	  "tags": "$TAGS"
//	}
//
// The first seven fields are the default payload's, so both shapes are one
// parser. Mapping:
//   - status, from the first that answers: alert_transition (Triggered,
//     Re-Triggered, Warn, Re-Warn, No Data, Re-No Data, Renotify → firing;
//     Recovered → resolved); the "[Triggered]"/"[Recovered]"… prefix of
//     alert_title or title; alert_type "success" → resolved. A payload none
//     of them explains is refused (422), never guessed.
//   - dedup key: alert_cycle_key (links trigger to resolve); else
//     "datadog-monitor:<alert_id>[:<alert_scope>]"; else, for the default
//     payload, a key derived from the title without its priority and
//     transition prefix (the monitor name and the "on {scope}" group).
//   - summary: the title without its prefixes, with the group in
//     parentheses; severity: alert_priority (P1–P5), else the title's [Pn],
//     else alert_type (error, warning, info); group key: aggreg_key.
//   - labels: host ($HOSTNAME), monitor_id ($ALERT_ID), event_type, then the
//     alert_scope and tags, "key:value" → key=value (ingest.AddTagLabels).
//   - annotations: message ($EVENT_MSG), status_text, query, metric, scope,
//     transition, tags, datadog_org, event_id; links: link.
//   - times: date (epoch milliseconds) is the start of a firing alert and
//     the end of a resolved one.
//   - request key: the event id ($ID), which a retry repeats.
package datadog
