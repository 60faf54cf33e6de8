package rca

import (
	"regexp"
	"strings"
)

// The HTML export renders section bodies from a small, safe subset of
// Markdown: paragraphs with hard line breaks, headings, bullet and
// numbered lists, GitHub tables, fenced code, rules, and inline code,
// strong, emphasis and http(s)/mailto links, with backslash escapes. It
// parses into blocks and inlines that html/template renders; nothing in a
// body is ever output as markup, so "<script>" shows as text. Anything
// else Markdown has (quotes, nested lists, raw HTML) shows as its text.

// block is one block of a section body.
type block struct {
	Kind   string     // "p", "h", "ul", "ol", "table", "pre", "hr"
	Level  int        // heading level, 1–6
	Lines  [][]inline // a paragraph's lines (hard breaks between them); a heading's one line
	Items  [][]inline // list items
	Header [][]inline // table header cells; nil without a header row
	Rows   [][][]inline
	Code   string
}

// inline is a run of text within a block.
type inline struct {
	Kind     string // "text", "code", "strong", "em", "link"
	Text     string
	URL      string
	Children []inline
}

var (
	headingRE = regexp.MustCompile(`^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	bulletRE  = regexp.MustCompile(`^[-*+][ \t]+(.*)$`)
	orderedRE = regexp.MustCompile(`^[0-9]{1,9}[.)][ \t]+(.*)$`)
	ruleRE    = regexp.MustCompile(`^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	sepCellRE = regexp.MustCompile(`^:?-+:?$`)
)

// parseBlocks splits a Markdown body into blocks.
func parseBlocks(md string) []block {
	lines := strings.Split(plainLines(md), "\n")
	var out []block
	for i := 0; i < len(lines); {
		t := strings.TrimSpace(lines[i])
		switch {
		case t == "":
			i++
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			fence := t[:3]
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), fence); i++ {
				code = append(code, lines[i])
			}
			i++ // the closing fence, or past the end
			out = append(out, block{Kind: "pre", Code: strings.Join(code, "\n")})
		case ruleRE.MatchString(t):
			out = append(out, block{Kind: "hr"})
			i++
		case headingRE.MatchString(t):
			m := headingRE.FindStringSubmatch(t)
			out = append(out, block{Kind: "h", Level: len(m[1]), Lines: [][]inline{parseInline(m[2])}})
			i++
		case strings.HasPrefix(t, "|"):
			var rows []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				rows = append(rows, strings.TrimSpace(lines[i]))
			}
			out = append(out, table(rows))
		case bulletRE.MatchString(t), orderedRE.MatchString(t):
			re, kind := bulletRE, "ul"
			if !bulletRE.MatchString(t) {
				re, kind = orderedRE, "ol"
			}
			var items []string
			for ; i < len(lines); i++ {
				l := lines[i]
				if m := re.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
					items = append(items, m[1])
				} else if strings.TrimSpace(l) != "" && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) {
					items[len(items)-1] += " " + strings.TrimSpace(l) // a continuation line
				} else {
					break
				}
			}
			b := block{Kind: kind}
			for _, it := range items {
				b.Items = append(b.Items, parseInline(it))
			}
			out = append(out, b)
		default:
			var para []string
			for ; i < len(lines) && !startsBlock(lines[i]); i++ {
				para = append(para, lines[i])
			}
			out = append(out, paragraph(para))
		}
	}
	return out
}

// startsBlock reports whether a line ends a paragraph: a blank line or
// the start of another kind of block.
func startsBlock(l string) bool {
	t := strings.TrimSpace(l)
	return t == "" || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") || strings.HasPrefix(t, "|") ||
		ruleRE.MatchString(t) || headingRE.MatchString(t) || bulletRE.MatchString(t) || orderedRE.MatchString(t)
}

// paragraph joins lines: a line ending in an unescaped backslash or two
// spaces breaks the line (CommonMark hard breaks), others flow on.
func paragraph(lines []string) block {
	b := block{Kind: "p"}
	var cur []string
	for _, l := range lines {
		hard := strings.HasSuffix(l, "  ")
		l = strings.TrimSpace(l)
		if trailingBackslashes(l)%2 == 1 {
			l, hard = l[:len(l)-1], true
		}
		cur = append(cur, l)
		if hard {
			b.Lines = append(b.Lines, parseInline(strings.Join(cur, " ")))
			cur = nil
		}
	}
	if len(cur) > 0 {
		b.Lines = append(b.Lines, parseInline(strings.Join(cur, " ")))
	}
	return b
}

func trailingBackslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

