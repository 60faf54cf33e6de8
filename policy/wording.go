package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// How the procedures word values: "SEV 1", "SEV 1-2", "5 min",
// "Weekly on Monday 9 AM US/Eastern". Render uses these; notification
// templates may too.

// note is the trailing clause comment of a rendered line, e.g. " <!-- S1 -->".
func note(clauses ...string) string {
	if len(clauses) == 0 {
		return ""
	}
	return " <!-- " + strings.Join(clauses, ", ") + " -->"
}

// idNote is the clause comment for items whose id is their clause (R1, D1).
func idNote(id string) string {
	if clauseRE.MatchString(id) {
		return note(id)
	}
	return ""
}

// phase turns a version into the document's "Phase 16": trailing ".0"s go.
func phase(version string) string {
	for strings.HasSuffix(version, ".0") {
		version = strings.TrimSuffix(version, ".0")
	}
	return version
}

var severityNameRE = regexp.MustCompile(`^([A-Za-z]+)([0-9]+)$`)

// displaySeverity writes "SEV1" as the document does: "SEV 1".
func displaySeverity(name string) string {
	if m := severityNameRE.FindStringSubmatch(name); m != nil {
		return m[1] + " " + m[2]
	}
	return name
}

// severityRange writes [SEV1, SEV2] as "SEV 1-2"; severities that are not a
// run of consecutive numbers are listed ("SEV 1, SEV 3").
func severityRange(names []string) string {
	if len(names) > 1 {
		var prefix string
		prev := -1
		run := true
		for i, n := range names {
			m := severityNameRE.FindStringSubmatch(n)
			if m == nil {
				run = false
				break
			}
			num, _ := strconv.Atoi(m[2])
			if i == 0 {
				prefix = m[1]
			} else if m[1] != prefix || num != prev+1 {
				run = false
				break
			}
			prev = num
		}
		if run {
			first := severityNameRE.FindStringSubmatch(names[0])[2]
			return fmt.Sprintf("%s %s-%d", prefix, first, prev)
		}
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = displaySeverity(n)
	}
	return strings.Join(out, ", ")
}

// shortDuration is the clipped form the document uses in headings: "5 min".
func shortDuration(d Duration) string {
	t := d.Std()
	switch {
	case t > 0 && t < time.Hour && t%time.Minute == 0:
		return fmt.Sprintf("%d min", t/time.Minute)
	case t > 0 && t < time.Minute && t%time.Second == 0:
		return fmt.Sprintf("%d sec", t/time.Second)
	}
	return d.Human()
}

// within writes a deadline: "within 5 min", or "immediately" for zero.
func within(d Duration) string {
	if d <= 0 {
		return "immediately"
	}
	return "within " + shortDuration(d)
}

// ruleText writes a detection rule: "CPU > 80% for 5 minutes",
// "Response time > 2 seconds (p95)".
func ruleText(r DetectionRule) string {
	s := r.Name + " " + string(r.Comparison) + " " + thresholdText(r.Threshold, r.Unit)
	if r.For > 0 {
		s += " for " + r.For.Human()
	}
	if r.Aggregation != "" {
		s += " (" + r.Aggregation + ")"
	}
	return s
}

func thresholdText(v float64, unit string) string {
	n := formatNumber(v)
	switch unit {
	case UnitPercent:
		return n + "%"
	case UnitSeconds:
		if v == 1 {
			return "1 second"
		}
		return n + " seconds"
	case UnitMilliseconds:
		return n + " ms"
	}
	return n
}

// kpiText writes a KPI target: "Target < 30 minutes", or the KPI's own
// wording ("Automated detection for > 80% of incidents").
func kpiText(k KPI) string {
	t := k.Target.String()
	if !k.Target.IsPercent {
		t = k.Target.Duration.Human()
	}
	goal := string(k.Comparison) + " " + t
	if w, ok := kpiWording[k.ID]; ok {
		return fmt.Sprintf(w, goal)
	}
	return "Target " + goal
}

// rotationText writes a rotation: "Weekly on Monday 9 AM US/Eastern".
func rotationText(r Rotation) string {
	var every string
	switch l := r.Length.Std(); {
	case l == Week:
		every = "Weekly"
	case l == Day:
		every = "Daily"
	case l > 0 && l%Week == 0:
		every = fmt.Sprintf("Every %d weeks", l/Week)
	default:
		every = "Every " + r.Length.Human()
	}
	at := clockText(r.Handoff.Time) + " " + zoneText(r.Handoff.Zone)
	if r.Handoff.HasWeekday {
		return every + " on " + r.Handoff.Weekday.String() + " " + at
	}
	return every + " at " + at
}

// windowText writes a restriction: "Mon–Fri 9 AM–5 PM US/Eastern".
func windowText(r Restriction) string {
	days := make([]string, len(r.Weekdays))
	run := len(r.Weekdays) > 2
	for i, d := range r.Weekdays {
		days[i] = d.String()[:3]
		run = run && (i == 0 || d == r.Weekdays[i-1]+1)
	}
	list := strings.Join(days, ", ")
	if run {
		list = days[0] + "–" + days[len(days)-1]
	}
	return list + " " + clockText(r.From) + "–" + clockText(r.To) + " " + zoneText(r.Zone)
}

// clockText writes "09:00" as "9 AM" and "17:30" as "5:30 PM".
func clockText(c Clock) string {
	h := c.Hour % 12
	if h == 0 {
		h = 12
	}
	ampm := "AM"
	if c.Hour >= 12 {
		ampm = "PM"
	}
	if c.Minute == 0 {
		return fmt.Sprintf("%d %s", h, ampm)
	}
	return fmt.Sprintf("%d:%02d %s", h, c.Minute, ampm)
}

// usZones are the everyday names the procedures use for US zones.
var usZones = map[string]string{
	"America/New_York":    "US/Eastern",
	"America/Chicago":     "US/Central",
	"America/Denver":      "US/Mountain",
	"America/Phoenix":     "US/Arizona",
	"America/Los_Angeles": "US/Pacific",
	"America/Anchorage":   "US/Alaska",
	"Pacific/Honolulu":    "US/Hawaii",
}

// zoneText writes a zone as the procedures name it: America/New_York is "US/Eastern".
func zoneText(loc *time.Location) string {
	if loc == nil {
		return ""
	}
	if n, ok := usZones[loc.String()]; ok {
		return n
	}
	return loc.String()
}

func orPlaceholder(s, placeholder string) string {
	if s == "" {
		return placeholder
	}
	return s
}
