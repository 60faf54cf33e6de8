package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument is the committed description of this API. A test checks
// that it lists exactly the routes of routes.go.
//
//go:embed openapi.json
var openAPIDocument []byte

// handleOpenAPI serves the OpenAPI 3.0 document.
func (s *server) handleOpenAPI(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(openAPIDocument) // a failed write means the client left
	return nil
}
