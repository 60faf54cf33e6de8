package alertmanager

import (
	"github.com/arqir/arqir"
	"github.com/arqir/arqir/ingest"
)

// Source reads Alertmanager's webhook.
type Source struct{}

var _ ingest.Source = Source{}

// Kind implements ingest.Source.
func (Source) Kind() arqir.IntegrationKind { return arqir.KindAlertmanager }

// Credential implements ingest.Source: a bearer token or the basic-auth
// password, which Alertmanager sends from the webhook's http_config.
func (Source) Credential(r *ingest.Request) (string, error) {
	return ingest.BearerOrBasic(r, "in Alertmanager: webhook_configs[].http_config.authorization.credentials, or basic_auth.password")
}

// Parse implements ingest.Source.
func (Source) Parse(r *ingest.Request, _ *arqir.Integration) (*ingest.Parsed, error) {
	if err := ingest.CheckMethod(r); err != nil {
		return nil, err
	}
	return parse(arqir.KindAlertmanager, r, "")
}
