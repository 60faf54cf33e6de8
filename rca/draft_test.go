package rca_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rca"
)

func rcaDraft(f fixture, pi arqir.PostIncidentRules) []arqir.RCASection {
	return rca.Draft(f.inc, f.timeline, f.alerts, pi)
}

func body(t *testing.T, sections []arqir.RCASection, id string) string {
	t.Helper()
	for _, s := range sections {
		if s.ID == id {
			return s.Body
		}
	}
	t.Fatalf("no section %s in %v", id, sections)
	return ""
}

// TestP2_DraftHasThePolicySectionsInOrder: one section per template
// section, in order, with its title, none marked as edited by people.
func TestP2_DraftHasThePolicySectionsInOrder(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	pi := rules().PostIncident
	got := rcaDraft(f, pi)
	if len(got) != 8 || len(got) != len(pi.RCASections) {
		t.Fatalf("%d sections, want the policy's 8", len(got))
	}
	for i, s := range got {
		if s.ID != pi.RCASections[i].ID || s.Title != pi.RCASections[i].Title {
			t.Errorf("section %d = %s %q, want %s %q", i, s.ID, s.Title, pi.RCASections[i].ID, pi.RCASections[i].Title)
		}
		if s.EditedBy != "" || s.EditedAt != nil {
			t.Errorf("section %s is marked edited by %q", s.ID, s.EditedBy)
		}
		if strings.TrimSpace(s.Body) == "" {
			t.Errorf("section %s is empty; every ARQ section gets a draft", s.ID)
		}
	}
}

func TestP2_DraftUnknownSectionIsEmpty(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	pi := arqir.PostIncidentRules{RCASections: []arqir.RCASectionRule{{ID: "lessons", Title: "Lessons"}, {ID: "root_cause_analysis", Title: "Why"}}}
	got := rcaDraft(f, pi)
	if len(got) != 2 || got[0].ID != "lessons" || got[0].Title != "Lessons" || got[0].Body != "" {
		t.Errorf("unknown section = %+v, want it with an empty body", got[0])
	}
	if got[1].Title != "Why" || !strings.Contains(got[1].Body, "bad deploy") {
		t.Errorf("known section under the policy's title = %+v", got[1])
	}
}

func TestP2_DraftExecutiveSummary(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	got := body(t, rcaDraft(f, rules().PostIncident), rca.SectionExecutiveSummary)
	for _, want := range []string{
		"**INC-42 Checkout errors**",
		"Checkout returns 502 for card payments.",
		"- **Severity:** SEV1",
		"- **Duration:** 53m (impact started 2025-03-10 14:02 UTC → resolved 2025-03-10 14:55 UTC)",
		"- **Services:** checkout, payments",
		"- **Detection:** Automated: alertmanager:prod, at 2025-03-10 14:05 UTC — 3m30s after the impact started",
		"- **Acknowledged:** by bob, 3m after it was declared",
		"- **Incident commander:** ada",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("executive summary lacks %q:\n%s", want, got)
		}
	}
}

// TestP2_DraftTimelineKeyMoments: the key moments in time order, in UTC,
// and nothing of the paging machinery but the escalation itself.
func TestP2_DraftTimelineKeyMoments(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	got := body(t, rcaDraft(f, rules().PostIncident), rca.SectionTimeline)
	var moments []string
	for _, row := range strings.Split(strings.TrimSpace(got), "\n")[2:] {
		cells := strings.Split(row, " | ")
		moments = append(moments, strings.TrimPrefix(cells[0], "| ")+" "+cells[1])
	}
	want := []string{
		"2025-03-10 14:02:00 Impact started",
		"2025-03-10 14:05:30 Detected",
		"2025-03-10 14:06:00 Declared",
		"2025-03-10 14:08:00 Escalated",
		"2025-03-10 14:09:00 Acknowledged",
		"2025-03-10 14:12:00 Severity changed",
		"2025-03-10 14:20:00 Status changed",
		"2025-03-10 14:25:00 Status update",
		"2025-03-10 14:38:00 Mitigated",
		"2025-03-10 14:55:00 Resolved",
	}
	if !slices.Equal(moments, want) {
		t.Errorf("moments\n%s\nwant\n%s\ntable:\n%s", strings.Join(moments, "\n"), strings.Join(want, "\n"), got)
	}
	if !strings.HasPrefix(got, "| Time (UTC) | Moment | What happened | By |\n|---|---|---|---|\n") {
		t.Errorf("timeline is not a Markdown table:\n%s", got)
	}
	for _, want := range []string{"| Acknowledged by bob after 3m0s | bob |", "| Escalated to step 2: Secondary On-Call | arqir |", "Severity SEV2 → SEV1: every card payment fails"} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline lacks %q:\n%s", want, got)
		}
	}
}

