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
	// Settings are per-kind options (see IntegrationSettings). Never secret.
	Settings  map[string]string `json:"settings,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	RotatedAt *time.Time        `json:"rotated_at"`
	RevokedAt *time.Time        `json:"revoked_at"`
}

// Active reports whether the integration's credential still works.
func (in *Integration) Active() bool { return in.RevokedAt == nil }

// NewIntegration is the input for creating an integration.
type NewIntegration struct {
	Name     string
	Kind     IntegrationKind
	Service  string
	Severity string
	Settings map[string]string
}

// IntegrationSecrets are an integration's secrets, shown only when the
// integration is created or rotated.
type IntegrationSecrets struct {
	// Credential authenticates the sender: the bearer token or basic-auth
	// password, the PagerDuty routing key, the Opsgenie API key. Only its
	// SHA-256 is stored.
	Credential string `json:"credential"`
	// SigningSecret is the key of the sender's signature scheme (Grafana's
	// HMAC, the generic HMAC). It is stored as-is because verifying a
	// signature needs it (docs/adr/0004-integration-credentials.md), but no
	// API returns it again.
	SigningSecret string `json:"signing_secret"`
}

// IntegrationService stores integrations and checks their credentials.
type IntegrationService interface {
	// CreateIntegration stores an integration and returns its secrets, which
	// are shown only this once. Returns EUNPROCESSABLE for a bad kind, name,
	// service, severity or setting, ECONFLICT for a duplicate active name.
	CreateIntegration(ctx context.Context, n NewIntegration) (IntegrationSecrets, *Integration, error)
	// Integration returns one integration. Returns ENOTFOUND.
	Integration(ctx context.Context, id int64) (*Integration, error)
	// Integrations lists all integrations, oldest first, revoked ones included.
	Integrations(ctx context.Context) ([]*Integration, error)
	// RotateIntegration replaces the credential and the signing secret; the
	// old ones stop working at once. Returns ENOTFOUND, EUNPROCESSABLE if
	// revoked.
	RotateIntegration(ctx context.Context, id int64) (IntegrationSecrets, *Integration, error)
	// RevokeIntegration stops the credential at once; its alerts stay.
	// Returns ENOTFOUND.
	RevokeIntegration(ctx context.Context, id int64) error
	// AuthenticateIntegration returns the active integration of the kind
	// with this credential. Returns EUNAUTHORIZED otherwise (unknown,
	// rotated away, revoked, or of another kind).
	AuthenticateIntegration(ctx context.Context, kind IntegrationKind, credential string) (*Integration, error)
	// IntegrationSigningSecret returns the signing secret of an active
	// integration, to verify a request's signature. Never log it or send it
	// anywhere. Returns ENOTFOUND for an unknown or revoked integration.
	IntegrationSigningSecret(ctx context.Context, id int64) ([]byte, error)
	// AuthenticateIntegrationSigned is AuthenticateIntegration that also
	// returns the integration's signing secret, read in the same lookup:
	// ingest verifies a signature with one read per request instead of two.
	// Same errors as AuthenticateIntegration; the same care for the secret
	// as IntegrationSigningSecret.
	AuthenticateIntegrationSigned(ctx context.Context, kind IntegrationKind, credential string) (*Integration, []byte, error)
}
