package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
)

// loginReader reads the login a user has, to keep its role when --role is
// not given (sqlstore.Store.Login).
type loginReader interface {
	Login(ctx context.Context, handle string) (*arqir.Login, error)
}

// maxPasswordInput bounds what is read as a password: far more than any
// password the store accepts, so that a long one is refused with its reason.
const maxPasswordInput = 64 << 10

// newUserPasswordCommand sets the password a user signs in to the web UI
// with. Like arqir token create it opens the database directly: it is how
// an operator gets in when nobody can sign in.
func newUserPasswordCommand() *cobra.Command {
	var (
		db, role                     string
		fromStdin, generate, mustChg bool
	)
	cmd := &cobra.Command{
		Use:   "password HANDLE [--role viewer|responder|admin] [--password-stdin | --generate]",
		Short: "Set the password a user signs in to the web UI with (opens the database directly)",
		Long: `Set the password and role a user signs in to the web UI with. The user's
sessions end: they sign in again with the new password.

The password is asked for twice when stdin is a terminal (what you type is
not shown), read from stdin with --password-stdin, or generated with --generate and
printed once. Without --role a user keeps the role they have, and a user
signing in for the first time gets viewer.`,
		Example: `  arqir user password ada --role responder
  printf '%s\n' "$PASSWORD" | arqir user password ada --password-stdin
  arqir user password admin --generate`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, handle := cmd.Context(), args[0]
			if fromStdin && generate {
				return usagef("--password-stdin and --generate exclude each other: read the password or make one, not both")
			}
			var r arqir.Role
			if cmd.Flags().Changed("role") {
				switch r = arqir.Role(role); r {
				case arqir.RoleViewer, arqir.RoleResponder, arqir.RoleAdmin:
				default:
					return usagef("unknown role %q for the web UI: use viewer, responder or admin", role)
				}
			}
			store, err := app.OpenExistingStore(ctx, db, time.Now)
			if err != nil {
				return rejected(err)
			}
			defer store.Close()
			// The user is checked before the password is asked for.
			u, err := store.User(ctx, handle)
			if err != nil {
				return rejected(err)
			} else if u.Deleted() {
				return usagef("user %s was deleted on %s: deleted users cannot sign in", u.Handle, u.DeletedAt.Format("2006-01-02"))
			}
			if r == "" {
				if r, err = currentRole(ctx, store, u.Handle); err != nil {
					return err
				}
			}

			var password string
			switch {
			case generate:
				if password, err = app.GeneratePassword(); err != nil {
					return err
				}
				mustChg = true
			case fromStdin:
				if password, err = readPassword(cmd.InOrStdin()); err != nil {
					return err
				}
			case isTerminal(cmd.InOrStdin()):
				if password, err = askPassword(cmd.InOrStdin().(*os.File), cmd.ErrOrStderr(), u.Handle); err != nil {
					return err
				}
			default:
				return usagef("stdin is not a terminal: pass --password-stdin to read the password from it, or --generate to make one")
			}

			l, err := store.SetPassword(ctx, u.Handle, password, r, mustChg)
			if err != nil {
				return rejected(err)
			}
			out := cmd.OutOrStdout()
			if generate {
				fmt.Fprintf(out, "New password of %s, shown only now:\n\n    %s\n\n", l.Handle, password)
			} else {
				fmt.Fprintf(out, "Password of %s set.\n", l.Handle)
			}
			fmt.Fprintf(out, "%s signs in to the web UI as %s", l.Handle, l.Role)
			if l.MustChange {
				fmt.Fprint(out, " and must change the password at the next sign-in")
			}
			fmt.Fprintln(out, "; any sessions they had ended.")
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&db, "db", envOr("ARQIR_DB", "arqir.db"), "SQLite file or postgres:// URL (env ARQIR_DB)")
	fl.StringVar(&role, "role", "", "viewer (read), responder (act on incidents) or admin (everything); default: the user's current role, or viewer")
	fl.BoolVar(&fromStdin, "password-stdin", false, "read the password from stdin (one line)")
	fl.BoolVar(&generate, "generate", false, "generate a random 20-character password and print it once (to be changed at the next sign-in)")
	fl.BoolVar(&mustChg, "must-change", false, "ask for a new password at the next sign-in")
	return cmd
}

// currentRole is the role the user signs in with now, or viewer for a
// user who cannot sign in yet.
func currentRole(ctx context.Context, store arqir.Store, handle string) (arqir.Role, error) {
	lr, ok := store.(loginReader)
	if !ok {
		return "", usagef("--role is required with this database")
	}
	l, err := lr.Login(ctx, handle)
	switch arqir.ErrorCode(err) {
	case "":
		return l.Role, nil
	case arqir.ENOTFOUND:
		return arqir.RoleViewer, nil
	}
	return "", err
}

// readPassword reads one line: its line ending is not part of the
// password. From a pipe or a file, a second line is a mistake (the wrong
// file piped in) and refused rather than guessed at.
func readPassword(in io.Reader) (string, error) {
	br := bufio.NewReader(io.LimitReader(in, maxPasswordInput))
	line, err := br.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if err == nil && !isTerminal(in) {
		if _, err := br.ReadByte(); err == nil {
			return "", usagef("the password read from stdin has more than one line: give one line")
		}
	}
	password := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if password == "" {
		return "", usagef("no password given: type one, or use --generate")
	}
	return password, nil
}

// askPassword asks a person at the terminal tty for the new password of
// handle, twice, without echoing what they type: a password on the screen
// is a password in the scrollback and over the shoulder.
func askPassword(tty *os.File, prompt io.Writer, handle string) (string, error) {
	// Ctrl-C while echo is off would leave the shell without echo: the
	// read restores the terminal only when it returns. So an interrupt
	// restores it first, then ends the command as the signal would have.
	if state, err := term.GetState(int(tty.Fd())); err == nil {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		done := make(chan struct{})
		defer func() {
			signal.Stop(sig)
			close(done)
		}()
		go func() {
			select {
			case <-sig:
				term.Restore(int(tty.Fd()), state)
				fmt.Fprintln(prompt)
				os.Exit(130) // 128 + SIGINT, what the shell reports for an interrupted command
			case <-done:
			}
		}()
	}
	read := func(ask string) (string, error) {
		fmt.Fprint(prompt, ask)
		b, err := term.ReadPassword(int(tty.Fd()))
		fmt.Fprintln(prompt) // the Enter typed was not echoed either
		if err != nil {
			return "", fmt.Errorf("read the password from the terminal: %w", err)
		}
		return string(b), nil
	}
	first, err := read(fmt.Sprintf("New password for %s (at least %d characters, not shown): ", handle, arqir.MinPasswordLen))
	if err != nil {
		return "", err
	}
	if first == "" {
		return "", usagef("no password given: type one, or use --generate")
	}
	again, err := read("The same password again: ")
	if err != nil {
		return "", err
	}
	if again != first {
		return "", usagef("the two passwords differ: nothing was changed; run the command again")
	}
	return first, nil
}

// isTerminal reports whether r is a terminal, where a person can be asked
// for the password. (/dev/null is a character device, not a terminal.)
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
