package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newOnCallPostShiftCommand(f *clientFlags) *cobra.Command {
	var schedule, user, shift, tick string
	cmd := &cobra.Command{
		Use:   "post-shift [--schedule S] [--user U | --shift START] [--tick ITEM]",
		Short: "Show or tick the post-shift checklist (O6) of your latest shift",
		Long: `Show or tick the post-shift checklist (O6): document any incidents, update
runbooks, take part in RCA meetings. It belongs to one shift; by default the
latest shift (in progress or ended, within 60 days) of --user, which defaults
to your token's name. Unticked items show on the next handoff reports.`,
		Example: `  arqir oncall post-shift
  arqir oncall post-shift --tick 1
  arqir oncall post-shift --schedule primary --shift "2026-03-02 09:00" --tick "Update runbooks"`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			loc, err := scheduleZone(ctx, c, schedule)
			if err != nil {
				return err
			}
			start, err := parseWhen("shift", shift, loc)
			if err != nil {
				return err
			}
			if start.IsZero() {
				if start, err = latestShift(ctx, c, schedule, user); err != nil {
					return err
				}
			}
			var list *arqir.PostShiftChecklist
			if tick != "" {
				list, err = c.TickPostShift(ctx, schedule, start, tick)
			} else {
				list, err = c.PostShift(ctx, schedule, start)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, list)
			}
			printPostShift(out, list, loc)
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&schedule, "schedule", "primary", "the schedule")
	fl.StringVar(&user, "user", "", "whose latest shift (default: your token's name)")
	fl.StringVar(&shift, "shift", "", "the shift's start instead (RFC 3339, or local to the schedule)")
	fl.StringVar(&tick, "tick", "", "tick this item: its number (1, 2, …) or its text")
	return cmd
}

// latestShift finds the start of user's latest shift that has begun.
func latestShift(ctx context.Context, c *client.Client, schedule, user string) (time.Time, error) {
	if user == "" {
		me, err := c.Me(ctx)
		if err != nil {
			return time.Time{}, err
		}
		user = me.Name
	}
	now, err := c.OnCall(ctx, schedule, time.Time{})
	if err != nil {
		return time.Time{}, err
	}
	at := now.At
	shifts, err := c.Shifts(ctx, schedule, at.Add(-60*24*time.Hour), at.Add(time.Second))
	if err != nil {
		return time.Time{}, err
	}
	for i := len(shifts) - 1; i >= 0; i-- {
		if sh := shifts[i]; sh.User == user && !sh.Start.After(at) {
			return sh.Start, nil
		}
	}
	return time.Time{}, usagef("%s has had no shift in %s in the last 60 days: name another with --user, or the shift with --shift", user, schedule)
}

func printPostShift(w io.Writer, c *arqir.PostShiftChecklist, loc *time.Location) {
	fmt.Fprintf(w, "Post-shift checklist of %s, %s shift %s – %s\n", c.User, c.Schedule, local(c.ShiftStart, loc), local(c.ShiftEnd, loc))
	for _, it := range c.Items {
		if it.Done {
			fmt.Fprintf(w, "  [x] %s. %s  (%s, %s)\n", it.ID, it.Task, it.Who, stampOr(it.At, "-"))
		} else {
			fmt.Fprintf(w, "  [ ] %s. %s\n", it.ID, it.Task)
		}
	}
	if c.Done {
		fmt.Fprintln(w, "All done.")
	} else {
		fmt.Fprintln(w, "Tick an item with arqir oncall post-shift --tick N; unticked items show on the next handoff reports.")
	}
}
