package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIncidentFalsePositiveCommand(f *clientFlags) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:     "false-positive INC-42 --reason TEXT",
		Short:   "Mark an incident, open or resolved, a false positive (K5): it was noise, say why",
		Example: `  arqir incident false-positive INC-42 --reason "synthetic check misfired during the DNS change"`,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.MarkFalsePositive(ctx, args[0], reason, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "Marked %s a false positive: %s", inc.ID, inc.FalsePositiveReason)
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why it was noise (required; the false-positive review reads it)")
	return cmd
}
