package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newIncidentUpdateCommand(f *clientFlags) *cobra.Command {
	var req client.UpdateRequest
	cmd := &cobra.Command{
		Use:   "update INC-42 [--status STATUS] --investigating TEXT [--findings TEXT] [--eta TEXT]",
		Short: "Post a structured status update (C2): what is investigated, what was found, the ETA",
		Long: `Post a structured status update (C2). It meets the incident's update
deadline, arms the next one, and goes to the incident channel and the
stakeholders. At least one of --investigating and --findings is required;
--status moves the incident to another open status with the update.`,
		Example: `  arqir incident update INC-42 --status IDENTIFIED --investigating "db failover" \
      --findings "primary down" --eta "15m"`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.PostUpdate(ctx, args[0], req, f.ifVersion()...)
			if err != nil {
				return err
			}
			next := ""
			for _, d := range inc.Deadlines {
				if d.Kind == arqir.DeadlineStatusUpdate && d.Pending() {
					next = " Next update due " + stamp(d.DueAt) + "."
				}
			}
			return f.printChanged(cmd.OutOrStdout(), inc, "Posted a status update on %s (%s).%s", inc.ID, inc.Status, next)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&req.Status, "status", "", "move the incident to INVESTIGATING, IDENTIFIED or MONITORING with the update")
	fl.StringVar(&req.Investigating, "investigating", "", "what is being investigated")
	fl.StringVar(&req.Findings, "findings", "", "what was found so far")
	fl.StringVar(&req.ETA, "eta", "", "when the next step or the fix is expected, e.g. 15m")
	return cmd
}
