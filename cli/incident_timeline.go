package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newIncidentTimelineCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "timeline INC-42",
		Short: "Print an incident's timeline, oldest first (it is append-only)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			events, err := c.Timeline(ctx, args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, struct {
					Events []arqir.TimelineEvent `json:"events"`
				}{events})
			}
			return printTimeline(out, events, "", true)
		}),
	}
}