// TestP2_DraftMitigatedIsTheFirstMonitoring: a fix that did not hold goes
// back to investigating; the mitigation is the first move to MONITORING.
func TestP2_DraftMitigatedIsTheFirstMonitoring(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	ev := func(m float64, to arqir.Status) arqir.TimelineEvent {
		return arqir.TimelineEvent{At: minute(m), Kind: arqir.EventStatusChanged, Actor: "ada", Message: "Status → " + string(to), Data: map[string]string{"to": string(to)}}
	}
	timeline := []arqir.TimelineEvent{ev(10, arqir.StatusMonitoring), ev(11, arqir.StatusInvestigating), ev(12, arqir.StatusMonitoring)}
	got := body(t, rca.Draft(f.inc, timeline, nil, rules().PostIncident), rca.SectionTimeline)
	if strings.Count(got, "| Mitigated |") != 1 || !strings.Contains(got, "14:10:00 | Mitigated |") || strings.Count(got, "| Status changed |") != 2 {
		t.Errorf("want the 14:10 move as Mitigated and the others as status changes:\n%s", got)
	}
}

func TestP2_DraftRootCauseFromTheResolution(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "payment-gateway 2.14 shipped a TLS chain the card processor rejects", "card payments failed")
	got := body(t, rcaDraft(f, rules().PostIncident), rca.SectionRootCause)
	if !strings.Contains(got, "payment-gateway 2.14 shipped a TLS chain the card processor rejects") || !strings.Contains(got, "_To be completed in the review:") {
		t.Errorf("root cause section:\n%s", got)
	}
}

// TestP2_DraftPromptsAreMarkedNotInvented: what arqir cannot know is a
// prompt for the review, in italics, and says so.
func TestP2_DraftPromptsAreMarkedNotInvented(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	sections := rcaDraft(f, rules().PostIncident)
	for _, id := range []string{rca.SectionContributing, rca.SectionCorrective, rca.SectionPrevention} {
		b := body(t, sections, id)
		if !strings.HasPrefix(b, "_To be completed in the review: ") {
			t.Errorf("%s does not start with the review prompt:\n%s", id, b)
		}
	}
	prev := body(t, sections, rca.SectionPrevention)
	for _, want := range []string{"- **Prevention** (`prevention`): Stop this from happening again", "- **Documentation** (`documentation`): Improve runbooks"} {
		if !strings.Contains(prev, want) {
			t.Errorf("prevention lacks the policy's category %q:\n%s", want, prev)
		}
	}
}

func TestP2_DraftImpactWithAlerts(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "About 1 200 card payments failed; PayPal worked.")
	got := body(t, rcaDraft(f, rules().PostIncident), rca.SectionImpact)
	for _, want := range []string{
		"- **Duration:** 53m (impact started",
		"- **Time to know:** 3m30s from impact start to detection",
		"- **Severity:** SEV1",
		"- **Customer impact:** About 1 200 card payments failed; PayPal worked.",
		"- **Alerts involved:** 2",
		// Oldest first, whatever order the store gave.
		"| CheckoutErrorRate | 5xx rate of checkout over 5% | alertmanager | checkout | 3 | 2025-03-10 14:03:00 | resolved |\n| PaymentsLatencyHigh |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("impact lacks %q:\n%s", want, got)
		}
	}
	f.alerts = nil
	if got := body(t, rcaDraft(f, rules().PostIncident), rca.SectionImpact); !strings.Contains(got, "- **Alerts involved:** none") || strings.Contains(got, "| Alert |") {
		t.Errorf("impact without alerts:\n%s", got)
	}
}

func TestP3_DraftActionItemsTableIsEmpty(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	if got := body(t, rcaDraft(f, rules().PostIncident), rca.SectionActionItems); got != rca.ActionItemsHeader {
		t.Errorf("action items section = %q, want the empty table %q", got, rca.ActionItemsHeader)
	}
}

// TestP2_DraftEscapesTextForTables: a pipe or a newline in a person's or
// an alert's text stays inside its cell; every row keeps its cells.
func TestP2_DraftEscapesTextForTables(t *testing.T) {
	f := checkoutIncident(t, "Checkout | payments\ndown", "a | b\n# not a heading", "none")
	f.alerts[0].Summary = "latency | high\nvery"
	f.alerts[0].Labels["alertname"] = "Pay|ments"
	f.timeline = append(f.timeline, arqir.TimelineEvent{At: minute(30), Kind: arqir.EventStatusUpdate, Actor: "eve|x", Message: "line one\n| injected | row |"})
	sections := rcaDraft(f, rules().PostIncident)
	for _, id := range []string{rca.SectionTimeline, rca.SectionImpact} {
		checkTables(t, id, body(t, sections, id))
	}
	if got := body(t, sections, rca.SectionRootCause); !strings.Contains(got, "a \\| b\\\n\\# not a heading") {
		t.Errorf("root cause is not escaped line by line:\n%s", got)
	}
}

// checkTables fails when a row of a Markdown table in md has another
// number of cells than its header.
func checkTables(t *testing.T, name, md string) {
	t.Helper()
	want := -1
	for _, l := range strings.Split(md, "\n") {
		if !strings.HasPrefix(l, "|") {
			want = -1
			continue
		}
		n := cells(l)
		if want < 0 {
			want = n
		} else if n != want {
			t.Errorf("%s: row %q has %d cells, the header %d", name, l, n, want)
		}
	}
}

// cells counts the cells of a table row: its unescaped pipes less one.
func cells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}
