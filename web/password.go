package web

import (
	"net/http"

	"github.com/arqir/arqir"
)

// passwordPage shows the change-password form.
func (s *server) passwordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", view{Title: "Change password"})
}

// changePassword checks the current password and sets the new one,
// keeping the role.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	current, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	invalid := func(msg string) {
		s.render(w, r, http.StatusUnprocessableEntity, "password", view{Title: "Change password", Error: msg})
	}
	if next != again {
		invalid("The new password and its confirmation differ. Type the same password twice.")
		return
	}
	if len([]rune(next)) < arqir.MinPasswordLen {
		invalid("Use a password of at least 12 characters.")
		return
	}
	login, err := s.sessions.CheckPassword(r.Context(), sess.Handle, current)
	if arqir.ErrorCode(err) == arqir.EUNAUTHORIZED {
		invalid("The current password is wrong.")
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.sessions.SetPassword(r.Context(), sess.Handle, next, login.Role, false); arqir.ErrorCode(err) == arqir.EUNPROCESSABLE {
		invalid(arqir.ErrorMessage(err))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	// Changing the password signs every session out (a stolen cookie stops
	// working): this browser gets a new one so its user stays signed in.
	secret, fresh, err := s.sessions.CreateSession(r.Context(), sess.Handle, s.ttl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, r, secret, fresh)
	s.redirect(w, r, "/", "Your password was changed.")
}
