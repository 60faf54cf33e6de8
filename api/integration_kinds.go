package api

import (
	"net/http"

	"github.com/arqir/arqir"
)

// kindBody describes how a monitoring tool of one kind sends to arqir: the
// endpoint under /ingest/ (served by ingest/httpingest, which this package
// may not import; e2e checks that every path here is served and
// authenticates as said), how the credential travels and the optional
// signature, and the settings the kind accepts.
type kindBody struct {
	Kind  arqir.IntegrationKind `json:"kind"`
	Title string                `json:"title"`
	// Method is the HTTP method the tool uses; empty for the built-in
	// evaluator, which receives nothing.
	Method string `json:"method"`
	// Path is the endpoint path; "{credential}" stands for the credential
	// where it travels in the URL. Empty for the built-in evaluator.
	Path string `json:"path"`
	// Auth says how the tool presents the integration credential.
	Auth string `json:"auth"`
	// Signature describes the signature scheme and when it is required;
	// empty when the kind has none.
	Signature string        `json:"signature"`
	Settings  []settingBody `json:"settings"`
}

// settingBody is one setting a kind accepts (arqir.IntegrationSettings).
type settingBody struct {
	Key      string `json:"key"`
	Default  string `json:"default"`
	Required bool   `json:"required"`
	Example  string `json:"example"`
}

// kindsBody is the answer of GET /api/v1/integrations/kinds.
type kindsBody struct {
	Kinds []kindBody `json:"kinds"`
}

// credentialPlaceholder marks where the credential goes in a path.
const credentialPlaceholder = "{credential}"

// integrationKinds describes every kind, in the order of
// arqir.IntegrationKinds. The URL shapes are those of package ingest.
var integrationKinds = map[arqir.IntegrationKind]kindBody{
	arqir.KindAlertmanager: {
		Title: "Prometheus Alertmanager webhook (v4)", Method: "POST", Path: "/ingest/alertmanager",
		Auth: "Authorization: Bearer <credential> (webhook_configs http_config.authorization), or basic auth with the credential as the password",
	},
	arqir.KindGrafana: {
		Title: "Grafana alerting webhook (v1)", Method: "POST", Path: "/ingest/grafana",
		Auth:      "Authorization: Bearer <credential> (contact point Authorization header), or basic auth with the credential as the password",
		Signature: "HMAC-SHA256 of the body with the signing secret, hex, in X-Grafana-Alert-Signature (settings signature_header, timestamp_header); checked whenever present, required once signature_header or timestamp_header is set or require_signature is true (require_signature=false opts out)",
	},
	arqir.KindPagerDuty: {
		Title: "PagerDuty Events API v2 compatible", Method: "POST", Path: "/ingest/pagerduty/v2/enqueue",
		Auth: "the routing_key of each event is the credential (PagerDuty clients send no auth header)",
	},
	arqir.KindOpsgenie: {
		Title: "Opsgenie Alert API v2 compatible", Method: "POST", Path: "/ingest/opsgenie/v2/alerts",
		Auth: "Authorization: GenieKey <credential>; set the tool's Opsgenie API URL to the endpoint without v2/alerts",
	},
	arqir.KindDatadog: {
		Title: "Datadog webhook", Method: "POST", Path: "/ingest/datadog",
		Auth: "Custom Headers {\"Authorization\": \"Bearer <credential>\"}, or the URL /ingest/datadog/<credential> when headers cannot be set",
	},
	arqir.KindCloudWatch: {
		Title: "Amazon CloudWatch alarms via SNS", Method: "POST", Path: "/ingest/cloudwatch/" + credentialPlaceholder,
		Auth:      "the credential is the last path segment of the subscription URL (SNS sends no custom headers), or basic auth https://sns:<credential>@host/ingest/cloudwatch",
		Signature: "required: the SNS message signature, checked with Amazon's certificate; only topics in the topic_arns setting are accepted",
	},
	arqir.KindGeneric: {
		Title: "arqir generic JSON (one alert or a batch)", Method: "POST", Path: "/ingest/generic",
		Auth:      "Authorization: Bearer <credential>",
		Signature: "required unless require_signature=false: X-Signature-256: t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, t + \".\" + body)>, with an Idempotency-Key header of t + \".\" + key + \".\" + body (setting signature_header)",
	},
	arqir.KindEvaluator: {
		Title: "arqir built-in rule evaluator",
		Auth:  "none: arqir queries the prometheus_url setting itself; nothing is sent to arqir",
	},
}

// kindInfo returns the description of kind with its settings.
func kindInfo(kind arqir.IntegrationKind) (kindBody, bool) {
	k, ok := integrationKinds[kind]
	if !ok {
		return kindBody{}, false
	}
	k.Kind, k.Settings = kind, []settingBody{}
	for _, s := range arqir.IntegrationSettings[kind] {
		k.Settings = append(k.Settings, settingBody{Key: s.Key, Default: s.Default, Required: s.Required, Example: s.Example})
	}
	return k, true
}

// handleIntegrationKinds lists the kinds an integration can have, each with
// its endpoint, authentication and settings, for the UI and the CLI.
func (s *server) handleIntegrationKinds(w http.ResponseWriter, _ *http.Request) error {
	body := kindsBody{Kinds: []kindBody{}}
	for _, kind := range arqir.IntegrationKinds {
		if k, ok := kindInfo(kind); ok {
			body.Kinds = append(body.Kinds, k)
		}
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
