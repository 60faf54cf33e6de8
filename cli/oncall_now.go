package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newOnCallNowCommand(f *clientFlags) *cobra.Command {
	var schedule, at string
	cmd := &cobra.Command{
		Use:   "now [--schedule S] [--at TIME]",
		Short: "Who is on call now (or at a time) in each schedule, primary and secondary",
		Example: `  arqir oncall now
  arqir oncall now --schedule primary --at "2026-03-09 08:59"`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			var when time.Time
			if at != "" {
				loc := time.UTC
				if schedule != "" {
					var err error
					if loc, err = scheduleZone(ctx, c, schedule); err != nil {
						return err
					}
				}
				var err error
				if when, err = parseWhen("at", at, loc); err != nil {
					return err
				}
			}
			now, err := c.OnCall(ctx, schedule, when)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, now)
			}
			if len(now.Schedules) == 0 {
				_, err := fmt.Fprintln(out, "The active policy defines no on-call schedules (oncall.schedules).")
				return err
			}
			for i, a := range now.Schedules {
				if i > 0 {
					fmt.Fprintln(out)
				}
				printAnswer(out, a)
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&schedule, "schedule", "", "one schedule (default: all)")
	cmd.Flags().StringVar(&at, "at", "", "a time instead of now (RFC 3339, or local to --schedule)")
	return cmd
}

// printAnswer writes who is on call in one schedule, and what to do when
// nobody is.
func printAnswer(w io.Writer, a *arqir.OnCallAnswer) {
	loc := zoneOf(a.Zone)
	row := func(k, v string) { fmt.Fprintf(w, "  %-10s%s\n", k, v) }
	fmt.Fprintf(w, "%s (%s) at %s\n", a.Title, a.Schedule, local(a.At, loc))
	switch {
	case a.Problem != "":
		row("Problem:", a.Problem)
		return
	case !a.Assigned && a.Shift.Gap:
		row("On call:", "nobody — no one is assigned to this schedule yet")
		row("To fix:", "an admin assigns the rotation: arqir oncall participants --schedule "+a.Schedule+" HANDLE…")
		row("", "(add people first with arqir user add HANDLE --name NAME)")
		return
	case a.Shift.Gap:
		row("On call:", "nobody")
		row("Gap:", local(a.Shift.Start, loc)+" – "+local(a.Shift.End, loc))
		row("Why:", strings.Join(a.Shift.Notes, "; "))
	default:
		row("On call:", who(a.Shift.User, a.Shift.UserName)+", by "+shiftSource(a.Shift))
		row("Shift:", local(a.Shift.Start, loc)+" – "+local(a.Shift.End, loc))
	}
	if a.Next != nil {
		row("Next:", who(a.Next.User, a.Next.UserName)+" from "+local(a.Next.Start, loc))
	}
}

func newOnCallSchedulesCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "schedules",
		Short: "The policy's schedules with their rotation, participants and overrides",
		Args:  argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			list, err := c.Schedules(ctx)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, list)
			}
			for i, s := range list {
				if i > 0 {
					fmt.Fprintln(out)
				}
				printSchedule(out, s)
			}
			return nil
		}),
	}
}

func printSchedule(w io.Writer, s *arqir.ScheduleInfo) {
	loc := zoneOf(s.Zone)
	row := func(k, v string) { fmt.Fprintf(w, "  %-14s%s\n", k, v) }
	fmt.Fprintf(w, "%s (%s): %s\n", s.Title, s.Name, s.Description)
	if s.Problem != "" {
		row("Problem:", s.Problem)
	}
	layers := s.Layers
	if len(layers) == 0 { // an older server: the schedule is its one layer
		layers = []arqir.LayerInfo{{Rotation: s.Rotation, Restriction: s.Restriction, Participants: s.Participants, Anchor: s.Anchor}}
	}
	if len(layers) > 1 {
		names := make([]string, len(layers))
		for i, l := range layers {
			names[i] = l.Name
		}
		row("Layers:", strings.Join(names, ", ")+" (a later layer wins while it has someone on call)")
	}
	for _, l := range layers {
		indent, flag := "", ""
		if len(layers) > 1 {
			fmt.Fprintf(w, "  Layer %s:\n", l.Name)
			indent, flag = "  ", " --layer "+l.Name
		}
		lrow := func(k, v string) { fmt.Fprintf(w, "  %s%-14s%s\n", indent, k, v) }
		lrow("Rotation:", l.Rotation)
		if l.Restriction != "" {
			lrow("Hours:", l.Restriction)
		}
		var people []string
		for _, p := range l.Participants {
			name := who(p.Handle, p.Name)
			if p.Deleted {
				name += " [deleted: a gap]"
			}
			people = append(people, name)
		}
		if len(people) == 0 {
			lrow("Participants:", "none yet: arqir oncall participants --schedule "+s.Name+flag+" HANDLE…")
		} else {
			lrow("Participants:", strings.Join(people, ", "))
			lrow("Anchor:", l.Anchor+" (the first participant's turn starts then)")
		}
	}
	for _, o := range s.Overrides {
		what := o.User
		if o.Replaces != "" {
			what += " for " + o.Replaces
		}
		row(fmt.Sprintf("Override %d:", o.ID), fmt.Sprintf("%s, %s – %s", what, local(o.Start, loc), local(o.End, loc)))
	}
}
