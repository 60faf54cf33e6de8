package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIncidentNoteCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "note INC-42 TEXT...",
		Short:   "Add a note to an incident's timeline",
		Example: `  arqir incident note INC-42 "rolled back deploy 1432"`,
		Args:    argsUsage(cobra.MinimumNArgs(2)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			// Words after the ID are the note, so quoting is optional.
			inc, err := c.AddNote(ctx, args[0], strings.Join(args[1:], " "), f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "Added a note to %s.", inc.ID)
		}),
	}
}
