package rca

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/arqir/arqir"
)

// document is an RCA as both exports show it: plain-text facts about the
// RCA, then the sections as Markdown, action items and feedback included.
type document struct {
	Title    string // plain text
	Facts    []fact
	Sections []section
}

// fact is one labelled fact of the RCA's header, in plain text.
type fact struct{ Label, Value string }

// section is one section with its Markdown body.
type section struct{ ID, Title, Body string }

// FeedbackSection is the id of the participant feedback section the
// exports add after the policy's sections (I4).
const FeedbackSection = "participant_feedback"

// build assembles the document of an RCA. inc may be nil when only the
// RCA is at hand; the header then names the incident by its ID.
func build(r *arqir.RCA, inc *arqir.Incident, items []*arqir.ActionItem) document {
	d := document{Title: "Root Cause Analysis: " + r.IncidentID.String()}
	if inc != nil {
		d.Title += " " + strings.Join(strings.Fields(plainLines(inc.Title)), " ")
		facts := []string{r.IncidentID.String(), inc.Severity}
		if len(inc.Services) > 0 {
			facts = append(facts, strings.Join(inc.Services, ", "))
		}
		d.Facts = append(d.Facts, fact{"Incident", strings.Join(facts, " · ")})
		if inc.ResolvedAt != nil {
			d.Facts = append(d.Facts, fact{"Resolved", at(*inc.ResolvedAt)})
		}
	}
	due := at(r.DueAt)
	if r.Overdue {
		due += " — overdue"
	}
	scheduled, held, attendees := "not scheduled", "not yet", "none recorded"
	if r.MeetingAt != nil {
		scheduled = at(*r.MeetingAt)
	}
	if r.HeldAt != nil {
		held = at(*r.HeldAt)
	}
	if len(r.Attendees) > 0 {
		attendees = strings.Join(r.Attendees, ", ")
	}
	d.Facts = append(d.Facts, fact{"State", stateName(r.State)}, fact{"Meeting due", due},
		fact{"Meeting scheduled", scheduled}, fact{"Meeting held", held}, fact{"Attendees", attendees})
	if r.PublishedAt != nil {
		d.Facts = append(d.Facts, fact{"Published", at(*r.PublishedAt)})
	}

	table := itemsTable(items)
	placed := false
	for _, s := range r.Sections {
		sec := section{ID: s.ID, Title: s.Title, Body: strings.TrimSpace(s.Body)}
		if s.ID == SectionActionItems {
			sec.Body, placed = withItems(sec.Body, table), true
		}
		d.Sections = append(d.Sections, sec)
	}
	if !placed && len(items) > 0 {
		d.Sections = append(d.Sections, section{ID: SectionActionItems, Title: "Action Items", Body: table})
	}
	d.Sections = append(d.Sections, section{ID: FeedbackSection, Title: "Participant Feedback", Body: feedbackTable(r.Feedback)})
	return d
}

// stateName words an RCA state.
func stateName(s arqir.RCAState) string {
	if s == arqir.RCAInReview {
		return "in review"
	}
	return string(s)
}

// withItems puts the action items table where the draft left the empty
// one; a body people rewrote without it gets the table at its end.
func withItems(body, table string) string {
	header := strings.TrimSpace(ActionItemsHeader)
	if i := strings.Index(body, header); i >= 0 {
		return strings.TrimSpace(body[:i] + table + body[i+len(header):])
	}
	if body == "" {
		return table
	}
	return body + "\n\n" + table
}

// itemsTable is the action items table, earliest due first (P3, P4).
func itemsTable(items []*arqir.ActionItem) string {
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b *arqir.ActionItem) int {
		return cmp.Or(a.DueOn.Compare(b.DueOn), cmp.Compare(a.ID, b.ID))
	})
	var b strings.Builder
	b.WriteString(strings.TrimSpace(ActionItemsHeader))
	for _, it := range sorted {
		action := mdInline(it.Title)
		if it.Runbook != "" {
			action += " — runbook " + mdInline(it.Runbook)
		}
		if u := it.TrackerURL; strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			action += " — [issue](" + linkURL(u) + ")"
		} else if u != "" {
			action += " — issue " + mdInline(u)
		}
		due := "—"
		if !it.DueOn.IsZero() {
			due = it.DueOn.UTC().Format(dayLayout)
		}
		if it.Overdue {
			due += " (overdue)"
		}
		owner := mdInline(it.Owner)
		if owner == "" {
			owner = "—"
		}
		fmt.Fprintf(&b, "\n| %s | %s | %s | %s | %s |", mdInline(it.Category), action, owner, due, mdInline(string(it.Status)))
	}
	if len(sorted) == 0 {
		b.WriteString("\n\n_No action items filed yet._")
	}
	return b.String()
}

// feedbackTable is what participants said about the response (I4).
func feedbackTable(fs []arqir.RCAFeedback) string {
	if len(fs) == 0 {
		return "_No feedback yet._"
	}
	sorted := slices.Clone(fs)
	slices.SortStableFunc(sorted, func(a, b arqir.RCAFeedback) int { return a.At.Compare(b.At) })
	var b strings.Builder
	b.WriteString("| Participant | Rating | Went well | To improve |\n|---|---|---|---|")
	for _, f := range sorted {
		fmt.Fprintf(&b, "\n| %s | %d/5 | %s | %s |", mdInline(f.Author), f.Rating, orDash(mdInline(f.WentWell)), orDash(mdInline(f.ToImprove)))
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Markdown exports an RCA as a Markdown document: a header with the
// incident, state and meeting, each section in order with the action
// items table filled from items (earliest due first) in the action items
// section, and the participants' feedback. inc may be nil. Text from
// people and alerts outside the section bodies is escaped; the bodies are
// Markdown already.
func Markdown(r *arqir.RCA, inc *arqir.Incident, items []*arqir.ActionItem) string {
	d := build(r, inc, items)
	var b strings.Builder
	b.WriteString("# " + mdInline(d.Title) + "\n\n")
	for _, f := range d.Facts {
		fmt.Fprintf(&b, "- **%s:** %s\n", f.Label, mdInline(f.Value))
	}
	for _, s := range d.Sections {
		body := s.Body
		if body == "" {
			body = "_Not written yet._"
		}
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", mdInline(s.Title), body)
	}
	return b.String()
}
