package rca

import (
	"html/template"
	"regexp"
	"strings"
)

// MarkdownHTML renders a Markdown document with the safe subset the HTML
// export uses for section bodies (blocks.go): headings (# as h3, ## as h4,
// deeper as h5, to sit under a page's own h1 and h2), paragraphs, lists,
// tables, code, rules and inline code, emphasis and http(s)/mailto links.
// Every text is escaped by html/template, so the result is safe to embed
// in a page even for a document a user wrote. HTML comments at the end of
// a line are dropped, as a Markdown renderer hides them: the procedures
// carry their clause IDs that way ("<!-- S1 -->").
func MarkdownHTML(md string) template.HTML {
	var b strings.Builder
	if err := page.ExecuteTemplate(&b, "blocks", parseBlocks(dropTrailingComments(md))); err != nil {
		// The template is fixed and the data plain values: an error here
		// is a bug in this package, which its tests rule out.
		panic("rca: render Markdown: " + err.Error())
	}
	return template.HTML(b.String()) // #nosec G203 -- built by html/template from escaped parts
}

// trailingComments are HTML comments ending a line.
var trailingComments = regexp.MustCompile(`(?:[ \t]*<!--.*?-->)+[ \t]*$`)

// dropTrailingComments removes the HTML comments that end lines outside
// fenced code; inside a fence they are code and stay.
func dropTrailingComments(md string) string {
	lines := strings.Split(md, "\n")
	fence := ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case fence != "":
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			fence = t[:3]
		default:
			lines[i] = trailingComments.ReplaceAllString(l, "")
		}
	}
	return strings.Join(lines, "\n")
}
