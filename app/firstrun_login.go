package app

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/arqir/arqir"
)

// FirstAdmin is the user the first start lets sign in to the web UI.
const FirstAdmin = "admin"

// loginAdder adds a user's first password only if they have none, so that
// of replicas starting together exactly one learns that its password is
// the one kept (sqlstore.Store.AddLogin).
type loginAdder interface {
	AddLogin(ctx context.Context, handle, password string, role arqir.Role, mustChange bool) (*arqir.Login, error)
}

// firstLogin makes sure somebody can sign in to the web UI: on a database
// where nobody can, it gives the user admin (created if need be) a
// generated password that must be changed at the first sign-in, and prints
// it once. The URL to sign in at is not known yet: the "arqir serving"
// log line that follows shows it.
func (a *App) firstLogin(ctx context.Context) error {
	n, err := a.Store.CountLogins(ctx)
	if err != nil || n > 0 {
		return err
	}
	adder, ok := a.Store.(loginAdder)
	if !ok {
		return fmt.Errorf("the %T store cannot add the first web login", a.Store)
	}
	_, err = a.Store.CreateUser(ctx, arqir.UserInput{Handle: FirstAdmin, Name: "Administrator"}, arqir.SystemActor)
	if err != nil && arqir.ErrorCode(err) != arqir.ECONFLICT {
		return fmt.Errorf("create the user %s: %w", FirstAdmin, err)
	} // ECONFLICT: the user exists (made by a person, or by another replica now) and is reused
	password, err := GeneratePassword()
	if err != nil {
		return err
	}
	_, err = adder.AddLogin(ctx, FirstAdmin, password, arqir.RoleAdmin, true)
	switch arqir.ErrorCode(err) {
	case "":
	case arqir.ECONFLICT:
		return nil // another replica starting at the same time added it and printed its password
	case arqir.ENOTFOUND:
		// The handle admin belonged to a user who was deleted; handles are
		// never reused, so an operator picks who signs in.
		fmt.Fprintf(a.cfg.Out, "\nNobody can sign in to the web UI yet, and the user %s was deleted.\n"+
			"Give someone a password with:  arqir user password HANDLE --role admin --generate\n\n", FirstAdmin)
		return nil
	default:
		return fmt.Errorf("give the user %s a password: %w", FirstAdmin, err)
	}
	fmt.Fprintf(a.cfg.Out, "Sign in to the web UI as %s with password: %s\n"+
		"It is shown only this once, and must be changed at the first sign-in.\n"+
		"Set passwords with:  arqir user password HANDLE --role viewer|responder|admin\n\n", FirstAdmin, password)
	return nil
}

// generatedPasswordLen is the length of generated passwords: 20 characters
// of 56 are 116 bits, beyond guessing, and short enough to type.
const generatedPasswordLen = 20

// passwordAlphabet leaves out characters that look alike (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GeneratePassword returns a random password of 20 letters and digits.
func GeneratePassword() (string, error) {
	out := make([]byte, 0, generatedPasswordLen)
	buf := make([]byte, 2*generatedPasswordLen)
	// Bytes at or above the largest multiple of the alphabet's size are
	// dropped, so that every character is equally likely.
	limit := 256 - 256%len(passwordAlphabet)
	for len(out) < generatedPasswordLen {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("generate a password: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < generatedPasswordLen {
				out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
			}
		}
	}
	return string(out), nil
}
