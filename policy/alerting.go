package policy

import (
	"strconv"
	"strings"
	"unicode"
)

// AlertingRule is a detection rule (D1–D4) as an alerting rule over a
// Prometheus-compatible query API: what `arqir rules export` writes and the
// built-in evaluator runs. Its alerts carry labels that route them back to
// the rule (routing.DetectionRule reads the "rule" label first, then
// "alertname"), so they open incidents at the rule's severity.
type AlertingRule struct {
	RuleID     string     // the detection rule's id, e.g. "D1"
	Alert      string     // the alert name, e.g. "RequestErrorRate"
	Expr       string     // the rule's expr, without the comparison
	Comparison Comparison // how the value compares with Threshold to fire
	Threshold  float64
	Unit       string   // the unit of Threshold and of the value (Units)
	For        Duration // how long the comparison must hold; zero fires at once
	// Labels are set on every alert: severity (the rule's policy severity)
	// and rule (its id).
	Labels map[string]string
	// Summary says what holds in words, e.g. "CPU > 80% for 5 minutes (D1)".
	Summary string
	// Description says what arqir does with the alert.
	Description string
	// Runbook is the runbook's id, title and steps in one line, or empty.
	Runbook string
}

// Labels that route an exported alert back to its detection rule.
const (
	LabelSeverity = "severity" // the rule's policy severity, e.g. SEV3
	LabelRule     = "rule"     // the rule's id, e.g. D1
)

// AlertingRules returns the detection rules that have an expression as
// alerting rules, in policy order, and the ids of the rules skipped for
// want of one.
func (p *Policy) AlertingRules() (rules []AlertingRule, skipped []string) {
	for _, r := range p.Detection.Rules {
		if strings.TrimSpace(r.Expr) == "" {
			skipped = append(skipped, r.ID)
			continue
		}
		text := ruleText(r)
		ar := AlertingRule{
			RuleID:     r.ID,
			Alert:      AlertName(r),
			Expr:       strings.TrimSpace(r.Expr),
			Comparison: r.Comparison,
			Threshold:  r.Threshold,
			Unit:       r.Unit,
			For:        r.For,
			Labels:     map[string]string{LabelSeverity: r.Severity, LabelRule: r.ID},
			Summary:    text + " (" + r.ID + ")",
			Description: "Detection rule " + r.ID + " of " + p.Name + " (Phase " + phase(p.ProceduresVersion) + "): " + text +
				". arqir opens the incident at " + r.Severity + "; the first responder re-assigns the severity if needed (R3).",
		}
		if rb, ok := p.runbook(r.Runbook); ok {
			ar.Runbook = RunbookText(rb)
		}
		rules = append(rules, ar)
	}
	return rules, skipped
}

// runbook returns the runbook with the id.
func (p *Policy) runbook(id string) (Runbook, bool) {
	for _, rb := range p.Runbooks {
		if id != "" && rb.ID == id {
			return rb, true
		}
	}
	return Runbook{}, false
}

// RunbookText writes a runbook on one line: "memory_leak: Memory Leak /
// High Memory Usage. 1. Identify …; 2. Restart …".
func RunbookText(rb Runbook) string {
	var b strings.Builder
	b.WriteString(rb.ID + ": " + rb.Title + ".")
	for i, s := range rb.Steps {
		if i > 0 {
			b.WriteString(";")
		}
		b.WriteString(" " + strconv.Itoa(i+1) + ". " + s)
	}
	return b.String()
}

// AlertName is the alert name of a detection rule: its name in CamelCase
// ("Request error rate" → "RequestErrorRate"), which routing matches to the
// rule ignoring case and punctuation; the id when the name has no letters
// or digits.
func AlertName(r DetectionRule) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(r.Name, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) {
		rs := []rune(w)
		b.WriteString(string(unicode.ToUpper(rs[0])) + string(rs[1:]))
	}
	if b.Len() == 0 {
		return r.ID
	}
	return b.String()
}

// Text writes the rule in words: "CPU > 80% for 5 minutes".
func (r DetectionRule) Text() string { return ruleText(r) }

// ValueText writes a value of the rule's unit: "93.5%", "2.31 s", "120 ms", "4.2".
func ValueText(v float64, unit string) string {
	switch unit {
	case UnitPercent:
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	case UnitSeconds:
		return strconv.FormatFloat(v, 'f', 2, 64) + " s"
	case UnitMilliseconds:
		return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
