package cli

import (
	"encoding/json"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/arqir/arqir"
)

// printJSON writes v as indented JSON: what --json prints, the same
// documents the API answers.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// newTable aligns tab-separated columns; call Flush when done.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// stamp writes a time in UTC, to the second: every reader of an incident
// sees the same clock, whatever their zone.
func stamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// stampOr writes an optional time, or the placeholder.
func stampOr(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return stamp(*t)
}

// orDash writes "-" for an empty value, so table columns stay aligned.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// listOrDash joins names, or writes "-".
func listOrDash(names []string) string { return orDash(strings.Join(names, ", ")) }

// deadlineState says where a deadline stands: met, BREACHED, moot or pending.
func deadlineState(d arqir.Deadline) string {
	switch {
	case d.BreachedAt != nil:
		return "BREACHED at " + stamp(*d.BreachedAt)
	case d.MetAt != nil:
		return "met at " + stamp(*d.MetAt)
	case d.CancelledAt != nil:
		return "moot (resolved first) at " + stamp(*d.CancelledAt)
	}
	return "pending"
}

// deadlineColumn is the short deadline state of an incident for a list:
// BREACHED if any was missed, else the next pending due time.
func deadlineColumn(inc *arqir.Incident) string {
	if inc.Breached() {
		return "BREACHED"
	}
	for _, d := range inc.Deadlines {
		if d.Pending() {
			return d.Kind + " by " + d.DueAt.UTC().Format("15:04Z")
		}
	}
	return "-"
}

// responseDeadline returns the incident's response deadline, if it has one.
func responseDeadline(inc *arqir.Incident) (arqir.Deadline, bool) {
	for _, d := range inc.Deadlines {
		if d.Kind == arqir.DeadlineResponse {
			return d, true
		}
	}
	return arqir.Deadline{}, false
}
