package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newAlertFalsePositiveCommand(f *clientFlags) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:     "false-positive ID --reason TEXT",
		Short:   "Mark an alert a false positive (K5): it was noise, say why",
		Example: `  arqir alert false-positive 17 --reason "threshold too low for batch nights"`,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			id, err := parseAlertID(args[0])
			if err != nil {
				return err
			}
			a, err := c.MarkAlertFalsePositive(ctx, id, reason)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), a)
			}
			on := ""
			if a.IncidentID != nil {
				on = "; " + a.IncidentID.String() + "'s timeline says so"
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Marked alert %d (%s) a false positive%s.\n", a.ID, a.Title(), on)
			return err
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why it was noise (required; the false-positive review reads it)")
	return cmd
}
