package arqir

import (
	"fmt"
	"strings"
	"time"
)

// ReportTimeLayout is how handoff reports and prompts show instants, in
// the schedule's zone, e.g. "Mon 9 Mar 2026 09:00 EDT".
const ReportTimeLayout = "Mon 2 Jan 2006 15:04 MST"

// zone returns the report's zone, or UTC if it cannot be loaded.
func (r *HandoffReport) zone() *time.Location {
	if loc, err := time.LoadLocation(r.Zone); err == nil && r.Zone != "" {
		return loc
	}
	return time.UTC
}

func (r *HandoffReport) local(t time.Time) string { return t.In(r.zone()).Format(ReportTimeLayout) }

// person writes "Ada Lovelace (ada)", or "nobody".
func person(handle, name string) string {
	switch {
	case handle == "":
		return "nobody"
	case name == "" || name == handle:
		return handle
	}
	return name + " (" + handle + ")"
}

// Subject is the one-line title of the report's message.
func (r *HandoffReport) Subject() string {
	return fmt.Sprintf("Handoff report: %s, %s → %s at %s", r.ScheduleTitle, person(r.Outgoing, r.OutgoingName), person(r.Incoming, r.IncomingName), r.local(r.At))
}

// Text renders the report as people read it in a message: the handoff,
// then what is on fire, what is due, what the outgoing engineer said and
// what is left to do.
func (r *HandoffReport) Text() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("Handoff report — %s (%s)", r.ScheduleTitle, r.Schedule)
	p("Handoff at %s: %s → %s", r.local(r.At), person(r.Outgoing, r.OutgoingName), person(r.Incoming, r.IncomingName))
	if r.OutgoingStart != nil && r.OutgoingEnd != nil {
		p("Outgoing shift: %s – %s", r.local(*r.OutgoingStart), r.local(*r.OutgoingEnd))
	}
	p("Incoming shift until: %s", r.local(r.IncomingEnd))

	p("\nOpen incidents (%d)", len(r.OpenIncidents))
	r.incidents(&b, r.OpenIncidents)
	p("\nDeclared during the outgoing shift (%d)", len(r.DeclaredDuringShift))
	r.incidents(&b, r.DeclaredDuringShift)

	p("\nDeadlines due in the next %d h (%d)", int(DeadlinesDueWithin.Hours()), len(r.DeadlinesDue))
	for _, d := range r.DeadlinesDue {
		p("  %s %s due %s — %s", d.Incident, d.Kind, r.local(d.DueAt), d.Title)
	}
	if len(r.DeadlinesDue) == 0 {
		p("  none")
	}

	p("\nUnfinished action items")
	if r.ActionItems.Note != "" {
		p("  %s", r.ActionItems.Note)
	}
	for _, it := range r.ActionItems.Items {
		p("  - %s", it)
	}

	p("\nHandoff notes (%d)", len(r.Notes))
	for _, n := range r.Notes {
		p("  %s, %s:", n.Author, r.local(n.At))
		for line := range strings.Lines(n.Text) {
			p("    %s", strings.TrimRight(line, "\r\n"))
		}
	}
	if len(r.Notes) == 0 {
		p("  none written")
	}

	p("\nPost-shift items not done")
	for _, c := range r.PostShift {
		p("  %s, shift %s – %s:", c.User, r.local(c.ShiftStart), r.local(c.ShiftEnd))
		for _, it := range c.Unfinished() {
			p("    [ ] %s. %s", it.ID, it.Task)
		}
	}
	if len(r.PostShift) == 0 {
		p("  none")
	}

	if len(r.HandoffTasks) > 0 {
		p("\nHandoff duties")
		for _, t := range r.HandoffTasks {
			p("  - %s", t)
		}
	}
	return b.String()
}

// incidents writes one line per incident, with its pending deadlines.
func (r *HandoffReport) incidents(b *strings.Builder, list []HandoffIncident) {
	if len(list) == 0 {
		b.WriteString("  none\n")
		return
	}
	for _, inc := range list {
		ack := "not acknowledged"
		if inc.Acknowledged {
			ack = "acknowledged"
		}
		fmt.Fprintf(b, "  %s  %s  %s  open %s, %s  %q\n", inc.ID, inc.Severity, inc.Status, humanDuration(time.Duration(inc.AgeSeconds*float64(time.Second))), ack, inc.Title)
		for _, d := range inc.Deadlines {
			fmt.Fprintf(b, "      %s deadline due %s\n", d.Kind, r.local(d.DueAt))
		}
	}
}

// humanDuration writes a duration to the minute, in days and hours when long.
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, m := d/time.Hour, (d%time.Hour)/time.Minute
	switch {
	case days > 0 && h == 0 && m == 0:
		return fmt.Sprintf("%dd", days)
	case days > 0:
		return fmt.Sprintf("%dd%dh%02dm", days, h, m)
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}