// table parses GitHub table rows; a delimiter row as the second row makes
// the first the header.
func table(rows []string) block {
	b := block{Kind: "table"}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = splitRow(r)
	}
	if len(cells) >= 2 && delimiterRow(cells[1]) {
		for _, c := range cells[0] {
			b.Header = append(b.Header, parseInline(c))
		}
		cells = cells[2:]
	}
	for _, row := range cells {
		var r [][]inline
		for _, c := range row {
			r = append(r, parseInline(c))
		}
		b.Rows = append(b.Rows, r)
	}
	return b
}

// splitRow splits a table row at its unescaped pipes; "\|" stays in the
// cell for parseInline to unescape.
func splitRow(r string) []string {
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(r); i++ {
		switch {
		case r[i] == '\\' && i+1 < len(r):
			cur.WriteByte(r[i])
			cur.WriteByte(r[i+1])
			i++
		case r[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(r[i])
		}
	}
	if last := strings.TrimSpace(cur.String()); last != "" {
		cells = append(cells, last)
	}
	if len(cells) > 0 && cells[0] == "" && strings.HasPrefix(r, "|") {
		cells = cells[1:]
	}
	return cells
}

func delimiterRow(cells []string) bool {
	if len(cells) == 0 {
		return false
	}
	for _, c := range cells {
		if !sepCellRE.MatchString(c) {
			return false
		}
	}
	return true
}

// parseInline parses the inline syntax of one line.
func parseInline(s string) []inline {
	rs := []rune(s)
	var out []inline
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, inline{Kind: "text", Text: text.String()})
			text.Reset()
		}
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs) && asciiPunct(rs[i+1]):
			text.WriteRune(rs[i+1])
			i += 2
			continue
		case r == '`':
			n := run(rs, i, '`')
			if end := closingRun(rs, i+n, '`', n); end >= 0 {
				flush()
				code := string(rs[i+n : end])
				if len(code) > 1 && strings.HasPrefix(code, " ") && strings.HasSuffix(code, " ") {
					code = code[1 : len(code)-1]
				}
				out = append(out, inline{Kind: "code", Text: code})
				i = end + n
				continue
			}
			text.WriteString(string(rs[i : i+n]))
			i += n
			continue
		case (r == '*' || r == '_') && i+1 < len(rs) && rs[i+1] == r:
			if end := closing(rs, i+2, []rune{r, r}); end > i+2 {
				flush()
				out = append(out, inline{Kind: "strong", Children: parseInline(string(rs[i+2 : end]))})
				i = end + 2
				continue
			}
		case r == '*' || (r == '_' && (i == 0 || !isWord(rs[i-1]))):
			if end := closing(rs, i+1, []rune{r}); end > i+1 && !(r == '_' && end+1 < len(rs) && isWord(rs[end+1])) {
				flush()
				out = append(out, inline{Kind: "em", Children: parseInline(string(rs[i+1 : end]))})
				i = end + 1
				continue
			}
		case r == '[':
			if close := closing(rs, i+1, []rune{']'}); close > i+1 && close+1 < len(rs) && rs[close+1] == '(' {
				if end := closing(rs, close+2, []rune{')'}); end > close+2 {
					if u := string(rs[close+2 : end]); safeURL(u) {
						flush()
						out = append(out, inline{Kind: "link", URL: u, Children: parseInline(string(rs[i+1 : close]))})
						i = end + 1
						continue
					}
				}
			}
		}
		text.WriteRune(r)
		i++
	}
	flush()
	return out
}

// run counts the runes equal to r from i on.
func run(rs []rune, i int, r rune) int {
	n := 0
	for i+n < len(rs) && rs[i+n] == r {
		n++
	}
	return n
}

// closingRun finds a run of exactly n r's from i on; -1 if none.
func closingRun(rs []rune, i int, r rune, n int) int {
	for i < len(rs) {
		if rs[i] != r {
			i++
			continue
		}
		m := run(rs, i, r)
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// closing finds the first unescaped delim from i on; -1 if none. For a
// single "*" or "_" it skips doubled ones, which belong to strong.
func closing(rs []rune, i int, delim []rune) int {
	for ; i < len(rs); i++ {
		if rs[i] == '\\' {
			i++
			continue
		}
		if i+len(delim) > len(rs) || string(rs[i:i+len(delim)]) != string(delim) {
			continue
		}
		if len(delim) == 1 && (delim[0] == '*' || delim[0] == '_') && i+1 < len(rs) && rs[i+1] == delim[0] {
			i++
			continue
		}
		return i
	}
	return -1
}

// safeURL allows links to web pages and mail addresses only.
func safeURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "mailto:")
}

func asciiPunct(r rune) bool {
	return r < 0x80 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r)
}
