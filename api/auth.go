package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

type tokenKey struct{}

// authenticate checks the bearer token and that its role includes need, and
// makes the token available to the handler (tokenOf). The secret is only
// passed to the store: it is never logged or echoed.
func (s *server) authenticate(need arqir.Role, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, err := bearerSecret(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		tok, err := s.store.Authenticate(r.Context(), secret)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if info := infoOf(r); info != nil {
			info.actor = tok.Name
		}
		if !tok.Role.Allows(need) {
			s.writeError(w, r, arqir.Errorf(arqir.EFORBIDDEN,
				"%s %s needs the %s role; your token %q has the %s role: ask an admin for a %s token (arqir token create --role %s --name <who>)",
				r.Method, routeOf(r), need, tok.Name, tok.Role, need, need))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok)))
	})
}

// bearerSecret returns the token of "Authorization: Bearer <token>".
func bearerSecret(r *http.Request) (string, error) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return "", arqir.Errorf(arqir.EUNAUTHORIZED, "missing bearer token: pass Authorization: Bearer <token> (create one with arqir token create)")
	}
	scheme, secret, _ := strings.Cut(h, " ")
	secret = strings.TrimSpace(secret)
	if !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return "", arqir.Errorf(arqir.EUNAUTHORIZED, "the Authorization header must be \"Bearer <token>\" (create a token with arqir token create)")
	}
	return secret, nil
}

// tokenOf is the authenticated caller's token; nil on public routes.
func tokenOf(r *http.Request) *arqir.Token {
	t, _ := r.Context().Value(tokenKey{}).(*arqir.Token)
	return t
}

// actorOf is who makes a change: the token's name, through the door named by
// the X-Arqir-Source header (api when absent). "system" is arqir itself and
// cannot be claimed from outside.
func actorOf(r *http.Request) (arqir.Actor, error) {
	a := arqir.Actor{Source: arqir.SourceAPI}
	if t := tokenOf(r); t != nil {
		a.Name = t.Name
	}
	h := strings.TrimSpace(r.Header.Get("X-Arqir-Source"))
	if h == "" {
		return a, nil
	}
	src, err := arqir.ParseSource(strings.ToLower(h))
	if err != nil || src == arqir.SourceSystem {
		return a, arqir.FieldErrorf(arqir.EINVALID, "X-Arqir-Source", "X-Arqir-Source %q is not accepted: use api, cli or web (system is reserved for arqir's own changes)", h)
	}
	a.Source = src
	return a, nil
}
