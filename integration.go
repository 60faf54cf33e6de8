package arqir

import (
	"context"
	"time"
)

// IntegrationKind is the kind of monitoring tool that sends alerts.
type IntegrationKind string

// Integration kinds, one per inbound endpoint.
const (
	KindAlertmanager IntegrationKind = "alertmanager" // Prometheus Alertmanager webhook v4
	KindGrafana      IntegrationKind = "grafana"      // Grafana alerting webhook v1
	KindPagerDuty    IntegrationKind = "pagerduty"    // PagerDuty Events API v2 compatible
	KindOpsgenie     IntegrationKind = "opsgenie"     // Opsgenie Alert API v2 compatible
	KindDatadog      IntegrationKind = "datadog"      // Datadog webhook
	KindCloudWatch   IntegrationKind = "cloudwatch"   // CloudWatch alarms via SNS
	KindGeneric      IntegrationKind = "generic"      // arqir's own JSON shape
	KindEvaluator    IntegrationKind = "evaluator"    // arqir's built-in rule evaluator
)

// IntegrationKinds lists every kind.
var IntegrationKinds = []IntegrationKind{KindAlertmanager, KindGrafana, KindPagerDuty, KindOpsgenie, KindDatadog, KindCloudWatch, KindGeneric, KindEvaluator}

// Integration is a configured alert source with its own credential.
type Integration struct {
	ID      int64           `json:"id"`
	Name    string          `json:"name"`
	Kind    IntegrationKind `json:"kind"`
	Service string          `json:"service"` // default service of its alerts
	// Severity, when set, is the policy severity for its alerts unless
	// routing says otherwise.
	Severity string `json:"severity,omitempty"`
	// Settings are per-kind options (e.g. "signature_header" for Grafana,
	// "topic_arns" for CloudWatch, "hmac" for generic). Never secret.
	Settings  map[string]string `json:"settings,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	RotatedAt *time.Time        `json:"rotated_at"`
	RevokedAt *time.Time        `json:"revoked_at"`
}

// NewIntegration is the input for creating an integration.
type NewIntegration struct {
	Name     string
	Kind     IntegrationKind
	Service  string
	Severity string
	Settings map[string]string
}

// IntegrationService stores integrations and checks their credentials.
type IntegrationService interface {
	// CreateIntegration stores an integration and returns its credential,
	// which is shown only this once. Returns EUNPROCESSABLE for a bad kind,
	// name or setting, ECONFLICT for a duplicate active name.
	CreateIntegration(ctx context.Context, n NewIntegration) (secret string, in *Integration, err error)
	// Integration returns one integration. Returns ENOTFOUND.
	Integration(ctx context.Context, id int64) (*Integration, error)
	// Integrations lists all integrations, revoked ones included.
	Integrations(ctx context.Context) ([]*Integration, error)
	// RotateIntegration replaces the credential; the old one stops working
	// at once. Returns ENOTFOUND, EUNPROCESSABLE if revoked.
	RotateIntegration(ctx context.Context, id int64) (secret string, in *Integration, err error)
	// RevokeIntegration stops the credential at once. Returns ENOTFOUND.
	RevokeIntegration(ctx context.Context, id int64) error
	// AuthenticateIntegration returns the active integration of the kind
	// with this credential. Returns EUNAUTHORIZED otherwise.
	AuthenticateIntegration(ctx context.Context, kind IntegrationKind, secret string) (*Integration, error)
}
