package api

import (
	"net/http"

	"github.com/arqir/arqir"
)

// integrationsBody is the answer of GET /api/v1/integrations.
type integrationsBody struct {
	Integrations []*arqir.Integration `json:"integrations"`
}

// integrationBody is the answer of GET /api/v1/integrations/{id}: the
// integration and where its tool sends, never its secrets.
type integrationBody struct {
	Integration *arqir.Integration `json:"integration"`
	Endpoint    endpointBody       `json:"endpoint"`
}

// handleListIntegrations lists every integration, oldest first, revoked
// ones included.
func (s *server) handleListIntegrations(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Integrations(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []*arqir.Integration{}
	}
	writeJSON(w, http.StatusOK, integrationsBody{Integrations: list})
	return nil
}

// handleGetIntegration answers one integration with its endpoint.
func (s *server) handleGetIntegration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt64(r, "id", "integration", "GET /api/v1/integrations")
	if err != nil {
		return err
	}
	in, err := s.store.Integration(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, integrationBody{Integration: in, Endpoint: s.endpointOf(r, in, "")})
	return nil
}
