package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/arqir/arqir"
)

// sessionCookie holds the session's secret.
const sessionCookie = "arqir_session"

type ctxKey int

const sessionKey ctxKey = iota

// sessionOf returns the request's session; nil on public pages without one.
func sessionOf(r *http.Request) *arqir.Session {
	s, _ := r.Context().Value(sessionKey).(*arqir.Session)
	return s
}

// guard wraps a route with its checks, in order: a POST from another
// origin is refused; a page that needs a role needs a live session (else
// to /login) of that role (else 403); a POST needs the session's CSRF token.
func (s *server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && !s.sameOrigin(r) {
			s.forbidden(w, r, "This form was sent from another site, so it was refused. Open arqir directly and try again.")
			return
		}
		sess := s.currentSession(r)
		if sess != nil {
			r = r.WithContext(context.WithValue(r.Context(), sessionKey, sess))
		}
		if rt.Role != public {
			if sess == nil {
				if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				} else {
					s.unauthorized(w, r)
				}
				return
			}
			if !sess.Role.Allows(rt.Role) {
				s.forbidden(w, r, "Your role ("+string(sess.Role)+") cannot do this: it needs "+string(rt.Role)+". Ask an admin.")
				return
			}
			if r.Method == http.MethodPost && !validCSRF(sess.CSRF, r) {
				s.forbidden(w, r, "This form has expired or was not sent by arqir (CSRF check failed). Reload the page and try again.")
				return
			}
		}
		rt.Handler(s, w, r)
	})
}

// currentSession returns the live session of the request's cookie, or nil.
func (s *server) currentSession(r *http.Request) *arqir.Session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, err := s.sessions.Session(r.Context(), c.Value)
	if err != nil {
		if arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
			s.log.Error("read session", "err", err)
		}
		return nil
	}
	return sess
}

// validCSRF compares the form's or htmx header's token with the session's
// in constant time.
func validCSRF(want string, r *http.Request) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		r.Body = http.MaxBytesReader(nil, r.Body, maxForm)
		got = r.PostFormValue("csrf")
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// maxForm bounds a form body.
const maxForm = 64 << 10

// sameOrigin refuses a POST whose Origin (or, without one, Referer) names
// another site than this request's host or the public URL. Browsers send
// Origin on cross-site form posts, so a forged form is refused even
// before the CSRF check.
func (s *server) sameOrigin(r *http.Request) bool {
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
		if from == "" {
			return true
		}
	}
	if from == "null" {
		return false
	}
	u, err := url.Parse(from)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if s.publicURL != "" {
		if p, err := url.Parse(s.publicURL); err == nil && strings.EqualFold(p.Host, u.Host) && p.Scheme == u.Scheme {
			return true
		}
	}
	return false
}

// setSessionCookie gives the browser the session's secret.
func (s *server) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string, sess *arqir.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/",
		Expires: sess.ExpiresAt, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r),
	})
}

// secure reports whether cookies must be Secure: served over TLS, or
// published at an https URL (behind a proxy that ends TLS).
func (s *server) secure(r *http.Request) bool {
	return r.TLS != nil || s.secureURL
}

// securityHeaders sets the headers of every response: a strict
// Content-Security-Policy (no inline script or style anywhere), nosniff
// and a same-origin referrer.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only this site's scripts, styles and forms.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
