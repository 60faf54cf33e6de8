package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newOnCallParticipantsCommand(f *clientFlags) *cobra.Command {
	var schedule, anchor string
	var clear bool
	cmd := &cobra.Command{
		Use:   "participants --schedule S USER… [--anchor DATE]",
		Short: "Assign a schedule's rotation (admin): the users in turn order",
		Long: `Assign a schedule's rotation: the users take turns in the order given, at the
policy's rotation length and handoff time. By default the first user's turn
is the one in progress now (it began at the most recent handoff); --anchor
DATE (YYYY-MM-DD, a handoff day) starts the first user's turn then instead.`,
		Example: `  arqir oncall participants --schedule primary ada bob carol
  arqir oncall participants --schedule primary ada bob --anchor 2026-03-09
  arqir oncall participants --schedule secondary --clear`,
		Args: argsUsage(cobra.ArbitraryArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			switch {
			case schedule == "":
				return usagef("name the schedule with --schedule, e.g. --schedule primary")
			case len(args) == 0 && !clear:
				return usagef("name the users in turn order, e.g. arqir oncall participants --schedule %s ada bob; --clear unassigns the rotation", schedule)
			case len(args) > 0 && clear:
				return usagef("--clear unassigns the rotation: name no users with it")
			}
			info, err := c.SetParticipants(ctx, schedule, args, anchor)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, info)
			}
			printSchedule(out, info)
			if len(info.Participants) > 0 {
				_, err = fmt.Fprintf(out, "\nCheck who is on call with arqir oncall now --schedule %s\n", schedule)
			}
			return err
		}),
	}
	cmd.Flags().StringVar(&schedule, "schedule", "", "the schedule, e.g. primary")
	cmd.Flags().StringVar(&anchor, "anchor", "", "the date (YYYY-MM-DD) the first user's turn starts (default: the turn in progress)")
	cmd.Flags().BoolVar(&clear, "clear", false, "unassign the rotation")
	return cmd
}
