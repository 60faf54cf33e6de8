package client

import (
	"context"
	"strconv"

	"github.com/arqir/arqir"
)

// NewIntegration describes an integration to create. Name, Kind and
// Service are what people usually set; Settings are per kind (see
// IntegrationKinds).
type NewIntegration struct {
	Name     string            `json:"name"`
	Kind     string            `json:"kind"`
	Service  string            `json:"service,omitempty"`
	Severity string            `json:"severity,omitempty"`
	Settings map[string]string `json:"settings,omitempty"`
}

// Endpoint says where and how a monitoring tool sends its alerts.
type Endpoint struct {
	// URL is the full endpoint URL; for a kind that carries the credential
	// in the URL (cloudwatch) it holds the credential right after create
	// and rotate, and "{credential}" on later reads.
	URL       string `json:"url"`
	Method    string `json:"method"`
	Auth      string `json:"auth"`
	Signature string `json:"signature"`
}

// CreatedIntegration is the answer of create and rotate: the credential and
// the signing secret are shown this once.
type CreatedIntegration struct {
	Integration   *arqir.Integration `json:"integration"`
	Endpoint      Endpoint           `json:"endpoint"`
	Credential    string             `json:"credential"`
	SigningSecret string             `json:"signing_secret"`
}

// IntegrationDetail is one integration with its endpoint, never secrets.
type IntegrationDetail struct {
	Integration *arqir.Integration `json:"integration"`
	Endpoint    Endpoint           `json:"endpoint"`
}

// IntegrationKind describes one kind of monitoring tool: its endpoint path
// ("{credential}" where the credential goes), authentication, signature
// scheme and settings.
type IntegrationKind struct {
	Kind      arqir.IntegrationKind `json:"kind"`
	Title     string                `json:"title"`
	Method    string                `json:"method"`
	Path      string                `json:"path"`
	Auth      string                `json:"auth"`
	Signature string                `json:"signature"`
	Settings  []IntegrationSetting  `json:"settings"`
}

// IntegrationSetting is one setting a kind accepts.
type IntegrationSetting struct {
	Key      string `json:"key"`
	Default  string `json:"default"`
	Required bool   `json:"required"`
	Example  string `json:"example"`
}

// IntegrationKinds lists the kinds an integration can have.
func (c *Client) IntegrationKinds(ctx context.Context) ([]IntegrationKind, error) {
	var body struct {
		Kinds []IntegrationKind `json:"kinds"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/integrations/kinds", out: &body}); err != nil {
		return nil, err
	}
	return body.Kinds, nil
}

// CreateIntegration creates an integration (admin) and returns its
// endpoint, credential and signing secret, which the server never shows
// again.
func (c *Client) CreateIntegration(ctx context.Context, n NewIntegration) (*CreatedIntegration, error) {
	var out CreatedIntegration
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/integrations", in: n, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Integrations lists every integration, revoked ones included.
func (c *Client) Integrations(ctx context.Context) ([]*arqir.Integration, error) {
	var body struct {
		Integrations []*arqir.Integration `json:"integrations"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/integrations", out: &body}); err != nil {
		return nil, err
	}
	return body.Integrations, nil
}

// Integration returns one integration and its endpoint.
func (c *Client) Integration(ctx context.Context, id int64) (*IntegrationDetail, error) {
	var out IntegrationDetail
	if err := c.do(ctx, request{method: "GET", path: integrationPath(id), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// RotateIntegration replaces the credential and the signing secret (admin);
// the old ones stop working at once, the new ones are shown this once.
func (c *Client) RotateIntegration(ctx context.Context, id int64) (*CreatedIntegration, error) {
	var out CreatedIntegration
	if err := c.do(ctx, request{method: "POST", path: integrationPath(id) + "/rotate", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// RevokeIntegration stops an integration's credential at once (admin).
func (c *Client) RevokeIntegration(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: "DELETE", path: integrationPath(id)})
}

func integrationPath(id int64) string {
	return "/api/v1/integrations/" + strconv.FormatInt(id, 10)
}
