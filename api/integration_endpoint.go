package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/arqir/arqir"
)

// endpointBody tells a person where to point a monitoring tool.
type endpointBody struct {
	// URL is the full endpoint URL. For a kind that carries the credential
	// in the URL (cloudwatch) it holds the credential when the credential is
	// shown (create, rotate) and "{credential}" otherwise.
	URL    string `json:"url"`
	Method string `json:"method"`
	Auth   string `json:"auth"`
	// Signature describes the signature scheme and when it is required;
	// empty when none.
	Signature string `json:"signature"`
}

// endpointOf is the endpoint of an integration; credential is filled into
// the URL where the kind carries it there ("" leaves the placeholder).
func (s *server) endpointOf(r *http.Request, in *arqir.Integration, credential string) endpointBody {
	k, ok := kindInfo(in.Kind)
	if !ok || k.Path == "" {
		return endpointBody{Auth: k.Auth}
	}
	path := k.Path
	if credential != "" {
		path = strings.ReplaceAll(path, credentialPlaceholder, url.PathEscape(credential))
	}
	return endpointBody{URL: s.endpointBase(r) + path, Method: k.Method, Auth: k.Auth, Signature: k.Signature}
}

// endpointBase is where monitoring tools reach arqir: the configured public
// URL, else the scheme and host the request came to (X-Forwarded-Proto from
// a TLS-terminating proxy, else whether this connection is TLS). Behind a
// proxy that rewrites the host, configure serve --public-url instead.
func (s *server) endpointBase(r *http.Request) string {
	if s.publicURL != "" {
		return s.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	if p := strings.ToLower(strings.TrimSpace(first)); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if host == "" {
		host = "127.0.0.1:8080"
	}
	return scheme + "://" + host
}
