package api

import (
	"net/http"
	"strconv"

	"github.com/arqir/arqir"
)

// createIntegrationRequest is the body of POST /api/v1/integrations.
type createIntegrationRequest struct {
	Name     string            `json:"name"`
	Kind     string            `json:"kind"`
	Service  string            `json:"service"`
	Severity string            `json:"severity"`
	Settings map[string]string `json:"settings"`
}

// createdIntegrationBody is the answer of create and rotate: the only time
// the credential and the signing secret are shown.
type createdIntegrationBody struct {
	Integration   *arqir.Integration `json:"integration"`
	Endpoint      endpointBody       `json:"endpoint"`
	Credential    string             `json:"credential"`
	SigningSecret string             `json:"signing_secret"`
}

// handleCreateIntegration stores an integration and shows its credential,
// signing secret and endpoint URL this once: 201, Location of the
// integration.
func (s *server) handleCreateIntegration(w http.ResponseWriter, r *http.Request) error {
	var req createIntegrationRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	secrets, in, err := s.store.CreateIntegration(r.Context(), arqir.NewIntegration{
		Name: req.Name, Kind: arqir.IntegrationKind(req.Kind), Service: req.Service, Severity: req.Severity, Settings: req.Settings,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/integrations/"+strconv.FormatInt(in.ID, 10))
	writeJSON(w, http.StatusCreated, s.createdIntegration(r, in, secrets))
	return nil
}

// handleRotateIntegration replaces the credential and the signing secret;
// the old ones stop working at once, and the new ones are shown this once.
func (s *server) handleRotateIntegration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt64(r, "id", "integration", "GET /api/v1/integrations")
	if err != nil {
		return err
	}
	secrets, in, err := s.store.RotateIntegration(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.createdIntegration(r, in, secrets))
	return nil
}

// handleRevokeIntegration stops the credential at once: 204. The
// integration and its alerts stay, listed as revoked.
func (s *server) handleRevokeIntegration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt64(r, "id", "integration", "GET /api/v1/integrations")
	if err != nil {
		return err
	}
	if err := s.store.RevokeIntegration(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) createdIntegration(r *http.Request, in *arqir.Integration, secrets arqir.IntegrationSecrets) createdIntegrationBody {
	return createdIntegrationBody{
		Integration: in, Endpoint: s.endpointOf(r, in, secrets.Credential),
		Credential: secrets.Credential, SigningSecret: secrets.SigningSecret,
	}
}

// pathInt64 reads a numeric {name} of the path; what names the thing and
// where names the listing that shows the IDs.
func pathInt64(r *http.Request, name, what, where string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, arqir.FieldErrorf(arqir.EINVALID, name, "%s ID %q is not a number: see %s", what, r.PathValue(name), where)
	}
	return id, nil
}
