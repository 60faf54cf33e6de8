package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// newRCAStateCommand is one of the commands that move an RCA: submit,
// publish and reopen.
func newRCAStateCommand(f *clientFlags, name string, to arqir.RCAState, short string) *cobra.Command {
	var reason string
	use, example := name+" INC-42", "  arqir rca "+name+" INC-42"
	if name == "reopen" {
		use += " --reason TEXT"
		example += ` --reason "the root cause was wrong"`
	}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			r, err := c.SetRCAState(ctx, args[0], string(to), reason, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printRCAChanged(cmd.OutOrStdout(), r, "The RCA of %s is now %s.", r.IncidentID, rcaStateWords(r.State))
		}),
	}
	help := "why (optional)"
	if name == "reopen" {
		help = "why the published RCA is reopened (required)"
	}
	cmd.Flags().StringVar(&reason, "reason", "", help)
	return cmd
}
