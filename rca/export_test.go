package rca_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rca"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./rca -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./rca -update if the change is intended):\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff shows the first line that differs.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + wl + "\ngot:  " + gl
		}
	}
	return ""
}

// TestP2_MarkdownGolden: the checkout incident's RCA in review, exported
// with its action items and feedback.
func TestP2_MarkdownGolden(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors after payment-gateway deploy",
		"payment-gateway 2.14 shipped a certificate chain the card processor rejects, so every card payment failed the TLS handshake.",
		"About 1 200 card payments failed over 53 minutes; PayPal payments worked.")
	golden(t, "checkout.golden.md", rca.Markdown(reviewedRCA(t, f), f.inc, actionItems()))
}

func TestP2_HTMLGolden(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors after payment-gateway deploy",
		"payment-gateway 2.14 shipped a certificate chain the card processor rejects, so every card payment failed the TLS handshake.",
		"About 1 200 card payments failed over 53 minutes; PayPal payments worked.")
	golden(t, "checkout.golden.html", rca.HTML(reviewedRCA(t, f), f.inc, actionItems()))
}

// TestP3_ExportActionItemsSortedByDueDate: the items fill the draft's
// empty table, earliest due first, with runbook, issue link and overdue mark.
func TestP3_ExportActionItemsSortedByDueDate(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	md := rca.Markdown(reviewedRCA(t, f), f.inc, actionItems())
	section := md[strings.Index(md, "## Action Item Owners & Due Dates"):strings.Index(md, "## Participant Feedback")]
	want := "| Category | Action | Owner | Due | Status |\n|---|---|---|---|---|\n" +
		"| detection | Alert on card processor handshake errors — [issue](https://github.com/acme/payments/issues/311) | grace | 2025-03-12 (overdue) | open |\n" +
		"| prevention | Canary must take card payments | ada | 2025-03-17 | done |\n" +
		"| documentation | Add the TLS chain check to the rollback runbook — runbook service_unavailability | bob | 2025-03-24 | open |\n"
	if !strings.Contains(section, want) {
		t.Errorf("action items section:\n%s\nwant the table\n%s", section, want)
	}
	if strings.Count(section, "| Category | Action |") != 1 {
		t.Errorf("the table header appears more than once:\n%s", section)
	}
}

// TestP3_ExportActionItemsWithoutTheDraftTable: a section people rewrote
// gets the table at its end; an RCA without the section gets one of its own.
func TestP3_ExportActionItemsWithoutTheDraftTable(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	r := reviewedRCA(t, f)
	for i := range r.Sections {
		if r.Sections[i].ID == rca.SectionActionItems {
			r.Sections[i].Body = "Owners agreed in the meeting."
		}
	}
	md := rca.Markdown(r, f.inc, actionItems())
	if !strings.Contains(md, "Owners agreed in the meeting.\n\n| Category | Action | Owner | Due | Status |") {
		t.Errorf("rewritten section lost the table:\n%s", md)
	}
	r.Sections = r.Sections[:2]
	md = rca.Markdown(r, f.inc, actionItems())
	if !strings.Contains(md, "\n## Action Items\n\n| Category | Action | Owner | Due | Status |") {
		t.Errorf("RCA without the section has no action items:\n%s", md)
	}
	md = rca.Markdown(reviewedRCA(t, f), f.inc, nil)
	if !strings.Contains(md, "|---|---|---|---|---|\n\n_No action items filed yet._") {
		t.Errorf("no items:\n%s", md)
	}
}

// TestI4_ExportFeedback: participants' feedback in the order given, and
// an RCA without any says so.
func TestI4_ExportFeedback(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	r := reviewedRCA(t, f)
	md := rca.Markdown(r, f.inc, nil)
	want := "## Participant Feedback\n\n| Participant | Rating | Went well | To improve |\n|---|---|---|---|\n" +
		"| bob | 4/5 | Clear commander, one channel. | — |\n| grace | 3/5 | Rollback was quick. | Page the payments team sooner. |\n"
	if !strings.HasSuffix(md, want) {
		t.Errorf("feedback:\n%s\nwant the end\n%s", md, want)
	}
	r.Feedback = nil
	if md := rca.Markdown(r, f.inc, nil); !strings.HasSuffix(md, "## Participant Feedback\n\n_No feedback yet._\n") {
		t.Errorf("no feedback:\n%s", md[strings.LastIndex(md, "##"):])
	}
}

