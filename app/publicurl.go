package app

import (
	"net/url"
	"strings"

	"github.com/arqir/arqir"
)

// CheckPublicURL validates --public-url and returns it without a trailing
// slash: an absolute http(s) URL, optionally with a path prefix (arqir
// behind a proxy at https://example.com/arqir), without query or fragment.
// Empty is allowed: endpoint URLs then come from each request.
func CheckPublicURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", arqir.FieldErrorf(arqir.EINVALID, "public_url", "--public-url %q must be the http(s) URL people and monitoring tools reach arqir at, e.g. https://arqir.example.com, without query, fragment or credentials", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
