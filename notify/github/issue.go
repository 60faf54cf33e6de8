package github

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/arqir/arqir"
)

// GitHub's limits on an issue's text, in characters.
const (
	maxTitle = 256
	maxBody  = 65536
)

// issueRequest is the body of "create an issue".
type issueRequest struct {
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Labels []string `json:"labels"`
}

// closeRequest is the body of "update an issue" that closes it.
type closeRequest struct {
	State       string `json:"state"`
	StateReason string `json:"state_reason"`
}

// issue is the part of GitHub's issue object the notifier reads.
type issue struct {
	Number  int    `json:"number"`
	HTMLURL string `json:"html_url"`
	Title   string `json:"title"`
	Body    string `json:"body"`
	State   string `json:"state"`
}

// issueTitle is "[INC-42] <action item title>", within GitHub's limit.
func issueTitle(item *arqir.ActionItem) string {
	return truncate("["+item.IncidentID.String()+"] "+strings.Join(strings.Fields(item.Title), " "), maxTitle)
}

// issueLabels are the fixed labels and the item's category.
func issueLabels(item *arqir.ActionItem) []string {
	labels := append([]string(nil), Labels...)
	if item.Category != "" {
		labels = append(labels, item.Category)
	}
	return labels
}

// issueBody is the issue's Markdown: what the item is, from which incident,
// who owns it by when, its description, and the footer with the markers a
// retry and a close without the link find the issue by.
func issueBody(m arqir.Message, item *arqir.ActionItem, key string) string {
	var head strings.Builder
	incident := item.IncidentID.String()
	if m.URL != "" {
		incident = "[" + incident + "](" + m.URL + ")"
	}
	fmt.Fprintf(&head, "Follow-up action item from incident %s", incident)
	if m.Title != "" {
		fmt.Fprintf(&head, ": %s", oneLine(m.Title))
	}
	head.WriteString(".\n\n")
	fmt.Fprintf(&head, "- **Category:** %s\n", orNone(item.Category))
	fmt.Fprintf(&head, "- **Owner:** %s\n", orNone(item.Owner))
	due := "none"
	if !item.DueOn.IsZero() {
		due = item.DueOn.UTC().Format("2006-01-02")
	}
	fmt.Fprintf(&head, "- **Due:** %s\n", due)
	if item.Runbook != "" {
		fmt.Fprintf(&head, "- **Runbook to update:** %s\n", item.Runbook)
	}
	footer := fmt.Sprintf("\n\n---\n_Filed by arqir for action item %d of %s._\n%s\n%s",
		item.ID, item.IncidentID, itemMarker(item), keyMarker(key))
	desc := strings.TrimSpace(item.Description)
	if desc != "" {
		room := maxBody - utf8.RuneCountInString(head.String()) - utf8.RuneCountInString(footer) - 1
		desc = "\n" + truncate(desc, max(room, 0))
	}
	return head.String() + desc + footer
}

// itemMarker names the action item in the issue's footer.
func itemMarker(item *arqir.ActionItem) string {
	return "<!-- arqir-action-item: " + strconv.FormatInt(item.ID, 10) + " -->"
}

// keyMarker carries the notification's idempotency key in the footer,
// escaped so that no key can end the HTML comment early.
func keyMarker(key string) string {
	k := strings.ReplaceAll(url.QueryEscape(key), "--", "-%2D")
	return "<!-- arqir-idempotency-key: " + k + " -->"
}

// hasMarker reports whether the marker is a line of the body's footer
// (after its last horizontal rule, which arqir writes last), so a
// description quoting a marker cannot pass for another item's issue.
func hasMarker(body, marker string) bool {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	i := strings.LastIndex(body, "\n---\n")
	if i < 0 {
		return false
	}
	for _, line := range strings.Split(body[i+5:], "\n") {
		if strings.TrimSpace(line) == marker {
			return true
		}
	}
	return false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}

// truncate cuts s to at most n characters, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
