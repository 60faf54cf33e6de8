package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIncidentAckCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "ack INC-42",
		Aliases: []string{"acknowledge"},
		Short:   "Acknowledge an incident (R1): you take it, and its response deadline is met",
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.Acknowledge(ctx, args[0], f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "Acknowledged %s (%s %q) as %s after %s.",
				inc.ID, inc.Severity, inc.Title, inc.AcknowledgedBy, inc.AcknowledgedAt.Sub(inc.DeclaredAt).Round(time.Second))
		}),
	}
}
