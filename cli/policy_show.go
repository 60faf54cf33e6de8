package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

// newPolicyShowCommand asks the server which policy is active: the revision
// every new incident records, its declared version and its hash.
func newPolicyShowCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the active policy of a running server (revision, version, hash) and its history",
		Args:  argsUsage(cobra.NoArgs),
	}
	flags := addClientFlags(cmd)
	var history bool
	cmd.Flags().BoolVar(&history, "history", false, "also list every applied revision")
	cmd.RunE = flags.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
		p, err := c.Policy(ctx)
		if err != nil {
			return err
		}
		if flags.json && !history {
			return printJSON(cmd.OutOrStdout(), p)
		}
		out := cmd.OutOrStdout()
		if !flags.json {
			fmt.Fprintf(out, "revision %d  version %s  %s\napplied %s by %s\n", p.Revision, p.Version, p.Hash, stamp(p.AppliedAt), p.AppliedBy)
			w := newTable(out)
			fmt.Fprintln(w, "SEVERITY\tTITLE\tRESPOND WITHIN")
			for _, s := range p.Severities {
				fmt.Fprintf(w, "%s\t%s\t%s\n", s.Name, s.Title, s.Target())
			}
			if err := w.Flush(); err != nil {
				return err
			}
		}
		if !history {
			return nil
		}
		recs, err := c.PolicyHistory(ctx)
		if err != nil {
			return err
		}
		if flags.json {
			return printJSON(out, map[string]any{"active": p, "history": recs})
		}
		w := newTable(out)
		fmt.Fprintln(w, "\nREVISION\tVERSION\tHASH\tAPPLIED\tBY")
		for _, r := range recs {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", r.Revision, r.Version, r.Hash, stamp(r.AppliedAt), r.AppliedBy)
		}
		return w.Flush()
	})
	return cmd
}
