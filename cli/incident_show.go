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
)

func newIncidentShowCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "show INC-42",
		Short:   "Show an incident: its fields, deadlines, checklist and timeline",
		Example: "  arqir incident show INC-42\n  arqir incident show 42 --json   # {\"incident\": …, \"timeline\": […]}",
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			inc, err := c.Incident(ctx, args[0])
			if err != nil {
				return err
			}
			events, err := c.Timeline(ctx, args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, struct {
					Incident *arqir.Incident       `json:"incident"`
					Timeline []arqir.TimelineEvent `json:"timeline"`
				}{inc, events})
			}
			return printIncident(out, inc, events)
		}),
	}
}

// printIncident writes the incident as a person reads it during an
// incident: what and how bad first, then what is overdue, what is left to
// do, and what happened.
func printIncident(w io.Writer, inc *arqir.Incident, events []arqir.TimelineEvent) error {
	title := inc.Title
	if inc.Drill {
		title += "  [DRILL]"
	}
	fmt.Fprintf(w, "%s  %s\n\n", inc.ID, title)

	// A fixed label width, not a tabwriter: the column stays put whichever
	// rows an incident has, so people and scripts find fields in one place.
	row := func(k, v string) { fmt.Fprintf(w, "  %-18s%s\n", k, v) }
	row("Severity:", fmt.Sprintf("%s (policy revision %d)", inc.Severity, inc.PolicyRevision))
	row("Status:", string(inc.Status))
	if inc.Summary != "" {
		row("Summary:", inc.Summary)
	}
	row("Services:", listOrDash(inc.Services))
	row("Detection:", fmt.Sprintf("%s, %s", inc.Detection.Kind, inc.Detection.Source))
	row("Impact began:", stamp(inc.ImpactStartedAt))
	row("Detected:", stamp(inc.DetectedAt))
	row("Declared:", stamp(inc.DeclaredAt))
	ack := "not yet"
	if inc.AcknowledgedAt != nil {
		ack = fmt.Sprintf("%s by %s", stamp(*inc.AcknowledgedAt), inc.AcknowledgedBy)
	}
	row("Acknowledged:", ack)
	row("Commander:", orDash(inc.Commander))
	row("Responders:", listOrDash(inc.Responders))
	if inc.ResolvedAt != nil {
		row("Resolved:", fmt.Sprintf("%s, after %s", stamp(*inc.ResolvedAt), inc.ResolvedAt.Sub(inc.DeclaredAt).Round(time.Second)))
		row("Root cause:", inc.RootCause)
		row("Customer impact:", inc.CustomerImpact)
		if inc.FalsePositive {
			row("False positive:", "yes")
		}
	}
	row("Version:", fmt.Sprint(inc.Version))

	fmt.Fprintln(w, "\nDeadlines")
	t := newTable(w)
	for _, d := range inc.Deadlines {
		fmt.Fprintf(t, "  %s\tdue %s\t%s\n", d.Kind, stamp(d.DueAt), deadlineState(d))
	}
	if len(inc.Deadlines) == 0 {
		fmt.Fprintln(t, "  none")
	}
	if err := t.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nChecklist")
	printChecklist(w, inc.Checklist)

	fmt.Fprintln(w, "\nTimeline")
	return printTimeline(w, events, "  ", false)
}

// printChecklist writes [x] or [ ] per item, with who ticked it and when.
// Padding is computed rather than left to a tabwriter, which would pad the
// open items' lines with trailing spaces or misalign the columns.
func printChecklist(w io.Writer, items []arqir.ChecklistItem) {
	idWidth, taskWidth := 0, 0
	for _, c := range items {
		idWidth, taskWidth = max(idWidth, len(c.ID)), max(taskWidth, len(c.Task))
	}
	for _, c := range items {
		if c.Done {
			fmt.Fprintf(w, "  [x] %-*s  %-*s  %s, %s\n", idWidth, c.ID, taskWidth, c.Task, c.Who, stampOr(c.DoneAt, "-"))
		} else {
			fmt.Fprintf(w, "  [ ] %-*s  %s\n", idWidth, c.ID, c.Task)
		}
	}
}

// printTimeline writes events oldest first, one per line, under a header
// row if asked.
func printTimeline(w io.Writer, events []arqir.TimelineEvent, indent string, header bool) error {
	t := newTable(w)
	if header {
		fmt.Fprintf(t, "%sAT\tBY\tKIND\tWHAT\n", indent)
	}
	for _, e := range events {
		fmt.Fprintf(t, "%s%s\t%s (%s)\t%s\t%s\n", indent, stamp(e.At), e.Actor, e.Source, e.Kind, strings.ReplaceAll(e.Message, "\n", " "))
	}
	if len(events) == 0 {
		fmt.Fprintf(t, "%sno events\n", indent)
	}
	return t.Flush()
}
