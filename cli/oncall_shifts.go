package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newOnCallShiftsCommand(f *clientFlags) *cobra.Command {
	var schedule, from, to, user string
	var n int
	cmd := &cobra.Command{
		Use:   "shifts --schedule S [--from T] [--to T] | --user U [-n N]",
		Short: "The shifts of a schedule in a range (at most 366 days), or a user's next shifts",
		Example: `  arqir oncall shifts --schedule primary --from 2026-03-01 --to 2026-04-01
  arqir oncall shifts --user ada -n 3`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if user != "" {
				if schedule != "" || from != "" || to != "" {
					return usagef("--user lists a person's next shifts in every schedule: leave out --schedule, --from and --to")
				}
				u, err := c.User(ctx, user)
				if err != nil {
					return err
				}
				shifts, err := c.UserShifts(ctx, user, time.Time{}, n)
				if err != nil {
					return err
				}
				if f.json {
					return printJSON(out, shifts)
				}
				fmt.Fprintf(out, "Next shifts of %s (times in %s)\n", who(u.Handle, u.Name), u.TimeZone)
				printShifts(out, shifts, zoneOf(u.TimeZone), "  ")
				return nil
			}
			if schedule == "" {
				return usagef("name a schedule with --schedule (e.g. primary), or a person with --user")
			}
			loc, err := scheduleZone(ctx, c, schedule)
			if err != nil {
				return err
			}
			fromT, err := parseWhen("from", from, loc)
			if err != nil {
				return err
			}
			toT, err := parseWhen("to", to, loc)
			if err != nil {
				return err
			}
			shifts, err := c.Shifts(ctx, schedule, fromT, toT)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(out, shifts)
			}
			fmt.Fprintf(out, "Shifts of %s (times in %s)\n", schedule, loc)
			printShifts(out, shifts, loc, "  ")
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&schedule, "schedule", "", "the schedule, e.g. primary")
	fl.StringVar(&from, "from", "", "start of the range (default now)")
	fl.StringVar(&to, "to", "", "end of the range (default two weeks after --from; at most 366 days after it)")
	fl.StringVar(&user, "user", "", "a person's next shifts instead, in every schedule")
	fl.IntVarP(&n, "n", "n", 5, "how many of a person's next shifts (1–100)")
	return cmd
}
