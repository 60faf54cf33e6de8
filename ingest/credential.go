package ingest

import (
	"encoding/base64"
	"strings"

	"github.com/arqir/arqir"
)

// BearerOrBasic returns the credential from "Authorization: Bearer <cred>"
// or from basic auth with the credential as the password: Alertmanager's
// http_config and Grafana's webhook offer both. how is added to the error
// message to say where this source's users configure it.
func BearerOrBasic(r *Request, how string) (string, error) {
	scheme, value := authorization(r)
	switch {
	case strings.EqualFold(scheme, "Bearer") && value != "":
		return value, nil
	case strings.EqualFold(scheme, "Basic"):
		if pass, ok := basicPassword(value); ok {
			return pass, nil
		}
		return "", arqir.Errorf(arqir.EUNAUTHORIZED, "basic auth without a password: put the integration credential in the password (%s)", how)
	case scheme != "":
		return "", arqir.Errorf(arqir.EUNAUTHORIZED, "Authorization scheme %q is not accepted: send Authorization: Bearer <credential> or basic auth with the credential as password (%s)", scheme, how)
	}
	return "", arqir.Errorf(arqir.EUNAUTHORIZED, "no credential: send Authorization: Bearer <credential> or basic auth with the credential as password (%s)", how)
}

// Bearer returns the credential from "Authorization: Bearer <cred>".
func Bearer(r *Request, how string) (string, error) {
	scheme, value := authorization(r)
	switch {
	case strings.EqualFold(scheme, "Bearer") && value != "":
		return value, nil
	case scheme != "":
		return "", arqir.Errorf(arqir.EUNAUTHORIZED, "Authorization scheme %q is not accepted: send Authorization: Bearer <credential> (%s)", scheme, how)
	}
	return "", arqir.Errorf(arqir.EUNAUTHORIZED, "no credential: send Authorization: Bearer <credential> (%s)", how)
}

// BasicPassword returns the password of basic auth, if the request has it.
func BasicPassword(r *Request) (string, bool) {
	scheme, value := authorization(r)
	if !strings.EqualFold(scheme, "Basic") {
		return "", false
	}
	return basicPassword(value)
}

// PathToken returns the single path segment of r.Path ("/abc" → "abc"), the
// credential of sources that can only carry it in the URL.
func PathToken(r *Request) (string, bool) {
	p := strings.TrimPrefix(r.Path, "/")
	if p == "" || strings.Contains(p, "/") {
		return "", false
	}
	return p, true
}

// Authorization splits the Authorization header into scheme and value.
func Authorization(r *Request) (scheme, value string) {
	return authorization(r)
}

func authorization(r *Request) (scheme, value string) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, value, _ = strings.Cut(h, " ")
	return scheme, strings.TrimSpace(value)
}

func basicPassword(value string) (string, bool) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return "", false
	}
	_, pass, ok := strings.Cut(string(raw), ":")
	return pass, ok && pass != ""
}
