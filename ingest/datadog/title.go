package datadog

import (
	"regexp"
	"strings"
)

// title is an event or alert title taken apart: Datadog prefixes the monitor
// name with bracketed groups, "[P1] [Triggered on {host:web-1}] CPU high"
// (https://docs.datadoghq.com/integrations/webhooks/, $ALERT_TITLE and
// $EVENT_TITLE examples).
type title struct {
	priority   string // "P1" from "[P1]"
	transition string // "Triggered" from "[Triggered on {…}]"
	scope      string // "host:web-1" from "on {host:web-1}"
	name       string // what follows the prefix groups
}

var (
	leadingGroup = regexp.MustCompile(`^\s*\[([^\]]*)\]\s*`)
	priorityRE   = regexp.MustCompile(`^P[1-5]$`)
)

func parseTitle(s string) title {
	var t title
	for {
		m := leadingGroup.FindStringSubmatchIndex(s)
		if m == nil {
			break
		}
		group := s[m[2]:m[3]]
		switch {
		case priorityRE.MatchString(group) && t.priority == "":
			t.priority = group
		case t.transition == "" && transitionOf(group) != "":
			t.transition = transitionOf(group)
			if _, scope, ok := strings.Cut(group, " on "); ok {
				t.scope = strings.Trim(strings.TrimSpace(scope), "{}")
			}
		default:
			t.name = strings.TrimSpace(s)
			return t
		}
		s = s[m[1]:]
	}
	t.name = strings.TrimSpace(s)
	return t
}

// transitionOf returns the transition a title group or $ALERT_TRANSITION
// starts with, in its canonical spelling, or "".
func transitionOf(s string) string {
	l := strings.ToLower(strings.TrimSpace(s))
	for _, tr := range []string{"Re-Triggered", "Triggered", "Recovered", "Resolved", "Re-Warn", "Warn", "Re-No Data", "No Data", "Renotify"} {
		if lt := strings.ToLower(tr); l == lt || strings.HasPrefix(l, lt+" ") {
			return tr
		}
	}
	return ""
}
