package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
)

// newIncidentCommand groups the incident commands. They are clients of the
// HTTP API: they need a running `arqir serve` and a token, and every change
// they make is recorded on the timeline as coming from the CLI.
func newIncidentCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "incident",
		Aliases: []string{"incidents", "inc"},
		Short:   "Declare, list, show and act on incidents (through the API of a running arqir serve)",
		Long: `Declare, list, show and act on incidents through the API of a running
arqir serve. Point at it with --url (or ARQIR_URL) and authenticate with
--token (or ARQIR_TOKEN). --json prints the API's JSON instead of tables.

Exit codes: 0 success; 1 the server failed or could not be reached; 2 bad
usage or a request the server refused (its message is printed).`,
		// A parent with subcommands would print its help and exit 0 on a
		// misspelt subcommand; scripts must see exit 2 instead.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown incident command %q: see arqir incident --help", args[0])
			}
			return cmd.Help()
		},
	}
	f := addClientFlags(cmd)
	cmd.AddCommand(
		newIncidentDeclareCommand(f),
		newIncidentListCommand(f),
		newIncidentShowCommand(f),
		newIncidentTimelineCommand(f),
		f.addIfVersionFlag(newIncidentAckCommand(f)),
		f.addIfVersionFlag(newIncidentSeverityCommand(f)),
		f.addIfVersionFlag(newIncidentStatusCommand(f)),
		f.addIfVersionFlag(newIncidentNoteCommand(f)),
		f.addIfVersionFlag(newIncidentTickCommand(f)),
		f.addIfVersionFlag(newIncidentResolveCommand(f)),
		f.addIfVersionFlag(newIncidentReopenCommand(f)),
		f.addIfVersionFlag(newIncidentFalsePositiveCommand(f)),
		f.addIfVersionFlag(newIncidentUpdateCommand(f)),
		newIncidentNotificationsCommand(f),
	)
	return cmd
}

// printChanged prints an incident a command changed: the JSON with --json,
// else the one-line summary.
func (f *clientFlags) printChanged(w io.Writer, inc *arqir.Incident, format string, args ...any) error {
	if f.json {
		return printJSON(w, inc)
	}
	_, err := fmt.Fprintf(w, format+"\n", args...)
	return err
}
