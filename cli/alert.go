package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// newAlertCommand groups the alert commands: what monitoring tools sent,
// deduplicated, and which incident each alert belongs to.
func newAlertCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "alert",
		Aliases: []string{"alerts"},
		Short:   "List and show alerts from monitoring tools; mark noise as false positive",
		Long: `Alerts are what monitoring tools sent through their integrations,
deduplicated: a repeat updates the alert's count and last-seen time.

Exit codes: 0 success; 1 the server failed or could not be reached; 2 bad
usage or a request the server refused (its message is printed).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown alert command %q: see arqir alert --help", args[0])
			}
			return cmd.Help()
		},
	}
	f := addClientFlags(cmd)
	cmd.AddCommand(
		newAlertListCommand(f),
		newAlertShowCommand(f),
		newAlertFalsePositiveCommand(f),
	)
	return cmd
}

func newAlertListCommand(f *clientFlags) *cobra.Command {
	var o client.AlertListOptions
	cmd := &cobra.Command{
		Use:     "list [--status firing|resolved] [--incident INC-42] [--integration ID]",
		Short:   "List alerts, newest first",
		Example: "  arqir alert list --status firing\n  arqir alert list --incident INC-42",
		Args:    argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			page, err := c.Alerts(ctx, o)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), page)
			}
			w := newTable(cmd.OutOrStdout())
			fmt.Fprintln(w, "ID\tSTATUS\tSEVERITY\tSERVICE\tINCIDENT\tCOUNT\tLAST SEEN\tTITLE")
			for _, a := range page.Alerts {
				status := string(a.Status)
				if a.FalsePositive {
					status += " (false positive)"
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", a.ID, status, a.Severity, orDash(a.Service), incidentOf(a), a.Count, stamp(a.LastSeenAt), a.Title())
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if page.Next != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "\nMore: add --cursor %s\n", page.Next)
			}
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Status, "status", "", "firing or resolved")
	fl.StringVar(&o.Incident, "incident", "", "only the alerts of this incident, e.g. INC-42")
	fl.Int64Var(&o.Integration, "integration", 0, "only the alerts of this integration ID")
	fl.IntVar(&o.Limit, "limit", 0, "alerts per page, 1..500 (default 50)")
	fl.StringVar(&o.Cursor, "cursor", "", "continue a listing where the last page ended")
	return cmd
}

func newAlertShowCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one alert with its labels, annotations and links",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			id, err := parseAlertID(args[0])
			if err != nil {
				return err
			}
			a, err := c.Alert(ctx, id)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), a)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Alert %d  %s\n\n", a.ID, a.Title())
			fmt.Fprintf(w, "Status:          %s\n", a.Status)
			fmt.Fprintf(w, "Severity:        %s\n", a.Severity)
			fmt.Fprintf(w, "Service:         %s\n", orDash(a.Service))
			fmt.Fprintf(w, "Incident:        %s\n", incidentOf(a))
			fmt.Fprintf(w, "Source:          %s (integration %d)\n", a.Source, a.IntegrationID)
			fmt.Fprintf(w, "Dedup key:       %s\n", a.DedupKey)
			fmt.Fprintf(w, "Started:         %s\n", stamp(a.StartedAt))
			fmt.Fprintf(w, "Received:        %s\n", stamp(a.ReceivedAt))
			fmt.Fprintf(w, "Last seen:       %s (%d firing notifications)\n", stamp(a.LastSeenAt), a.Count)
			fmt.Fprintf(w, "Resolved:        %s\n", stampOr(a.ResolvedAt, "-"))
			if a.FalsePositive {
				fmt.Fprintf(w, "False positive:  %s (by %s at %s)\n", a.FalsePositiveReason, a.FalsePositiveBy, stampOr(a.FalsePositiveAt, "-"))
			}
			if a.Summary != "" {
				fmt.Fprintf(w, "\nSummary\n  %s\n", strings.ReplaceAll(a.Summary, "\n", "\n  "))
			}
			printMap(w, "Labels", a.Labels)
			printMap(w, "Annotations", a.Annotations)
			if len(a.Links) > 0 {
				fmt.Fprintf(w, "\nLinks\n  %s\n", strings.Join(a.Links, "\n  "))
			}
			return nil
		}),
	}
}

// printMap prints a titled block of key=value lines, sorted.
func printMap(w interface{ Write([]byte) (int, error) }, title string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(w, "  %s=%s\n", k, m[k])
	}
}

// incidentOf names the alert's incident, or "-".
func incidentOf(a *arqir.Alert) string {
	if a.IncidentID == nil {
		return "-"
	}
	return a.IncidentID.String()
}

// parseAlertID reads an alert ID argument.
func parseAlertID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("alert ID %q is not a number: see arqir alert list", s)
	}
	return id, nil
}
