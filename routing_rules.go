package arqir

import (
	"regexp"
	"time"
)

// RoutingRules is how alerts become incidents: which service and severity an
// alert gets, which alerts share one open incident, and when a re-firing
// alert reopens a resolved incident. The policy's routing section builds it;
// the routing package decides with it.
type RoutingRules struct {
	// GroupBy names the labels whose values, together with the integration,
	// make an alert's group: firing alerts of one group attach to the
	// group's open incident instead of opening more. Two names are not
	// labels: GroupByService is the routed service and GroupBySourceGroup the
	// sender's own group key (Alertmanager's groupKey). Empty means every
	// alert is a group of its own.
	GroupBy []string
	// ReopenWithin is how soon after its incident resolved a firing alert of
	// the same group reopens that incident instead of opening a new one, so
	// that a flapping alert keeps one incident. Zero never reopens.
	ReopenWithin time.Duration
	// DefaultSeverity is the severity when nothing else decides it; empty
	// means the least severe one.
	DefaultSeverity string
	// SourceSeverities maps a sender's severity word, in lower case (e.g.
	// "critical", "p2"), to a policy severity; it takes precedence over the
	// built-in table of the routing package.
	SourceSeverities map[string]string
	// Routes are tried in order; the first that matches an alert decides
	// what it sets.
	Routes []Route
	// DetectionRules are the policy's alert rules (D1–D4): an alert whose
	// "alertname" or "rule" label names one gets its severity.
	DetectionRules []AlertRule
}

// Names in RoutingRules.GroupBy that are not label names.
const (
	GroupByService     = "service"      // the service routing chose, not the raw label
	GroupBySourceGroup = "source_group" // AlertEvent.GroupKey, or the dedup key when the sender gives none
)

// Route sends matching alerts to a service and severity.
type Route struct {
	// Match requires each label to have exactly this value.
	Match map[string]string
	// MatchRE requires each label's whole value to match the expression
	// (anchored, as in Prometheus); an absent label is the empty string.
	MatchRE map[string]*regexp.Regexp
	// Service, when set, is the service of matching alerts.
	Service string
	// Severity, when set, is the policy severity of matching alerts.
	Severity string
}

// Matches reports whether every matcher of the route holds for the labels.
func (r Route) Matches(labels map[string]string) bool {
	for k, v := range r.Match {
		if labels[k] != v {
			return false
		}
	}
	for k, re := range r.MatchRE {
		if re == nil || !re.MatchString(labels[k]) {
			return false
		}
	}
	return true
}

// AlertRule is a detection rule of the policy as routing knows it.
type AlertRule struct {
	ID       string // e.g. "D1"
	Name     string // e.g. "CPU"
	Metric   string // e.g. "cpu_utilization_percent"
	Severity string // the severity its alerts open at
	Runbook  string // runbook id, or empty
}
