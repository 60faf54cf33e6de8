package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIntegrationCreateCommand(f *clientFlags) *cobra.Command {
	var (
		n        client.NewIntegration
		settings []string
	)
	cmd := &cobra.Command{
		Use:   "create --kind KIND --service SERVICE [--name NAME] [--severity SEV] [--setting KEY=VALUE]...",
		Short: "Create an integration and print its endpoint URL, credential and a configuration snippet once",
		Long: `Create an integration for a monitoring tool. arqir prints the endpoint URL,
the credential and the signing secret once, with a configuration snippet for
the tool (Alertmanager webhook_configs, PagerDuty routing key, Datadog custom
headers, SNS subscription, ...). Store the credential in the tool's
configuration now: it cannot be shown again (rotate for a new one).

Kinds: alertmanager, grafana, pagerduty, opsgenie, datadog, cloudwatch,
generic (see arqir integration kinds for endpoints and settings).`,
		Example: `  arqir integration create --kind alertmanager --service checkout
  arqir integration create --kind cloudwatch --service checkout --setting topic_arns=arn:aws:sns:eu-west-1:123456789012:alarms
  arqir integration create --kind grafana --service web --setting require_signature=true`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(n.Kind) == "" {
				return usagef("--kind is required: alertmanager, grafana, pagerduty, opsgenie, datadog, cloudwatch or generic")
			}
			if strings.TrimSpace(n.Name) == "" {
				n.Name = defaultIntegrationName(n.Kind, n.Service)
			}
			var err error
			if n.Settings, err = parseSettings(settings); err != nil {
				return err
			}
			created, err := c.CreateIntegration(ctx, n)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), created)
			}
			in := created.Integration
			svc := ""
			if in.Service != "" {
				svc = " for service " + in.Service
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created %s integration %q (id %d)%s.\n", in.Kind, in.Name, in.ID, svc)
			return printSecrets(cmd.OutOrStdout(), created)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&n.Kind, "kind", "", "the tool: alertmanager, grafana, pagerduty, opsgenie, datadog, cloudwatch or generic (required)")
	fl.StringVar(&n.Service, "service", "", "the service its alerts are about, unless a label or route says otherwise")
	fl.StringVar(&n.Name, "name", "", "what sends through it, e.g. prometheus-prod (default KIND-SERVICE)")
	fl.StringVar(&n.Severity, "severity", "", "a policy severity for all its alerts (default: routing decides per alert)")
	fl.StringArrayVar(&settings, "setting", nil, "a per-kind setting KEY=VALUE; repeat for more (see arqir integration kinds)")
	return cmd
}

// defaultIntegrationName is KIND-SERVICE, or KIND without a service.
func defaultIntegrationName(kind, service string) string {
	if s := strings.TrimSpace(service); s != "" {
		return strings.TrimSpace(kind) + "-" + s
	}
	return strings.TrimSpace(kind)
}

// parseSettings reads --setting KEY=VALUE flags.
func parseSettings(flags []string) (map[string]string, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, s := range flags {
		k, v, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usagef("--setting %q: write it as KEY=VALUE, e.g. --setting require_signature=true", s)
		}
		out[strings.TrimSpace(k)] = v
	}
	return out, nil
}

// printSecrets prints what create and rotate show once: the endpoint, the
// credential, the signing secret and the snippet for the tool.
func printSecrets(w io.Writer, c *client.CreatedIntegration) error {
	e := c.Endpoint
	fmt.Fprintln(w)
	if e.URL != "" {
		fmt.Fprintf(w, "Endpoint:        %s %s\n", e.Method, e.URL)
	}
	fmt.Fprintf(w, "Authentication:  %s\n", e.Auth)
	if e.Signature != "" {
		fmt.Fprintf(w, "Signature:       %s\n", e.Signature)
	}
	fmt.Fprintf(w, "Credential:      %s\n", c.Credential)
	fmt.Fprintf(w, "Signing secret:  %s\n", c.SigningSecret)
	fmt.Fprintf(w, "\nThe credential and the signing secret are shown only now: put them in the tool's configuration\n"+
		"(or a secret store) now. Lost? arqir integration rotate %d prints new ones.\n", c.Integration.ID)
	if s := snippet(c); s != "" {
		fmt.Fprintf(w, "\n%s", s)
	}
	return nil
}
