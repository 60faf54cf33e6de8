package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newActionItemShowCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID",
		Short:   "Show one action item",
		Example: "  arqir action-item show 12",
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			id, err := parseItemID(args[0])
			if err != nil {
				return err
			}
			it, err := c.ActionItem(ctx, id)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), it)
			}
			return printActionItem(cmd.OutOrStdout(), it)
		}),
	}
}

// printActionItem writes an action item field by field.
func printActionItem(w io.Writer, it *arqir.ActionItem) error {
	fmt.Fprintf(w, "Action item %d of %s: %s\n\n", it.ID, it.IncidentID, it.Title)
	row := func(k, v string) { fmt.Fprintf(w, "  %-13s%s\n", k, v) }
	row("Category:", it.Category)
	row("Owner:", it.Owner)
	due := dueOn(it)
	if it.Overdue {
		due += "  OVERDUE"
	}
	row("Due:", due)
	row("Status:", string(it.Status))
	if it.ClosedAt != nil {
		row("Closed:", stamp(*it.ClosedAt))
	}
	row("Runbook:", orDash(it.Runbook))
	row("Issue:", orDash(it.TrackerURL))
	row("Filed by:", fmt.Sprintf("%s, %s", it.CreatedBy, stamp(it.CreatedAt)))
	row("Version:", fmt.Sprint(it.Version))
	if it.Description != "" {
		fmt.Fprintf(w, "\n%s\n", it.Description)
	}
	return nil
}
