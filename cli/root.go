// Package cli is the arqir command line: one file per command. Commands that
// act on incidents are clients of the HTTP API; serve, migrate, token and
// policy check open files or the database directly.
package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes, as scripts rely on them.
const (
	ExitOK       = 0 // success
	ExitFailure  = 1 // server or network error
	ExitRejected = 2 // bad usage or input the server rejected
)

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns an error that exits with code 2.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError carries a chosen exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Main runs the command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(stderr, "arqir:", err)
	return exitCode(err)
}

func exitCode(err error) int {
	var ue *usageError
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		return ExitRejected
	}
	return ExitFailure
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "arqir",
		Short:         "arqir — incident response that runs the written procedures",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Flag and argument mistakes are usage errors: exit 2 with the reason.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{msg: err.Error()} })
	root.AddCommand(
		newServeCommand(),
		newMigrateCommand(),
		newTokenCommand(),
		newPolicyCommand(),
		newIncidentCommand(),
		newUserCommand(),
		newTeamCommand(),
		newContactsCommand(),
		newOnCallCommand(),
		newIntegrationCommand(),
		newAlertCommand(),
		newReportCommand(),
		newRCACommand(),
		newActionItemCommand(),
		newKPICommand(),
		newRulesCommand(),
	)
	return root
}

// argsUsage wraps a cobra argument validator so that wrong arguments exit 2.
func argsUsage(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return &usageError{msg: err.Error() + " (see --help)"}
		}
		return nil
	}
}
