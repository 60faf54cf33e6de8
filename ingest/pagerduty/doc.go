// Package pagerduty accepts PagerDuty Events API v2 alert events
// (POST /v2/enqueue), so that any tool that can page PagerDuty can point at
// arqir by changing its events base URL (go-pagerduty's
// WithV2EventsAPIEndpoint, Alertmanager's pagerduty_configs url, …).
//
// Spec: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
// (PagerDuty/developer-docs docs/events-API-v2/02-Trigger-Events.md) and
// https://developer.pagerduty.com/docs/events-api-v2/overview/ for responses.
//
// The routing_key in the body is the integration credential (PagerDuty sends
// no auth header). Mapping:
//   - trigger: a firing alert. dedup_key as sent; without one, arqir derives
//     one from the request body and returns it, as PagerDuty returns the key
//     it generates. (PagerDuty's key is random; arqir's is derived so that a
//     retry of the same request gets the same key.) summary, source,
//     severity (critical|error|warning|info) are required. Labels: source,
//     component, group, class. Annotations: custom_details, one per key
//     (all of it as one "custom_details" annotation when it has too many
//     keys), and client. Links: links[].href, images[].href or src,
//     client_url. payload.timestamp is the start time.
//   - acknowledge: checked (dedup_key is required) and answered like any
//     event, but it yields no AlertEvent and changes nothing. An alert is
//     only firing or resolved, and acknowledging is a responder's act on an
//     incident in arqir, which a monitoring tool's ack must not stand in
//     for. Taken as a firing event it would re-fire a resolved alert, wipe
//     the alert's annotations and count a notification, and an ack for an
//     unknown key would open an incident (docs/adr/0007-alert-ingest.md).
//   - resolve: a resolved alert; dedup_key is required; payload.timestamp,
//     if any, is the end time.
//
// Answers follow PagerDuty: 202 {"status":"success","message":"Event
// processed","dedup_key":…} (go-pagerduty treats anything but 202 as an
// error), and 400 {"status":"invalid event","message":"Event object is
// invalid","errors":[…]} for a malformed or invalid event.
package pagerduty
