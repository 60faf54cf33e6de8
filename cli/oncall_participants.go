package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newOnCallParticipantsCommand(f *clientFlags) *cobra.Command {
	var schedule, layer, anchor string
	var clear bool
	cmd := &cobra.Command{
		Use:   "participants --schedule S [--layer L] USER… [--anchor DATE]",
		Short: "Assign a schedule's rotation (admin): the users in turn order",
		Long: `Assign a schedule's rotation: the users take turns in the order given, at the
policy's rotation length and handoff time. A schedule of several layers is
assigned a layer at a time (--layer; the first by default).

Changing who rotates keeps the turns' dates: adding someone to the roster
does not move who is on call. The first time, the first user's turn is the
one in progress now (it began at the most recent handoff); --anchor DATE
(YYYY-MM-DD, a handoff day) starts the first user's turn then instead.

If the change puts someone else on call now, that is a handoff now: both
get the handoff report.`,
		Example: `  arqir oncall participants --schedule primary ada bob carol
  arqir oncall participants --schedule primary ada bob --anchor 2026-03-09
  arqir oncall participants --schedule follow --layer business-hours carol dan
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
			change, err := c.SetParticipants(ctx, schedule, client.ParticipantsRequest{Layer: layer, Users: args, Anchor: anchor})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, change)
			}
			printSchedule(out, change.ScheduleInfo)
			fmt.Fprintln(out)
			printChange(out, change)
			return nil
		}),
	}
	cmd.Flags().StringVar(&schedule, "schedule", "", "the schedule, e.g. primary")
	cmd.Flags().StringVar(&layer, "layer", "", "the layer of the schedule (default: its first)")
	cmd.Flags().StringVar(&anchor, "anchor", "", "the date (YYYY-MM-DD) the first user's turn starts (default: the turn in progress)")
	cmd.Flags().BoolVar(&clear, "clear", false, "unassign the rotation")
	return cmd
}

// printChange says who is on call after a change of participants, and
// whether the change handed the schedule over.
func printChange(w io.Writer, c *arqir.ParticipantsChange) {
	loc := zoneOf(c.Zone)
	person := func(sh arqir.Shift) string {
		if sh.Gap {
			return "nobody"
		}
		return who(sh.User, sh.UserName)
	}
	switch {
	case !c.OnCallChanged():
		fmt.Fprintf(w, "On call now: %s, as before the change.\n", person(c.After))
	case c.Handoff != 0:
		fmt.Fprintf(w, "On call now: %s, instead of %s: handed over at %s; both got handoff report %d (arqir oncall handoff-report %d).\n",
			person(c.After), person(c.Before), local(c.At, loc), c.Handoff, c.Handoff)
	default:
		fmt.Fprintf(w, "On call now: %s, instead of %s.\n", person(c.After), person(c.Before))
	}
	fmt.Fprintf(w, "Check who is on call with arqir oncall now --schedule %s\n", c.Name)
}
