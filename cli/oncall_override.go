package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newOnCallOverrideCommand(f *clientFlags) *cobra.Command {
	var req client.OverrideRequest
	var schedule, from, to string
	var remove int64
	cmd := &cobra.Command{
		Use:   "override --schedule S --user U --from T --to T [--replaces V] | --remove ID",
		Short: "Put someone on call for a time range (cover for someone), or remove an override",
		Long: `Put someone on call for a time range, above the rotation: for the whole range
(whoever would be on), or with --replaces only for that person's turns.

An override starts now or later: who was on call in the past is history that
handoff reports already carry, so a --from over a minute ago is refused (a
minute of clock difference is read as now). An override starting now hands
over at once, with a handoff report to both engineers.`,
		Example: `  arqir oncall override --schedule primary --user carol --from "2026-03-10 18:00" --to "2026-03-11 09:00" --replaces ada
  arqir oncall override --schedule primary --remove 12`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			if schedule == "" {
				return usagef("name the schedule with --schedule, e.g. --schedule primary")
			}
			out := cmd.OutOrStdout()
			if remove != 0 {
				if err := c.RemoveOverride(ctx, schedule, remove); err != nil {
					return err
				}
				_, err := fmt.Fprintf(out, "Removed override %d of %s.\n", remove, schedule)
				return err
			}
			if req.User == "" || from == "" || to == "" {
				return usagef("an override needs --user, --from and --to")
			}
			loc, err := scheduleZone(ctx, c, schedule)
			if err != nil {
				return err
			}
			if req.Start, err = parseWhen("from", from, loc); err != nil {
				return err
			}
			if req.End, err = parseWhen("to", to, loc); err != nil {
				return err
			}
			o, err := c.AddOverride(ctx, schedule, req)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(out, o)
			}
			covering := "whoever is on call"
			if o.Replaces != "" {
				covering = o.Replaces
			}
			_, err = fmt.Fprintf(out, "Override %d: %s covers for %s in %s from %s to %s. Remove it with arqir oncall override --schedule %s --remove %d\n",
				o.ID, o.User, covering, schedule, local(o.Start, loc), local(o.End, loc), schedule, o.ID)
			return err
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&schedule, "schedule", "", "the schedule, e.g. primary")
	fl.StringVar(&req.User, "user", "", "who goes on call")
	fl.StringVar(&req.Replaces, "replaces", "", "whom they cover for (default: whoever is on call)")
	fl.StringVar(&from, "from", "", "start (RFC 3339, or local to the schedule: \"2026-03-10 18:00\")")
	fl.StringVar(&to, "to", "", "end")
	fl.Int64Var(&remove, "remove", 0, "remove the override with this ID instead")
	return cmd
}

func newOnCallSwapCommand(f *clientFlags) *cobra.Command {
	var schedule string
	cmd := &cobra.Command{
		Use:     "swap --schedule S START_A START_B",
		Short:   "Swap two shifts, named by their start times: each person covers the other's",
		Example: `  arqir oncall swap --schedule primary "2026-03-09 09:00" "2026-03-16 09:00"`,
		Args:    argsUsage(cobra.ExactArgs(2)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			if schedule == "" {
				return usagef("name the schedule with --schedule, e.g. --schedule primary")
			}
			loc, err := scheduleZone(ctx, c, schedule)
			if err != nil {
				return err
			}
			a, err := parseWhen("START_A", args[0], loc)
			if err != nil {
				return err
			}
			b, err := parseWhen("START_B", args[1], loc)
			if err != nil {
				return err
			}
			pair, err := c.Swap(ctx, schedule, a, b)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, pair)
			}
			for _, o := range pair {
				fmt.Fprintf(out, "Override %d: %s covers for %s from %s to %s\n", o.ID, o.User, o.Replaces, local(o.Start, loc), local(o.End, loc))
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&schedule, "schedule", "", "the schedule, e.g. primary")
	return cmd
}
