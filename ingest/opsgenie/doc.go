// Package opsgenie accepts Opsgenie Alert API v2 create, close and
// acknowledge requests, so that tools that page Opsgenie (Alertmanager's
// opsgenie_configs, scripts, SDKs) can point their API URL at arqir.
//
// Spec: https://docs.opsgenie.com/docs/alert-api ("Create Alert", "Close
// Alert", "Acknowledge Alert").
//
//	POST /v2/alerts                                        create
//	POST /v2/alerts/{identifier}/close?identifierType=…    close
//	POST /v2/alerts/{identifier}/acknowledge?identifierType=…
//	Authorization: GenieKey <credential>
//
// Mapping of create: a firing alert. dedup key: alias; Opsgenie assigns an
// alias when none is sent, and so does arqir: it derives one from the
// request and returns it as the requestId, so a later close with
// identifierType=id or alias and that value finds the alert (Opsgenie's
// alert id is only known through its request-status API, which arqir does
// not serve). Summary: message, cut to Opsgenie's 130 characters (the full
// text stays in the "message" annotation); severity: priority (P1–P5,
// default P3). Labels: entity, source, and tags ("key:value" → key=value,
// "tag" → tag=true). Annotations: description, details (one per key), note,
// user, actions, tags, responders and visibleTo (as JSON).
//
// close is a resolved alert. acknowledge is checked and answered like a
// close but yields no AlertEvent and changes nothing: an alert is only
// firing or resolved, and acknowledging is a responder's act on an incident
// in arqir (see ingest/pagerduty for the same choice). identifierType alias
// and id (Opsgenie's default) both name the dedup key; tiny is refused.
//
// Answers follow Opsgenie: 202 {"result":"Request will be processed",
// "took":…,"requestId":…}, and errors as {"message":…,"took":…,
// "requestId":…}.
package opsgenie
