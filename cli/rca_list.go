package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newRCAListCommand(f *clientFlags) *cobra.Command {
	var opts client.RCAListOptions
	var overdue bool
	cmd := &cobra.Command{
		Use:   "list [--overdue] [--state STATE,…]",
		Short: "List RCAs, the earliest due first",
		Example: `  arqir rca list --overdue
  arqir rca list --state draft,in_review`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			if overdue {
				opts.Overdue = &overdue
			}
			if opts.Limit < 1 || opts.Limit > maxPage {
				return usagef("--limit %d: use a number from 1 to %d", opts.Limit, maxPage)
			}
			rcas, err := c.RCAs(ctx, opts)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, map[string]any{"rcas": rcas})
			}
			if len(rcas) == 0 {
				_, err := fmt.Fprintln(out, "No RCAs match.")
				return err
			}
			t := newTable(out)
			fmt.Fprintln(t, "INCIDENT\tSTATE\tDUE\tMEETING\tHELD\tATTENDEES")
			for _, r := range rcas {
				due := stamp(r.DueAt)
				if r.Overdue {
					due += " OVERDUE"
				}
				fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\n", r.IncidentID, r.State, due, stampOr(r.MeetingAt, "-"), stampOr(r.HeldAt, "-"), listOrDash(r.Attendees))
			}
			return t.Flush()
		}),
	}
	fl := cmd.Flags()
	fl.BoolVar(&overdue, "overdue", false, "only RCAs whose meeting was not held by its deadline (P1)")
	fl.StringSliceVar(&opts.States, "state", nil, "only these states (comma-separated): draft, in_review, published")
	fl.IntVar(&opts.Limit, "limit", 100, "show at most this many")
	return cmd
}
