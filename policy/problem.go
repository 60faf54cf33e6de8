package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a policy document.
type Problem struct {
	// Path is where in the document, e.g. "severities[1].response_target";
	// empty for the document as a whole (e.g. a YAML syntax error).
	Path string
	// Line is the 1-based line in the document; 0 when unknown.
	Line int
	// Message says what is wrong and what to do about it.
	Message string
}

// String formats the problem as "line N: path: message".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// LoadError is every problem Load found in a policy document, sorted by
// line, so that one run of `arqir policy check` shows all of them.
type LoadError struct {
	Problems []Problem
}

// Error lists all problems, one per line.
func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sortProblems orders problems by line and keeps one problem per line and
// message: a YAML alias used twice (rotation: *weekly) would otherwise report
// the same mistake once per use, under two paths for one line.
func sortProblems(ps []Problem) []Problem {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	type key struct {
		line int
		msg  string
	}
	out := ps[:0]
	seen := map[key]bool{}
	for _, p := range ps {
		k := key{p.Line, p.Message}
		if p.Line == 0 || !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}
