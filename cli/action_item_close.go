package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// newActionItemCloseCommand is done or cancel.
func newActionItemCloseCommand(f *clientFlags, name string, to arqir.ActionItemStatus, short string) *cobra.Command {
	return &cobra.Command{
		Use:     name + " ID",
		Short:   short,
		Example: "  arqir action-item " + name + " 12",
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			id, err := parseItemID(args[0])
			if err != nil {
				return err
			}
			status := string(to)
			it, err := c.UpdateActionItem(ctx, id, client.ActionItemPatch{Status: &status}, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printItemChanged(cmd.OutOrStdout(), it, "Action item %d of %s is %s: %q.", it.ID, it.IncidentID, it.Status, it.Title)
		}),
	}
}
