package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// maxPage is the largest page the API serves.
const maxPage = 500

func newIncidentListCommand(f *clientFlags) *cobra.Command {
	var opts client.ListOptions
	var openOnly, closedOnly, all bool
	var limit int
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List incidents, newest first",
		Example: `  arqir incident list --open --severity SEV1,SEV2
  arqir incident list --service checkout --all --json`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			switch {
			case openOnly && closedOnly:
				return usagef("--open and --closed exclude each other: pass one of them, or neither for all")
			case openOnly, closedOnly:
				opts.Open = &openOnly
			}
			if limit < 1 && !all {
				return usagef("--limit %d: use a positive number, or --all", limit)
			}
			incidents, more, err := listIncidents(ctx, c, opts, limit, all)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, &arqir.IncidentPage{Incidents: incidents, Next: more})
			}
			if len(incidents) == 0 {
				_, err := fmt.Fprintln(out, "No incidents match.")
				return err
			}
			t := newTable(out)
			fmt.Fprintln(t, "ID\tSEV\tSTATUS\tTITLE\tSERVICES\tDECLARED\tACK BY\tDEADLINE\tCOMMANDER")
			for _, inc := range incidents {
				title := inc.Title
				if inc.Drill {
					title = "[drill] " + title
				}
				fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", inc.ID, inc.Severity, inc.Status, title,
					orDash(strings.Join(inc.Services, ",")), stamp(inc.DeclaredAt), orDash(inc.AcknowledgedBy), deadlineColumn(inc), orDash(inc.Commander))
			}
			if err := t.Flush(); err != nil {
				return err
			}
			if more != "" {
				fmt.Fprintf(out, "More incidents match: raise --limit (now %d) or pass --all.\n", limit)
			}
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Status, "status", nil, "only these statuses (comma-separated): INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED")
	fl.StringSliceVar(&opts.Severity, "severity", nil, "only these severities (comma-separated), e.g. SEV1,SEV2")
	fl.StringVar(&opts.Service, "service", "", "only incidents affecting this service")
	fl.StringVar(&opts.Query, "query", "", "only titles containing this text")
	fl.BoolVar(&openOnly, "open", false, "only unresolved incidents")
	fl.BoolVar(&closedOnly, "closed", false, "only resolved incidents")
	fl.IntVar(&limit, "limit", 50, "show at most this many")
	fl.BoolVar(&all, "all", false, "show every match (follows the pages)")
	return cmd
}

// listIncidents follows the API's pages until it has limit incidents (or
// all of them); more is the cursor of what was left out.
func listIncidents(ctx context.Context, c *client.Client, opts client.ListOptions, limit int, all bool) (incidents []*arqir.Incident, more string, err error) {
	incidents = []*arqir.Incident{}
	for {
		opts.Limit = maxPage
		if !all {
			opts.Limit = min(limit-len(incidents), maxPage)
		}
		page, err := c.Incidents(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		incidents = append(incidents, page.Incidents...)
		if page.Next == "" || (!all && len(incidents) >= limit) {
			return incidents, page.Next, nil
		}
		opts.Cursor = page.Next
	}
}
