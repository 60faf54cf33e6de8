package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIncidentReopenCommand(f *clientFlags) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:     "reopen INC-42 --reason TEXT",
		Short:   "Reopen a resolved incident; it returns to INVESTIGATING",
		Example: `  arqir incident reopen INC-42 --reason "errors are back"`,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.Reopen(ctx, args[0], reason, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "Reopened %s: %s.", inc.ID, inc.Status)
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why it is reopened (required)")
	return cmd
}
