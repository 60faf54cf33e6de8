package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
	"github.com/arqir/arqir/kpi"
)

// newKPICommand prints the KPI scorecard (K1–K5, I3).
func newKPICommand() *cobra.Command {
	var opts client.KPIOptions
	var from, to string
	cmd := &cobra.Command{
		Use:   "kpi [--since 30d | --from TIME --to TIME] [--service S] [--severity SEV]",
		Short: "Show the KPI scorecard: MTTR, MTTK, MTBF, detection and false-positive rates against the policy's targets",
		Long: `Show the KPI scorecard of the procedures (K1–K5) over a window: each KPI
with its value, the policy's target, PASS or FAIL, and how many incidents it
is over; then the compliance with the time-boxed obligations (response
targets per severity, initial notice, status updates, RCA deadline); then the
weekly trend, where * marks a value that misses its target.

Incidents count by when they were declared; drills never count. A measure
without incidents shows "no data", never 0. docs/kpis.md defines every
number.

The window is --since (a length ending now: 30d, 12w, 24h, 1w3d; default
30d), or --from and --to (RFC 3339, or a date such as 2025-03-01 meaning
00:00 UTC).

Exit codes: 0 success; 1 the server failed or could not be reached; 2 bad
usage or a window the server refused (its reason is printed).`,
		Example: `  arqir kpi
  arqir kpi --since 365d --service checkout
  arqir kpi --from 2025-01-01 --to 2025-04-01 --severity SEV1 --json`,
		Args: argsUsage(cobra.NoArgs),
	}
	f := addClientFlags(cmd)
	cmd.RunE = f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
		if err := kpiWindow(&opts, from, to); err != nil {
			return err
		}
		report, err := c.KPIs(ctx, opts)
		if err != nil {
			return err
		}
		if f.json {
			return printJSON(cmd.OutOrStdout(), report)
		}
		return printKPIReport(cmd.OutOrStdout(), report)
	})
	fl := cmd.Flags()
	fl.StringVar(&opts.Since, "since", "", "length of the window ending now, e.g. 30d, 12w, 24h (default 30d)")
	fl.StringVar(&from, "from", "", "start of the window (included): RFC 3339 or a date, 2025-03-01 (00:00 UTC); needs --to")
	fl.StringVar(&to, "to", "", "end of the window (excluded): RFC 3339 or a date; needs --from")
	fl.StringVar(&opts.Service, "service", "", "only incidents affecting this service")
	fl.StringVar(&opts.Severity, "severity", "", "only incidents of this severity, e.g. SEV1")
	return cmd
}

// kpiWindow checks the window flags before anything is sent, so a mistake
// is explained in the flags' own terms (exit 2).
func kpiWindow(opts *client.KPIOptions, from, to string) error {
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	switch {
	case opts.Since != "" && (from != "" || to != ""):
		return usagef("--since and --from/--to exclude each other: pass --since 30d, or --from and --to")
	case from != "" && to == "":
		return usagef("--from needs --to: pass both, or --since for a window ending now")
	case to != "" && from == "":
		return usagef("--to needs --from: pass both, or --since for a window ending now")
	case opts.Since != "":
		if _, err := kpi.ParseSince(opts.Since); err != nil {
			return usagef("--since: %v", err)
		}
		return nil
	case from == "":
		return nil
	}
	var err error
	if opts.From, err = kpiTime("from", from); err != nil {
		return err
	}
	if opts.To, err = kpiTime("to", to); err != nil {
		return err
	}
	if !opts.From.Before(opts.To) {
		return usagef("the window is empty or inverted: --to (%s) must be after --from (%s)", stamp(opts.To), stamp(opts.From))
	}
	return nil
}

// kpiTime reads --from or --to: RFC 3339, or a date at 00:00 UTC (KPI
// weeks and windows are UTC, whatever the reader's zone).
func kpiTime(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--%s %q is not a time: write 2025-03-01 (00:00 UTC) or 2025-03-01T09:00:00Z", flag, s)
}

// printKPIReport writes the scorecard as three tables: the KPIs, the
// compliance measures, the weekly trend.
func printKPIReport(w io.Writer, r *arqir.KPIReport) error {
	scope := ""
	if r.Service != "" {
		scope += ", service " + r.Service
	}
	if r.Severity != "" {
		scope += ", severity " + r.Severity
	}
	fmt.Fprintf(w, "KPIs of the incidents declared %s – %s%s (drills excluded)\n\n", stamp(r.From), stamp(r.To), scope)

	t := newTable(w)
	fmt.Fprintln(t, "CLAUSE\tKPI\tVALUE\tTARGET\tRESULT\tSAMPLES")
	for _, k := range r.KPIs {
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%d\n", orDash(k.Clause), k.Title, k.Display, kpiTarget(k), kpiResult(k), k.Samples)
	}
	if err := t.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w)
	t = newTable(w)
	fmt.Fprintln(t, "CLAUSE\tCOMPLIANCE\tMET")
	for _, k := range r.Compliance {
		fmt.Fprintf(t, "%s\t%s\t%s\n", orDash(k.Clause), k.Title, k.Display)
	}
	if err := t.Flush(); err != nil {
		return err
	}

	if len(r.Weekly) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	t = newTable(w)
	header := []string{"WEEK OF"}
	for _, k := range r.Weekly[0].KPIs {
		header = append(header, kpiShortName(k.ID))
	}
	fmt.Fprintln(t, strings.Join(header, "\t"))
	missed := false
	for _, wk := range r.Weekly {
		row := []string{wk.Week.UTC().Format(time.DateOnly)}
		for _, k := range wk.KPIs {
			cell := k.Display
			if k.Pass != nil && !*k.Pass {
				cell += "*"
				missed = true
			}
			row = append(row, cell)
		}
		fmt.Fprintln(t, strings.Join(row, "\t"))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	if missed {
		_, err := fmt.Fprintln(w, "* misses its target")
		return err
	}
	return nil
}

// kpiTarget writes a KPI's target as the policy states it, or "-".
func kpiTarget(k arqir.KPI) string {
	if k.Target == nil {
		return "-"
	}
	return kpi.FormatTarget(k.Unit, k.Comparison, *k.Target)
}

// kpiResult is PASS, FAIL, "no data", or "-" for a value without a target.
func kpiResult(k arqir.KPI) string {
	switch {
	case k.Value == nil:
		return kpi.NoData
	case k.Pass == nil:
		return "-"
	case *k.Pass:
		return "PASS"
	}
	return "FAIL"
}

// kpiShortName is a KPI's column header in the weekly trend.
func kpiShortName(id string) string {
	switch id {
	case kpi.DetectionRate:
		return "DETECTION"
	case kpi.FalsePositiveRate:
		return "FALSE POSITIVES"
	}
	return strings.ToUpper(id)
}
