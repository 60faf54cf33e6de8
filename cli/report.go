package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

// newReportCommand files a report from customer support or a user (D5). It
// works with a reporter token, which can do nothing else.
func newReportCommand() *cobra.Command {
	var r client.Report
	cmd := &cobra.Command{
		Use:   "report --title TEXT --description TEXT --source customer_support|user_report --contact WHO",
		Short: "Report a problem customers or users see: opens an incident (for support staff; a reporter token is enough)",
		Long: `Report a problem that customers or users see. arqir opens an incident
detected manually from the source (D5), at --severity or SEV3, and responders
take it from there (a reporter token opens at SEV2 at most: a responder
raises it); with --incident the report is added to that open incident
instead. Support staff need only a reporter token, which can file reports and
nothing else (an admin makes one: arqir token create --role reporter --name <who>).

Exit codes: 0 success; 1 the server failed or could not be reached; 2 bad
usage or a report the server refused (its message is printed).`,
		Example: `  arqir report --source customer_support --title "Customers cannot pay by card" \
    --description "12 tickets since 14:05 UTC: card payments fail with 'try again'" --contact ZD-4411
  arqir report --source user_report --title "Login loops" --description "..." --contact jane@example.com --incident INC-42`,
		Args: argsUsage(cobra.NoArgs),
	}
	f := addClientFlags(cmd)
	cmd.RunE = f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
		if r.ReporterContact == "" {
			return usagef("--contact is required: whom responders get back to, e.g. the customer's email or the ticket ZD-4411")
		}
		receipt, err := c.FileReport(ctx, r)
		if err != nil {
			return err
		}
		if f.json {
			return printJSON(cmd.OutOrStdout(), receipt)
		}
		_, err = fmt.Fprintln(cmd.OutOrStdout(), receipt.Message)
		return err
	})
	fl := cmd.Flags()
	fl.StringVar(&r.Title, "title", "", "what is broken, e.g. \"Customers cannot pay by card\" (required)")
	fl.StringVar(&r.Description, "description", "", "what they saw, since when, how many are affected (required)")
	fl.StringVar(&r.Source, "source", "", "customer_support or user_report (required)")
	fl.StringVar(&r.ReporterContact, "contact", "", "whom responders get back to: email, phone or ticket (required)")
	fl.StringVar(&r.Severity, "severity", "", "your estimate, e.g. SEV2 (default SEV3; SEV2 at most for a reporter token)")
	fl.StringArrayVar(&r.Services, "service", nil, "an affected service; repeat for more")
	fl.StringVar(&r.IncidentID, "incident", "", "add the report to this open incident instead of opening one")
	return cmd
}
