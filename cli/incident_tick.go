package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIncidentTickCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "tick INC-42 ITEM",
		Short:   "Tick a checklist item you did, e.g. R4 (see arqir incident show)",
		Example: "  arqir incident tick INC-42 R4",
		Args:    argsUsage(cobra.ExactArgs(2)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.TickChecklist(ctx, args[0], args[1], f.ifVersion()...)
			if err != nil {
				return err
			}
			task := ""
			for _, item := range inc.Checklist {
				if strings.EqualFold(item.ID, args[1]) {
					task = ": " + item.Task
				}
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "Ticked %s on %s%s.", strings.ToUpper(args[1]), inc.ID, task)
		}),
	}
}
