package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIncidentStatusCommand(f *clientFlags) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:     "status INC-42 INVESTIGATING|IDENTIFIED|MONITORING [--note TEXT]",
		Short:   "Move an open incident to another status (resolve it with arqir incident resolve)",
		Example: `  arqir incident status INC-42 IDENTIFIED --note "bad deploy 14:02"`,
		Args:    argsUsage(cobra.ExactArgs(2)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.ChangeStatus(ctx, args[0], args[1], note, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "%s is now %s.", inc.ID, inc.Status)
		}),
	}
	cmd.Flags().StringVar(&note, "note", "", "what changed (goes on the timeline)")
	return cmd
}
