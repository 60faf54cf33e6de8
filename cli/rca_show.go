package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newRCAShowCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:     "show INC-42",
		Short:   "Show an RCA: state, deadline, meeting, every section and the feedback",
		Example: "  arqir rca show INC-42\n  arqir rca show 42 --json",
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			r, err := c.RCA(ctx, args[0])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), r)
			}
			return printRCA(cmd.OutOrStdout(), r)
		}),
	}
}

// printRCA writes an RCA as people review it: where it stands and what is
// due first, then the sections, then the feedback.
func printRCA(w io.Writer, r *arqir.RCA) error {
	fmt.Fprintf(w, "RCA of %s  [%s]\n\n", r.IncidentID, rcaStateWords(r.State))
	row := func(k, v string) { fmt.Fprintf(w, "  %-12s%s\n", k, v) }
	due := stamp(r.DueAt)
	switch {
	case r.HeldAt != nil:
		due += " (met)"
	case r.Overdue:
		due += "  OVERDUE: hold the meeting and record it (arqir rca held)"
	}
	row("Due:", due)
	row("Meeting:", stampOr(r.MeetingAt, "not scheduled"))
	row("Held:", stampOr(r.HeldAt, "not yet"))
	row("Attendees:", listOrDash(r.Attendees))
	if r.PublishedAt != nil {
		row("Published:", stamp(*r.PublishedAt))
	}
	row("Version:", fmt.Sprint(r.Version))

	for _, s := range r.Sections {
		who := "arqir's draft"
		if s.EditedBy != "" {
			who = "edited by " + s.EditedBy + ", " + stampOr(s.EditedAt, "-")
		}
		fmt.Fprintf(w, "\n## %s  (%s; %s)\n\n", s.Title, s.ID, who)
		body := strings.TrimRight(s.Body, "\n")
		if strings.TrimSpace(body) == "" {
			body = "(empty)"
		}
		for line := range strings.Lines(body) {
			fmt.Fprintf(w, "  %s", line)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "\nFeedback")
	if len(r.Feedback) == 0 {
		fmt.Fprintln(w, "  none yet: arqir rca feedback "+r.IncidentID.String()+" --rating 1-5")
		return nil
	}
	for _, fb := range r.Feedback {
		fmt.Fprintf(w, "  %s rated %d/5", fb.Author, fb.Rating)
		if fb.WentWell != "" {
			fmt.Fprintf(w, "; went well: %s", oneLine(fb.WentWell))
		}
		if fb.ToImprove != "" {
			fmt.Fprintf(w, "; to improve: %s", oneLine(fb.ToImprove))
		}
		fmt.Fprintln(w)
	}
	return nil
}
