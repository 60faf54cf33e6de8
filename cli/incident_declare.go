package cli

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newIncidentDeclareCommand(f *clientFlags) *cobra.Command {
	var req client.DeclareRequest
	var detectionSource string
	cmd := &cobra.Command{
		Use:   "declare --title TITLE --severity SEV [flags]",
		Short: "Declare an incident: it starts INVESTIGATING with the policy's checklist and deadlines",
		Example: `  arqir incident declare --title "Checkout errors" --severity SEV2 --service checkout
  arqir incident declare --title "Login slow" --severity SEV3 --detection-source user_report --commander carol`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			if detectionSource != "" {
				if !slices.Contains(arqir.ManualSources, detectionSource) {
					return usagef("--detection-source %q: use one of %s", detectionSource, strings.Join(arqir.ManualSources, ", "))
				}
				req.Detection = &arqir.Detection{Kind: arqir.DetectionManual, Source: detectionSource}
			}
			inc, err := c.Declare(ctx, req)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, inc)
			}
			msg := "Declared %s %s %q: %s."
			args := []any{inc.ID, inc.Severity, inc.Title, inc.Status}
			if d, ok := responseDeadline(inc); ok {
				msg += " Acknowledge it by %s (%s response target): arqir incident ack %s"
				args = append(args, stamp(d.DueAt), d.DueAt.Sub(inc.DeclaredAt), inc.ID)
			}
			return f.printChanged(out, inc, msg, args...)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&req.Title, "title", "", "what is broken, in a few words (required)")
	fl.StringVar(&req.Severity, "severity", "", "a severity of the policy, e.g. SEV1..SEV4 (required, R3)")
	fl.StringVar(&req.Summary, "summary", "", "more detail")
	fl.StringArrayVar(&req.Services, "service", nil, "an affected service (repeat for more)")
	fl.StringVar(&detectionSource, "detection-source", "", "who noticed: customer_support, user_report or internal_observation (default)")
	fl.StringVar(&req.Commander, "commander", "", "the incident commander")
	fl.BoolVar(&req.Drill, "drill", false, "a drill, not a real incident (I2)")
	return cmd
}
