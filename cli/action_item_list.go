package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newActionItemListCommand(f *clientFlags) *cobra.Command {
	var opts client.ActionItemListOptions
	var overdue bool
	cmd := &cobra.Command{
		Use:   "list [--owner HANDLE] [--category C] [--status S,…] [--overdue] [--incident INC-42]",
		Short: "List action items, the earliest due first",
		Example: `  arqir action-item list --owner ada --status open
  arqir action-item list --overdue`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			if overdue {
				opts.Overdue = &overdue
			}
			if opts.Limit < 1 || opts.Limit > maxPage {
				return usagef("--limit %d: use a number from 1 to %d", opts.Limit, maxPage)
			}
			items, err := c.ActionItems(ctx, opts)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, map[string]any{"action_items": items})
			}
			if len(items) == 0 {
				_, err := fmt.Fprintln(out, "No action items match.")
				return err
			}
			t := newTable(out)
			fmt.Fprintln(t, "ID\tINCIDENT\tCATEGORY\tSTATUS\tDUE\tOWNER\tTITLE\tISSUE")
			for _, it := range items {
				fmt.Fprintf(t, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.ID, it.IncidentID, it.Category, itemStatus(it), dueOn(it), it.Owner, oneLine(it.Title), orDash(it.TrackerURL))
			}
			return t.Flush()
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Owner, "owner", "", "only items of this owner (user handle)")
	fl.StringVar(&opts.Category, "category", "", "only items of this category")
	fl.StringSliceVar(&opts.Status, "status", nil, "only these statuses (comma-separated): open, done, cancelled")
	fl.BoolVar(&overdue, "overdue", false, "only open items past their due date")
	fl.StringVar(&opts.Incident, "incident", "", "only items of this incident")
	fl.IntVar(&opts.Limit, "limit", 100, "show at most this many")
	return cmd
}

// itemStatus is the status column: OVERDUE stands out.
func itemStatus(it *arqir.ActionItem) string {
	if it.Overdue {
		return "OVERDUE"
	}
	return string(it.Status)
}
