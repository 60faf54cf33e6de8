package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newIntegrationListCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List integrations, revoked ones included (never their credentials)",
		Args:  argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			list, err := c.Integrations(ctx)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), list)
			}
			w := newTable(cmd.OutOrStdout())
			fmt.Fprintln(w, "ID\tNAME\tKIND\tSERVICE\tSEVERITY\tCREATED\tSTATE")
			for _, in := range list {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", in.ID, in.Name, in.Kind, orDash(in.Service), orDash(in.Severity), stamp(in.CreatedAt), integrationState(in))
			}
			return w.Flush()
		}),
	}
}

func newIntegrationShowCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show an integration and where its tool sends",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			id, err := parseIntegrationID(args[0])
			if err != nil {
				return err
			}
			d, err := c.Integration(ctx, id)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), d)
			}
			in, e := d.Integration, d.Endpoint
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Integration %d  %s\n\n", in.ID, in.Name)
			fmt.Fprintf(w, "Kind:            %s\n", in.Kind)
			fmt.Fprintf(w, "Service:         %s\n", orDash(in.Service))
			fmt.Fprintf(w, "Severity:        %s\n", orDash(in.Severity))
			fmt.Fprintf(w, "State:           %s\n", integrationState(in))
			fmt.Fprintf(w, "Created:         %s\n", stamp(in.CreatedAt))
			fmt.Fprintf(w, "Rotated:         %s\n", stampOr(in.RotatedAt, "never"))
			if e.URL != "" {
				fmt.Fprintf(w, "Endpoint:        %s %s\n", e.Method, e.URL)
			}
			fmt.Fprintf(w, "Authentication:  %s\n", e.Auth)
			if e.Signature != "" {
				fmt.Fprintf(w, "Signature:       %s\n", e.Signature)
			}
			for _, k := range slices.Sorted(maps.Keys(in.Settings)) {
				fmt.Fprintf(w, "Setting:         %s=%s\n", k, in.Settings[k])
			}
			return nil
		}),
	}
}

func newIntegrationKindsCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "kinds",
		Short: "List the kinds of tools that can send alerts, with their endpoints and settings",
		Args:  argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			kinds, err := c.IntegrationKinds(ctx)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), kinds)
			}
			w := cmd.OutOrStdout()
			for _, k := range kinds {
				fmt.Fprintf(w, "%s — %s\n", k.Kind, k.Title)
				if k.Path != "" {
					fmt.Fprintf(w, "  endpoint:   %s %s\n", k.Method, k.Path)
				}
				fmt.Fprintf(w, "  auth:       %s\n", k.Auth)
				if k.Signature != "" {
					fmt.Fprintf(w, "  signature:  %s\n", k.Signature)
				}
				for _, s := range k.Settings {
					req := ""
					if s.Required {
						req = " (required)"
					}
					fmt.Fprintf(w, "  setting:    %s%s, e.g. %s\n", s.Key, req, s.Example)
				}
				fmt.Fprintln(w)
			}
			return nil
		}),
	}
}
