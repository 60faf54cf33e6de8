package arqir

import "time"

// PostIncidentRules is what the RCA, action items and KPIs need from the
// active policy (P1–P4, K1–K5, I3).
type PostIncidentRules struct {
	// RCAWithin is the deadline of the RCA meeting after resolution (P1: 24h).
	RCAWithin time.Duration
	// RCAReminderBefore is how long before the deadline the RCA reminder
	// goes out; zero: no early reminder.
	RCAReminderBefore time.Duration
	// RCASections are the template's sections, in order (P2).
	RCASections []RCASectionRule
	// Categories are the action-item categories (P3).
	Categories []ActionCategoryRule
	// RequireOwner and RequireDueDate refuse action items without them (P4).
	RequireOwner, RequireDueDate bool
	// Runbooks lists the runbook ids an action item may name (I6).
	Runbooks []string
	// KPIs are the metric targets (K1–K5).
	KPIs []KPITarget
}

// RCASectionRule is one section of the RCA template.
type RCASectionRule struct {
	ID, Title string
}

// ActionCategoryRule is one action-item category, e.g. prevention.
type ActionCategoryRule struct {
	ID, Title, Description string
}

// KPITarget is one KPI's target from the policy.
type KPITarget struct {
	ID         string // mttr, mttk, mtbf, detection_rate, false_positive_rate
	Clause     string // e.g. K1
	Title      string
	Comparison string  // "<" or ">"
	Target     float64 // seconds for times, percent for rates
}
