package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIncidentSeverityCommand(f *clientFlags) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:     "severity INC-42 SEV1 [--reason TEXT]",
		Short:   "Change an incident's severity (an unmet response deadline moves to the new target)",
		Example: `  arqir incident severity INC-42 SEV1 --reason "all regions affected"`,
		Args:    argsUsage(cobra.ExactArgs(2)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.ChangeSeverity(ctx, args[0], args[1], reason, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "%s is now %s.", inc.ID, inc.Severity)
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the severity changes (goes on the timeline)")
	return cmd
}