func TestP1_ExportHeaderShowsTheMeeting(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	r := reviewedRCA(t, f)
	r.MeetingAt, r.HeldAt, r.Attendees, r.Overdue, r.State = nil, nil, nil, true, arqir.RCADraft
	md := rca.Markdown(r, f.inc, nil)
	for _, want := range []string{
		"# Root Cause Analysis: INC-42 Checkout errors\n",
		"- **State:** draft\n", "- **Meeting due:** 2025-03-11 14:55 UTC — overdue\n", "- **Meeting scheduled:** not scheduled\n",
		"- **Meeting held:** not yet\n", "- **Attendees:** none recorded\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("header lacks %q:\n%s", want, md[:strings.Index(md, "\n## ")])
		}
	}
	published := minute(60 * 30)
	r.State, r.PublishedAt = arqir.RCAPublished, &published
	if md := rca.Markdown(r, nil, nil); !strings.HasPrefix(md, "# Root Cause Analysis: INC-42\n") || !strings.Contains(md, "- **Published:** 2025-03-11 20:00 UTC\n") {
		t.Errorf("published RCA without its incident:\n%s", md[:strings.Index(md, "\n## ")])
	}
}

// hostile is text that tries to break out of every place it lands.
const hostile = "<script>alert(1)</script> | x |\n# heading\n1. one\n<img src=x onerror=alert(2)>"

// hostileRCA puts hostile text everywhere people or alerts write.
func hostileRCA(t *testing.T) (*arqir.RCA, *arqir.Incident, []*arqir.ActionItem) {
	t.Helper()
	f := checkoutIncident(t, "<script>alert(0)</script> | title", hostile, hostile)
	f.inc.Summary = hostile
	f.alerts[0].Summary = hostile
	f.alerts[0].Labels["alertname"] = "<b>x</b>|y"
	f.timeline = append(f.timeline, arqir.TimelineEvent{At: minute(30), Kind: arqir.EventStatusUpdate, Actor: "<i>eve</i>|", Message: hostile})
	r := reviewedRCA(t, f)
	r.Attendees = []string{"<script>a</script>", "b|c"}
	r.Feedback = []arqir.RCAFeedback{{Author: "<u>x</u>|", Rating: 1, WentWell: hostile, ToImprove: hostile, At: minute(60 * 22)}}
	for i := range r.Sections {
		if r.Sections[i].ID == rca.SectionCorrective {
			// People write Markdown; raw HTML and script links must still not run.
			r.Sections[i].Body = "Raw <script>alert(3)</script> and [a link](javascript:alert(4)) and <a href=\"javascript:alert(5)\">x</a>\n\n[ok](https://example.com/a?b=1&c=<2>)"
		}
	}
	items := actionItems()
	items[0].Title, items[0].Owner, items[0].Runbook = hostile, "o|wner", "<rb>"
	items[1].TrackerURL = "javascript:alert(6)"
	return r, f.inc, items
}

// TestP2_MarkdownEscapesHostileText: no table gains or loses a cell, no
// tag is left unescaped outside the bodies people wrote as Markdown, no
// line of plain text becomes a heading or a list.
func TestP2_MarkdownEscapesHostileText(t *testing.T) {
	r, inc, items := hostileRCA(t)
	md := rca.Markdown(r, inc, items)
	checkTables(t, "markdown", md)
	corrective := md[strings.Index(md, "## Corrective Actions"):strings.Index(md, "## Prevention Strategies")]
	rest := strings.Replace(md, corrective, "", 1)
	if m := regexp.MustCompile(`(^|[^\\])<[a-zA-Z/]`).FindString(rest); m != "" {
		t.Errorf("an unescaped tag %q outside the people's Markdown:\n%s", m, rest)
	}
	if strings.Contains(rest, "](javascript:") {
		t.Errorf("a javascript: link was written as a link:\n%s", rest)
	}
	for _, l := range strings.Split(rest, "\n") {
		if strings.HasPrefix(l, "# heading") || strings.HasPrefix(l, "1. one") {
			t.Errorf("plain text became Markdown structure: %q", l)
		}
	}
	for _, want := range []string{`\<script\>alert(0)\</script\> \| title`, `\# heading`, `1\. one`, `o\|wner`} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks the escaped %q", want)
		}
	}
}

