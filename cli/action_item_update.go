package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/arqir/arqir/client"
)

func newActionItemUpdateCommand(f *clientFlags) *cobra.Command {
	var title, description, owner, due, category, runbook string
	cmd := &cobra.Command{
		Use:     "update ID [--due YYYY-MM-DD] [--owner HANDLE] [--title T] [--description D] [--category C] [--runbook R]",
		Short:   "Change an action item: only the flags given change",
		Example: `  arqir action-item update 12 --due 2026-12-22 --owner bob`,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			id, err := parseItemID(args[0])
			if err != nil {
				return err
			}
			var p client.ActionItemPatch
			fl := cmd.Flags()
			set := func(name string, v *string) *string {
				if fl.Changed(name) {
					return v
				}
				return nil
			}
			p.Title, p.Description, p.Owner = set("title", &title), set("description", &description), set("owner", &owner)
			p.DueOn, p.Category, p.Runbook = set("due", &due), set("category", &category), set("runbook", &runbook)
			if p == (client.ActionItemPatch{}) {
				return usagef("nothing to change: pass at least one of --due, --owner, --title, --description, --category, --runbook")
			}
			it, err := c.UpdateActionItem(ctx, id, p, f.ifVersion()...)
			if err != nil {
				return err
			}
			var changed []string
			fl.Visit(func(fl *pflag.Flag) {
				if fl.Name != "if-version" && fl.Name != "json" && fl.Name != "url" && fl.Name != "token" {
					changed = append(changed, fl.Name)
				}
			})
			return f.printItemChanged(cmd.OutOrStdout(), it, "Updated %s of action item %d (%s): owned by %s, due %s.",
				strings.Join(changed, ", "), it.ID, it.IncidentID, it.Owner, dueOn(it))
		}),
	}
	fl := cmd.Flags()
	fl.SetNormalizeFunc(dueFlagNames)
	fl.StringVar(&due, "due", "", "the new due date, YYYY-MM-DD")
	fl.StringVar(&owner, "owner", "", "the new owner (user handle)")
	fl.StringVar(&title, "title", "", "the new title")
	fl.StringVar(&description, "description", "", "the new description")
	fl.StringVar(&category, "category", "", "the new category")
	fl.StringVar(&runbook, "runbook", "", "the runbook it updates (\"\" for none)")
	return cmd
}
