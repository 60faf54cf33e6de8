package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// createTokenRequest is the body of POST /api/v1/tokens.
type createTokenRequest struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// createdTokenBody is the answer of POST /api/v1/tokens: the only time the
// secret is ever shown, since only its hash is stored.
type createdTokenBody struct {
	Token  *arqir.Token `json:"token"`
	Secret string       `json:"secret"`
}

// tokensBody is the answer of GET /api/v1/tokens.
type tokensBody struct {
	Tokens []*arqir.Token `json:"tokens"`
}

// handleMe answers the caller's own token, so a client can check which
// name and role its credential carries.
func (s *server) handleMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, tokenOf(r))
	return nil
}

// handleListTokens lists every token, revoked ones included, never secrets.
func (s *server) handleListTokens(w http.ResponseWriter, r *http.Request) error {
	tokens, err := s.store.Tokens(r.Context())
	if err != nil {
		return err
	}
	if tokens == nil {
		tokens = []*arqir.Token{}
	}
	writeJSON(w, http.StatusOK, tokensBody{Tokens: tokens})
	return nil
}

// handleCreateToken issues a token and shows its secret this once.
func (s *server) handleCreateToken(w http.ResponseWriter, r *http.Request) error {
	var req createTokenRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	name := strings.TrimSpace(req.Name)
	if name == "" {
		return arqir.FieldErrorf(arqir.EINVALID, "name", "name is required: say who or what uses the token, e.g. \"alice\" or \"grafana\"")
	}
	role, err := arqir.ParseRole(req.Role)
	if err != nil {
		return err
	}
	secret, tok, err := s.store.CreateToken(r.Context(), name, role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createdTokenBody{Token: tok, Secret: secret})
	return nil
}

// handleRevokeToken stops a token at once: 204.
func (s *server) handleRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return arqir.FieldErrorf(arqir.EINVALID, "id", "token ID %q is not a number: see GET /api/v1/tokens", r.PathValue("id"))
	}
	if err := s.store.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
