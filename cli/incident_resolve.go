package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIncidentResolveCommand(f *clientFlags) *cobra.Command {
	var req client.ResolveRequest
	cmd := &cobra.Command{
		Use:   "resolve INC-42 --root-cause TEXT --customer-impact TEXT [--false-positive]",
		Short: "Resolve an incident (C3: the root cause and the customer impact are required)",
		Example: `  arqir incident resolve INC-42 --root-cause "bad config in deploy 1432" \
      --customer-impact "5% of checkouts failed for 12 minutes"`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.Resolve(ctx, args[0], req, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "Resolved %s after %s.", inc.ID, inc.ResolvedAt.Sub(inc.DeclaredAt).Round(time.Second))
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&req.RootCause, "root-cause", "", "what caused the incident (required)")
	fl.StringVar(&req.CustomerImpact, "customer-impact", "", "who was affected and how, or \"none\" (required)")
	fl.BoolVar(&req.FalsePositive, "false-positive", false, "the alert was wrong: nothing was broken (K5)")
	return cmd
}
