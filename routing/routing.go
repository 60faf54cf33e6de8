// Package routing decides where an alert goes: its service, its severity and
// the group whose open incident it joins. It is pure: Decide takes the rules
// of the active policy, the integration and the event, and returns data.
//
// # Severity
//
// The first rule that gives a severity the policy defines wins:
//
//  1. the first route of the policy whose matchers hold for the labels,
//     if it sets a severity;
//  2. the integration's own severity, if it has one;
//  3. the policy's detection rule (D1–D4) that the alert's "alertname" or
//     "rule" label names, by id ("D1"), name ("CPU") or metric
//     ("cpu_utilization_percent"), ignoring case and punctuation;
//  4. the sender's severity word (AlertEvent.Severity, else the "severity"
//     or "priority" label): a policy severity name as is, else the policy's
//     routing.source_severities, else the built-in table (SourceRank);
//  5. routing.default_severity, else the least severe severity.
//
// # Service
//
// The first matching route's service if it sets one, else the "service"
// label, else the integration's service (possibly none).
//
// # Group
//
// The group key is a hash of the integration and the values of the policy's
// group_by names (labels, plus "service" for the routed service and
// "source_group" for the sender's own group key). Alerts with equal keys
// share one open incident. Without group_by every alert is its own group.
package routing

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/arqir/arqir"
)

// Decision is where one alert goes.
type Decision struct {
	Service  string // may be empty: neither route, label nor integration names one
	Severity string // a severity the rules define; empty only when they define none
	GroupKey string // opaque; equal keys share an open incident
	// SeverityFrom says which rule chose the severity, e.g. "route 2",
	// "integration", "detection rule D1", `source severity "critical"`,
	// "default"; for people asking why.
	SeverityFrom string
}

// Decide routes one alert event of an integration under the rules.
func Decide(r arqir.Rules, in *arqir.Integration, ev arqir.AlertEvent) Decision {
	var d Decision
	route, ri := firstRoute(r.Routing.Routes, ev.Labels)
	if route != nil {
		d.Service = route.Service
		if sev, ok := canonical(r, route.Severity); ok {
			d.Severity, d.SeverityFrom = sev, "route "+strconv.Itoa(ri+1)
		}
	}
	if d.Service == "" {
		d.Service = serviceLabel(ev.Labels)
	}
	if d.Service == "" {
		d.Service = in.Service
	}
	if d.Severity == "" {
		d.Severity, d.SeverityFrom = severity(r, in, ev)
	}
	d.GroupKey = GroupKey(r.Routing.GroupBy, in.ID, ev, d.Service)
	return d
}

// firstRoute returns the first route matching the labels and its index.
func firstRoute(routes []arqir.Route, labels map[string]string) (*arqir.Route, int) {
	for i := range routes {
		if routes[i].Matches(labels) {
			return &routes[i], i
		}
	}
	return nil, -1
}

// severity applies steps 2–5 of the package's precedence.
func severity(r arqir.Rules, in *arqir.Integration, ev arqir.AlertEvent) (string, string) {
	if sev, ok := canonical(r, in.Severity); ok {
		return sev, "integration"
	}
	if rule, ok := DetectionRule(r.Routing.DetectionRules, ev.Labels); ok {
		if sev, ok := canonical(r, rule.Severity); ok {
			return sev, "detection rule " + rule.ID
		}
	}
	if word := sourceWord(ev); word != "" {
		if sev, ok := SourceSeverity(r, word); ok {
			return sev, "source severity " + strconv.Quote(word)
		}
	}
	if sev, ok := canonical(r, r.Routing.DefaultSeverity); ok {
		return sev, "default"
	}
	if n := len(r.Severities); n > 0 {
		return r.Severities[n-1].Name, "default"
	}
	return "", ""
}

// DetectionRule returns the rule an alert's "alertname" or "rule" label
// names by id, name or metric, ignoring case and punctuation.
func DetectionRule(rules []arqir.AlertRule, labels map[string]string) (arqir.AlertRule, bool) {
	for _, label := range []string{"rule", "alertname"} {
		v := labels[label]
		if v == "" {
			continue
		}
		for _, rule := range rules {
			if sameName(v, rule.ID) || sameName(v, rule.Name) || sameName(v, rule.Metric) {
				return rule, true
			}
		}
	}
	return arqir.AlertRule{}, false
}

// serviceLabel is the alert's "service" label if it can name a service.
func serviceLabel(labels map[string]string) string {
	s := strings.TrimSpace(labels["service"])
	if utf8.RuneCountInString(s) > arqir.MaxNameLen || len(s) > arqir.MaxNameLen || s == arqir.AllServices {
		return "" // not a service name an incident can carry; fall back
	}
	return s
}

// GroupKey returns the group of an alert: a hash of the integration and the
// values of the group_by names; service is the routed service.
func GroupKey(groupBy []string, integrationID int64, ev arqir.AlertEvent, service string) string {
	h := sha256.New()
	h.Write([]byte(strconv.FormatInt(integrationID, 10)))
	h.Write([]byte{0})
	if len(groupBy) == 0 {
		h.Write([]byte("\x01dedup\x00" + ev.DedupKey))
	}
	for _, name := range groupBy {
		var v string
		switch name {
		case arqir.GroupByService:
			v = service
		case arqir.GroupBySourceGroup:
			v = ev.GroupKey
			if v == "" {
				v = ev.DedupKey
			}
		default:
			v = ev.Labels[name]
		}
		// Event text holds no NUL bytes (arqir.ValidateAlertEvents), so
		// NUL separators keep distinct lists distinct.
		h.Write([]byte(name + "\x00" + v + "\x00"))
	}
	return "g" + hex.EncodeToString(h.Sum(nil)[:16])
}

// canonical returns the rules' spelling of a severity name, matched
// ignoring case and spaces ("sev 2" is SEV2).
func canonical(r arqir.Rules, name string) (string, bool) {
	n := strings.ReplaceAll(strings.TrimSpace(name), " ", "")
	if n == "" {
		return "", false
	}
	for _, s := range r.Severities {
		if strings.EqualFold(strings.ReplaceAll(s.Name, " ", ""), n) {
			return s.Name, true
		}
	}
	return "", false
}

// sameName reports whether two names are equal ignoring case and
// everything but ASCII letters and digits, so that "HighCPU", "high_cpu"
// and "High CPU" compare equal; it allocates nothing, since it runs for
// every alert. A name of no letters or digits equals nothing.
func sameName(a, b string) bool {
	i, j, seen := 0, 0, false
	for {
		for i < len(a) && !alnum(a[i]) {
			i++
		}
		for j < len(b) && !alnum(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b) && seen
		}
		if lower(a[i]) != lower(b[j]) {
			return false
		}
		i, j, seen = i+1, j+1, true
	}
}

func alnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
