package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newOnCallAvailabilityCommand(f *clientFlags) *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:     "availability [--from T] [--to T]",
		Short:   "How fast each responder acknowledged incidents (O4), over a range (default: the last 30 days)",
		Example: `  arqir oncall availability --from 2026-01-01 --to 2026-04-01`,
		Args:    argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			fromT, err := parseWhen("from", from, time.UTC)
			if err != nil {
				return err
			}
			toT, err := parseWhen("to", to, time.UTC)
			if err != nil {
				return err
			}
			r, err := c.Availability(ctx, fromT, toT)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, r)
			}
			fmt.Fprintf(out, "Responses to incidents declared %s – %s (O4: respond within %s, acknowledge pages within %s)\n",
				stamp(r.From), stamp(r.To), secs(r.RespondWithinSeconds), secs(r.AcknowledgePageWithinSeconds))
			if len(r.Responders) == 0 {
				_, err := fmt.Fprintln(out, "  nobody acknowledged an incident in this range")
				return err
			}
			t := newTable(out)
			fmt.Fprintln(t, "RESPONDER\tACKED\tP50\tP90\tMAX\tWITHIN SEVERITY TARGET\tWITHIN O4 TARGET\tPAGES")
			for _, a := range r.Responders {
				pages := a.PagesNote
				if a.Pages != nil {
					pages = fmt.Sprintf("%d/%d acknowledged", a.Pages.Acknowledged, a.Pages.Pages)
				}
				fmt.Fprintf(t, "%s\t%d\t%s\t%s\t%s\t%.0f%%\t%.0f%%\t%s\n", who(a.Responder, a.Name), a.Acknowledged,
					secs(a.ResponseP50Seconds), secs(a.ResponseP90Seconds), secs(a.ResponseMaxSeconds),
					100*a.WithinSeverityTargetShare, 100*a.WithinRespondTargetShare, pages)
			}
			if err := t.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprintln(out, r.Note)
			return err
		}),
	}
	cmd.Flags().StringVar(&from, "from", "", "start (RFC 3339 or YYYY-MM-DD UTC; default 30 days before --to)")
	cmd.Flags().StringVar(&to, "to", "", "end (default now; at most 366 days after --from)")
	return cmd
}

// secs writes a number of seconds as a duration.
func secs(s float64) string {
	return (time.Duration(s * float64(time.Second))).Round(time.Second).String()
}
