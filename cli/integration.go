package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// newIntegrationCommand groups the integration commands: the monitoring
// tools that send alerts to arqir, each with its own credential.
func newIntegrationCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "integration",
		Aliases: []string{"integrations"},
		Short:   "Connect monitoring tools: create, list, show, rotate and revoke integrations",
		Long: `An integration is a monitoring tool (Alertmanager, Grafana, Datadog,
CloudWatch via SNS, a PagerDuty- or Opsgenie-speaking tool, or arqir's generic
JSON) that sends alerts to arqir with its own credential. Creating and
rotating show the credential once, with the endpoint URL and a configuration
snippet to paste into the tool. Creating, rotating and revoking need an admin
token.

Exit codes: 0 success; 1 the server failed or could not be reached; 2 bad
usage or a request the server refused (its message is printed).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown integration command %q: see arqir integration --help", args[0])
			}
			return cmd.Help()
		},
	}
	f := addClientFlags(cmd)
	cmd.AddCommand(
		newIntegrationCreateCommand(f),
		newIntegrationListCommand(f),
		newIntegrationShowCommand(f),
		newIntegrationKindsCommand(f),
		newIntegrationRotateCommand(f),
		newIntegrationRevokeCommand(f),
	)
	return cmd
}

// parseIntegrationID reads an integration ID argument.
func parseIntegrationID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("integration ID %q is not a number: see arqir integration list", s)
	}
	return id, nil
}

// newIntegrationRotateCommand replaces the credential and shows the new one.
func newIntegrationRotateCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "rotate ID",
		Short: "Replace an integration's credential and signing secret; the old ones stop working at once",
		Long: `Replace an integration's credential and signing secret. The old ones stop
working at once, so update the tool's configuration right away: the new
credential is printed once, with the snippet to paste.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			id, err := parseIntegrationID(args[0])
			if err != nil {
				return err
			}
			created, err := c.RotateIntegration(ctx, id)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), created)
			}
			in := created.Integration
			fmt.Fprintf(cmd.OutOrStdout(), "Rotated %s integration %q (id %d): the old credential and signing secret no longer work.\n", in.Kind, in.Name, in.ID)
			return printSecrets(cmd.OutOrStdout(), created)
		}),
	}
}

// newIntegrationRevokeCommand stops an integration's credential.
func newIntegrationRevokeCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an integration: its credential stops working at once; its alerts stay",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			id, err := parseIntegrationID(args[0])
			if err != nil {
				return err
			}
			if err := c.RevokeIntegration(ctx, id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Revoked integration %d: its credential no longer works. Its alerts and incidents stay.\n", id)
			return nil
		}),
	}
}

// integrationState says whether an integration's credential works.
func integrationState(in *arqir.Integration) string {
	if in.RevokedAt != nil {
		return "revoked " + stamp(*in.RevokedAt)
	}
	return "active"
}
