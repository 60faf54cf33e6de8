package calendar

import (
	"fmt"
	"strings"

	"github.com/arqir/arqir/rotation"
)

// summary is the event title: "On call: Ada (Primary On-Call)", marked when
// an override put the person there, or "No one on call (…)" for a gap.
func (c *config) summary(sh rotation.Shift) string {
	sched := c.schedName(sh.Schedule)
	if sh.IsGap() {
		return fmt.Sprintf("No one on call (%s)", sched)
	}
	s := fmt.Sprintf("On call: %s (%s)", c.userName(sh.User), sched)
	if sh.HasOverride() {
		s += " [override]"
	}
	return s
}

// description says where each part of the shift comes from, so an override
// or a deleted user's gap is explained in the event itself.
func (c *config) description(sh rotation.Shift) string {
	var b strings.Builder
	for _, p := range sh.Parts {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		span := c.span(p)
		switch {
		case sh.IsGap() && p.Vacant != "":
			fmt.Fprintf(&b, "%s: nobody on call: %s can no longer be on call (removed)", span, c.userName(p.Vacant))
		case sh.IsGap():
			fmt.Fprintf(&b, "%s: nobody on call", span)
		case p.Override != "" && p.Replaces != "":
			fmt.Fprintf(&b, "%s: override %s, covering %s", span, p.Override, c.userName(p.Replaces))
		case p.Override != "":
			fmt.Fprintf(&b, "%s: override %s", span, p.Override)
		default:
			fmt.Fprintf(&b, "%s: rotation %s", span, p.Layer)
		}
	}
	return b.String()
}

// span formats a part's bounds in the feed's zone.
func (c *config) span(p rotation.Part) string {
	const layout = "Mon 2 Jan 2006 15:04 MST"
	return p.Start.In(c.zone).Format(layout) + " – " + p.End.In(c.zone).Format(layout)
}

// clean drops control characters other than newline from text that users
// supplied: golang-ical escapes newlines, commas and semicolons in TEXT
// values but passes a carriage return through, which would end the line.
func clean(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

// oneLine is clean for titles, which clients show on one line.
func oneLine(s string) string { return strings.ReplaceAll(clean(s), "\n", " ") }

func isControl(r rune) bool { return (r < 0x20 && r != '\n') || r == 0x7f }
