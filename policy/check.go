package policy

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
)

// The checker's vocabulary: each helper checks one kind of value and words
// the message as "what is wrong: what to do".

// errf reports a problem at path unless the path, or a block around it,
// already has one: a list that is not a list needs no complaints about its
// items.
func (c *checker) errf(path, format string, args ...any) {
	for q := path; ; q = parent(q) {
		if c.w.failed[q] {
			return
		}
		if q == "" {
			break
		}
	}
	c.w.problems = append(c.w.problems, Problem{Path: path, Line: c.line(path), Message: fmt.Sprintf(format, args...)})
	c.w.failed[path] = true
}

// line returns the line of path, or of the nearest enclosing block when the
// path itself is missing from the document.
func (c *checker) line(path string) int {
	for q := path; ; q = parent(q) {
		if l, ok := c.w.lines[q]; ok {
			return l
		}
		if q == "" {
			return 0
		}
	}
}

// missing reports a required value that is absent or empty.
func (c *checker) missing(path, hint string) {
	if c.w.has(path) {
		c.errf(path, "must not be empty: %s", hint)
	} else {
		c.errf(path, "missing: %s", hint)
	}
}

// has requires path to be written.
func (c *checker) has(path, hint string) {
	if !c.w.has(path) {
		c.missing(path, hint)
	}
}

// text requires non-blank text.
func (c *checker) text(path, value, hint string) {
	if strings.TrimSpace(value) == "" {
		c.missing(path, hint)
	}
}

// list requires a non-empty list.
func (c *checker) list(path string, n int, hint string) {
	if n == 0 {
		c.missing(path, hint)
	}
}

// texts requires a non-empty list of non-blank texts.
func (c *checker) texts(path string, items []string, hint string) {
	c.list(path, len(items), hint)
	for i, s := range items {
		if strings.TrimSpace(s) == "" {
			c.errf(fmt.Sprintf("%s[%d]", path, i), "must not be empty: write the text or remove the item")
		}
	}
}

// id requires a well-formed id.
func (c *checker) id(path, value, example string) {
	switch {
	case value == "":
		c.missing(path, "add an id like "+example)
	case !idRE.MatchString(value):
		c.errf(path, "must be a short id of letters, digits, _ or - like %s, got %q", example, value)
	}
}

// clauses checks optional clause IDs.
func (c *checker) clauses(path string, ids StringList) {
	for _, id := range ids {
		if !clauseRE.MatchString(id) {
			c.errf(path, "must be procedure clause IDs like S1 or [P1, P2] (see procedure-clauses.md), got %q", id)
			return
		}
	}
}

// positive requires a duration greater than zero.
func (c *checker) positive(path string, d Duration, examples string) {
	switch {
	case !c.w.has(path):
		c.missing(path, "add a positive duration like "+examples)
	case d <= 0:
		c.errf(path, "must be a positive duration like %s, got %q", examples, d.String())
	}
}

// notNegativeRequired requires a duration of zero (immediately) or more.
func (c *checker) notNegativeRequired(path string, d Duration, example string) {
	if !c.w.has(path) {
		c.missing(path, fmt.Sprintf("add a duration like %s, or 0s for immediately", example))
		return
	}
	c.notNegative(path, d)
}

// notNegative rejects a negative optional duration.
func (c *checker) notNegative(path string, d Duration) {
	if d < 0 {
		c.errf(path, "must be 0s (immediately) or a positive duration like 5m, got %q", d.String())
	}
}

// percent requires a value within 0–100.
func (c *checker) percent(path string, v float64) {
	if v < 0 || v > 100 {
		c.errf(path, "must be a percentage between 0 and 100, got %s%%", formatNumber(v))
	}
}

// enum requires one of allowed values and reports whether value is valid.
func (c *checker) enum(path, value string, allowed []string, what string) bool {
	if value == "" {
		c.missing(path, fmt.Sprintf("add the %s: one of %s", what, joinOr(allowed)))
		return false
	}
	if slices.Contains(allowed, value) {
		return true
	}
	c.errf(path, "unknown %s %q%s: use one of %s", what, value, didYouMean(value, allowed), joinOr(allowed))
	return false
}

// ref requires value to name something defined elsewhere in the policy.
func (c *checker) ref(path, value string, defined []string, what, where string) {
	if slices.Contains(defined, value) {
		return
	}
	if s := suggest(value, defined); s != "" {
		c.errf(path, "unknown %s %q; did you mean %q? (defined under %s: %s)", what, value, s, where, strings.Join(defined, ", "))
		return
	}
	if len(defined) == 0 {
		c.errf(path, "unknown %s %q: define it under %s first", what, value, where)
		return
	}
	c.errf(path, "unknown %s %q: use one defined under %s (%s), or define it there", what, value, where, strings.Join(defined, ", "))
}

// unique reports repeated values of field across a list.
func (c *checker) unique(list, field string, values []string, what string) {
	first := map[string]int{}
	for i, v := range values {
		if v == "" {
			continue
		}
		if j, dup := first[v]; dup {
			c.errf(fmt.Sprintf("%s[%d].%s", list, i, field), "duplicate %s %q (first used at line %d): give each its own",
				what, v, c.line(fmt.Sprintf("%s[%d].%s", list, j, field)))
			continue
		}
		first[v] = i
	}
}

// channel requires a chat channel name such as "#incidents".
func (c *checker) channel(path, value string, required bool) {
	// An unquoted # starts a YAML comment, which leaves the value empty.
	const hint = `add the channel in quotes, e.g. "#incidents" (an unquoted # starts a YAML comment)`
	switch {
	case value == "" && required:
		c.missing(path, hint)
	case value != "" && (!strings.HasPrefix(value, "#") || len(value) < 2 || strings.ContainsAny(value, " \t")):
		c.errf(path, "must be a channel name like \"#incidents\", got %q", value)
	}
}

// include requires a non-empty list of known message fields.
func (c *checker) include(path string, fields []string) {
	c.list(path, len(fields), "list the message fields, e.g. include: [what, when, severity, status]")
	for i, f := range fields {
		c.enum(fmt.Sprintf("%s[%d]", path, i), f, MessageFields, "message field")
	}
}

// email checks an optional email address.
func (c *checker) email(path, value string) {
	if value == "" {
		return
	}
	if a, err := mail.ParseAddress(value); err != nil || a.Address != value {
		c.errf(path, "must be a plain email address like incidents@company.com, got %q", value)
	}
}
