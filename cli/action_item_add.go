package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newActionItemAddCommand(f *clientFlags) *cobra.Command {
	var req client.ActionItemRequest
	cmd := &cobra.Command{
		Use:   "add INC-42 --category CATEGORY --title TEXT --owner HANDLE --due YYYY-MM-DD",
		Short: "File an action item on an incident (owner and due date required, P4)",
		Long: `File an action item on an incident. The category is one of the policy's
(P3); owner (a user handle) and due date are required (P4). A due date
already past is accepted with a warning, and the item is overdue at once.
--runbook names the runbook an "update the runbook" item changes (I6);
--export files it as a GitHub issue too (T6).`,
		Example: `  arqir action-item add INC-42 --category prevention --title "Alert on pool exhaustion" --owner ada --due 2026-12-15
  arqir action-item add INC-42 --category documentation --title "Add the restart step" --owner bob \
      --due 2026-12-01 --runbook memory_leak --export`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			it, err := c.CreateActionItem(ctx, args[0], req)
			if err != nil {
				return err
			}
			if it.Warning != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", it.Warning)
			}
			return f.printItemChanged(cmd.OutOrStdout(), it, "Filed action item %d on %s: %q (%s), owned by %s, due %s.",
				it.ID, it.IncidentID, it.Title, it.Category, it.Owner, dueOn(it))
		}),
	}
	fl := cmd.Flags()
	fl.SetNormalizeFunc(dueFlagNames)
	fl.StringVar(&req.Category, "category", "", "a category of the policy, e.g. prevention, detection, response, documentation (required)")
	fl.StringVar(&req.Title, "title", "", "what will be done (required)")
	fl.StringVar(&req.Description, "description", "", "details")
	fl.StringVar(&req.Owner, "owner", "", "the user handle of who does it (required)")
	fl.StringVar(&req.DueOn, "due", "", "the due date, YYYY-MM-DD (required)")
	fl.StringVar(&req.Runbook, "runbook", "", "the runbook id an \"update the runbook\" item changes, e.g. memory_leak")
	fl.BoolVar(&req.Export, "export", false, "file it as a GitHub issue too (when GitHub is configured)")
	return cmd
}