var tagRE = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)`)

// TestP2_HTMLEscapesHostileText: the only tags are those the export
// writes, no script or handler runs, no link leaves http(s), and the
// hostile text is shown as text.
func TestP2_HTMLEscapesHostileText(t *testing.T) {
	r, inc, items := hostileRCA(t)
	out := rca.HTML(r, inc, items)
	allowed := []string{"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "h4", "h5", "dl", "dt", "dd",
		"section", "p", "br", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "pre", "code", "strong", "em", "a", "hr"}
	for _, m := range tagRE.FindAllStringSubmatch(out, -1) {
		if !slices.Contains(allowed, strings.ToLower(m[2])) {
			t.Errorf("the export contains a <%s%s> tag it does not write itself", m[1], m[2])
		}
	}
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "https://") && !strings.HasPrefix(m[1], "http://") {
			t.Errorf("link to %q", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`<[a-z0-9]+(\s[^>]*)>`).FindAllStringSubmatch(out, -1) {
		if regexp.MustCompile(`(?i)\son[a-z]+\s*=`).MatchString(m[1]) {
			t.Errorf("an event handler attribute: %s", m[0])
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(0)&lt;/script&gt; | title",     // the title, with its pipe
		"&lt;img src=x onerror=alert(2)&gt;",                // hostile text shown as text
		"Raw &lt;script&gt;alert(3)&lt;/script&gt;",         // raw HTML in a body is text
		`<a href="https://example.com/a?b=1&amp;c=%3c2%3e"`, // a real link survives, escaped
		"<td>o|wner</td>", // an escaped pipe is a pipe in its cell
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// TestP2_HTMLIsSelfContained: one document, its style inline, nothing
// loaded from elsewhere.
func TestP2_HTMLIsSelfContained(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "bad deploy", "card payments failed")
	out := rca.HTML(reviewedRCA(t, f), f.inc, actionItems())
	if !strings.HasPrefix(out, "<!DOCTYPE html>\n") || !strings.HasSuffix(out, "</html>\n") || !strings.Contains(out, "<style>") {
		t.Errorf("not one self-contained document")
	}
	for _, bad := range []string{"<link", "<script", "src=", "@import", "url("} {
		if strings.Contains(out, bad) {
			t.Errorf("the export loads something: %q", bad)
		}
	}
	if !strings.Contains(out, `content="default-src 'none'; style-src 'unsafe-inline'"`) {
		t.Error("no Content-Security-Policy forbidding external loads")
	}
}

// TestP2_HTMLRendersTheMarkdownPeopleWrite: the subset of Markdown the
// HTML export renders, from a body people edited.
func TestP2_HTMLRendersTheMarkdownPeopleWrite(t *testing.T) {
	f := checkoutIncident(t, "Checkout errors", "first line\nsecond | line\n\nnew paragraph", "card payments failed")
	r := reviewedRCA(t, f)
	for i := range r.Sections {
		if r.Sections[i].ID == rca.SectionCorrective {
			r.Sections[i].Body = "# Done\n\n1. Rolled *back* to `2.13`\n2. Pinned the\n   chain\n\n```\nkubectl rollout undo <deploy>\n```\n\n---\n\nSee [the runbook](https://wiki.example/rb) and check_tls_chain, **not** _this_.\nnext line  \nhard break"
		}
	}
	out := rca.HTML(r, f.inc, nil)
	for _, want := range []string{
		"<h3>Done</h3>",
		"<ol>\n<li>Rolled <em>back</em> to <code>2.13</code></li>\n<li>Pinned the chain</li>\n</ol>",
		"<pre><code>kubectl rollout undo &lt;deploy&gt;</code></pre>",
		"<hr>",
		`<p>See <a href="https://wiki.example/rb" rel="noopener noreferrer">the runbook</a> and check_tls_chain, <strong>not</strong> <em>this</em>. next line<br>` + "\nhard break</p>",
		// The root cause keeps its lines and paragraphs, its pipe as text.
		"<p>first line<br>\nsecond | line</p>\n<p>new paragraph</p>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
