package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// loginCSRFCookie protects the sign-in form, which has no session yet: the
// form echoes the cookie's random value (double submit).
const loginCSRFCookie = "arqir_login_csrf"

type loginData struct {
	Handle string
	Next   string
}

// loginPage shows the sign-in form.
func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	if sessionOf(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.showLogin(w, r, http.StatusOK, "", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *server) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string, d loginData) {
	token := randomToken()
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: token, Path: "/login",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
	s.render(w, r, status, "login", view{Title: "Sign in", CSRF: token, Error: msg, Data: d})
}

// login checks the handle and password and starts a session.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	handle := strings.TrimSpace(r.PostFormValue("handle"))
	password := r.PostFormValue("password")
	d := loginData{Handle: handle, Next: safeNext(r.PostFormValue("next"))}

	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.showLogin(w, r, http.StatusForbidden, "The sign-in form expired. Try again.", d)
		return
	}
	key := strings.ToLower(handle) + "|" + clientIP(r)
	if !s.loginLimit.Allowed(key) {
		s.showLogin(w, r, http.StatusTooManyRequests, "Too many failed sign-ins. Wait 15 minutes, or ask an admin to reset your password.", d)
		return
	}
	if handle == "" || password == "" {
		s.showLogin(w, r, http.StatusUnprocessableEntity, "Enter your handle and password.", d)
		return
	}
	login, err := s.sessions.CheckPassword(r.Context(), handle, password)
	if err != nil {
		if arqir.ErrorCode(err) != arqir.EUNAUTHORIZED {
			s.fail(w, r, err)
			return
		}
		s.loginLimit.Fail(key)
		s.showLogin(w, r, http.StatusUnauthorized, "That handle and password do not match.", d)
		return
	}
	s.loginLimit.Reset(key)
	secret, sess, err := s.sessions.CreateSession(r.Context(), login.Handle, s.ttl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, r, secret, sess)
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Path: "/login", MaxAge: -1, HttpOnly: true, Secure: s.secure(r)})
	if login.MustChange {
		s.redirect(w, r, "/account/password", "Choose a new password before you go on.")
		return
	}
	s.redirect(w, r, d.Next, "")
}

// safeNext keeps a post-sign-in target on this site: a local path, never
// "//host" or a URL.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

// clientIP is the peer address; proxies are not trusted for it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
