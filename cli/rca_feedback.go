package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newRCAFeedbackCommand(f *clientFlags) *cobra.Command {
	var req client.RCAFeedbackRequest
	cmd := &cobra.Command{
		Use:     "feedback INC-42 --rating 1-5 [--went-well TEXT] [--to-improve TEXT]",
		Short:   "Say how the response went (I4); a second feedback of yours replaces the first",
		Example: `  arqir rca feedback INC-42 --rating 4 --went-well "fast rollback" --to-improve "paging took 6 minutes"`,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("rating") {
				return usagef("--rating is required: from 1 (the response went poorly) to 5 (excellent)")
			}
			r, err := c.AddRCAFeedback(ctx, args[0], req)
			if err != nil {
				return err
			}
			return f.printRCAChanged(cmd.OutOrStdout(), r, "Thanks: your feedback on %s is recorded (%d/5).", r.IncidentID, req.Rating)
		}),
	}
	fl := cmd.Flags()
	fl.IntVar(&req.Rating, "rating", 0, "how the response went, 1 (poorly) to 5 (excellent) (required)")
	fl.StringVar(&req.WentWell, "went-well", "", "what went well")
	fl.StringVar(&req.ToImprove, "to-improve", "", "what to improve")
	return cmd
}
