// Package alertmanager parses the Prometheus Alertmanager webhook (payload
// version 4) and Grafana's alerting webhook (version 1), which is the same
// shape with a few extra fields, so one parser serves both Sources.
//
// Payload: https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
// (prometheus/alertmanager docs/configuration.md, template/template.go), and
// https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
//
// Mapping, per alert in "alerts":
//   - dedup key: "fingerprint" (both senders set it; without one, a key
//     derived from the sorted labels, which is what a fingerprint is);
//   - status: the alert's own "status" (firing|resolved), required;
//   - summary: annotation "summary", else "description", else label
//     "alertname";
//   - labels and annotations: the alert's own (they already include the
//     common ones); severity: label "severity"; group key: "groupKey";
//   - starts: "startsAt"; ends: "endsAt" for resolved alerts only (a firing
//     alert's endsAt is 0001-01-01 or a validity horizon, not an end);
//   - links: "generatorURL", and Grafana's silenceURL, dashboardURL,
//     panelURL, imageURL.
//
// Alertmanager has no signature: it authenticates with http_config
// (authorization bearer or basic_auth). Grafana may add an HMAC signature,
// which the Grafana Source verifies (see Grafana.Verify).
//
// A request is all or nothing: one bad alert refuses the whole notification
// with the alert's index in the error field. Alertmanager does not retry a
// 4xx, so the refusal shows in its notification-failure metrics and logs.
package alertmanager
