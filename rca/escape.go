package rca

import (
	"strings"
	"unicode"
)

// Text from people and alerts (titles, root causes, alert summaries) is
// plain text. Put into Markdown as is, a "|" would split a table cell, a
// newline would end a table row, "<script>" would reach a renderer that
// passes HTML through, and "# " or "1. " would turn a sentence into a
// heading or a list. These functions backslash-escape what Markdown would
// read as syntax (CommonMark lets any ASCII punctuation be escaped), so
// the text renders exactly as it was typed.

// mdBlock escapes plain text for a block of its own: each line keeps its
// place (a hard line break), blank lines separate paragraphs.
func mdBlock(s string) string {
	var paras, lines []string
	flush := func() {
		if len(lines) > 0 {
			paras = append(paras, strings.Join(lines, "\\\n"))
			lines = nil
		}
	}
	for _, l := range strings.Split(plainLines(s), "\n") {
		if l = strings.TrimSpace(l); l == "" {
			flush()
			continue
		}
		lines = append(lines, escapeLine(l))
	}
	flush()
	return strings.Join(paras, "\n\n")
}

// mdInline escapes plain text for one line: a list item or a table cell.
// Line breaks become spaces, since a newline would end the row.
func mdInline(s string) string {
	return escapeLine(strings.Join(strings.Fields(plainLines(s)), " "))
}

// plainLines drops control characters other than newlines and turns every
// line ending (CRLF, CR, Unicode separators) into "\n".
func plainLines(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n", "\u0085", "\n").Replace(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// escapeLine escapes one line of plain text: the punctuation that opens
// inline syntax anywhere, and what opens block syntax at the start.
func escapeLine(l string) string {
	rs := []rune(l)
	var b strings.Builder
	for i, r := range rs {
		var prev, next rune
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		if needsEscape(r, prev, next, i == 0, leadingNumber(rs[:i])) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// needsEscape says whether r starts Markdown syntax where it stands.
func needsEscape(r, prev, next rune, first, afterLeadingNumber bool) bool {
	switch r {
	case '\\', '`', '*', '[', ']', '<', '>', '|', '~':
		return true
	case '_':
		// An underscore inside a word (checkout_api) never emphasises.
		return !(isWord(prev) && isWord(next))
	case '&':
		// Only an entity reference (&lt; &#60;) would change the text.
		return unicode.IsLetter(next) || next == '#'
	case '#', '-', '+', '=':
		return first
	case '.', ')':
		return afterLeadingNumber // "1. " starts an ordered list
	}
	return false
}

// leadingNumber reports whether rs, the start of a line, is all digits.
func leadingNumber(rs []rune) bool {
	if len(rs) == 0 || len(rs) > 9 {
		return false
	}
	for _, r := range rs {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// linkURL makes a URL safe inside a Markdown link's parentheses.
func linkURL(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "|", "%7C", "\\", "%5C", "\n", "", "\r", "").Replace(strings.TrimSpace(u))
}
