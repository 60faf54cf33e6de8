package routing

import (
	"maps"
	"strings"

	"github.com/arqir/arqir"
)

// sourceRanks is the built-in table from the severity words of common
// senders to a rank among the policy's severities, 1 being the most severe
// (SEV1 in the default policy). A rank beyond the policy's last severity
// means the last one, so the table works for policies with fewer levels.
//
//	rank 1  critical, fatal, emergency, page, p1   PagerDuty critical, Opsgenie/Datadog P1
//	rank 2  error, high, major, p2                 PagerDuty error, P2
//	rank 3  warning, warn, medium, moderate, minor, p3   PagerDuty warning, P3
//	rank 4  info, informational, low, notice, p4, p5     PagerDuty info, P4, P5
//
// The policy's routing.source_severities overrides or extends it.
var sourceRanks = map[string]int{
	"critical": 1, "fatal": 1, "emergency": 1, "page": 1, "p1": 1,
	"error": 2, "high": 2, "major": 2, "p2": 2,
	"warning": 3, "warn": 3, "medium": 3, "moderate": 3, "minor": 3, "p3": 3,
	"info": 4, "informational": 4, "low": 4, "notice": 4, "p4": 4, "p5": 4,
}

// SourceRanks returns a copy of the built-in table of sender severity words
// (lower case) to ranks, 1 being the most severe.
func SourceRanks() map[string]int { return maps.Clone(sourceRanks) }

// SourceRank returns the built-in rank of a sender's severity word.
func SourceRank(word string) (int, bool) {
	r, ok := sourceRanks[strings.ToLower(strings.TrimSpace(word))]
	return r, ok
}

// SourceSeverity maps a sender's severity word to a policy severity: a
// policy severity name as is ("SEV2", "sev 2"), else the policy's
// source_severities, else the built-in rank.
func SourceSeverity(r arqir.Rules, word string) (string, bool) {
	if sev, ok := canonical(r, word); ok {
		return sev, true
	}
	w := strings.ToLower(strings.TrimSpace(word))
	if name, ok := r.Routing.SourceSeverities[w]; ok {
		return canonical(r, name)
	}
	rank, ok := sourceRanks[w]
	if !ok || len(r.Severities) == 0 {
		return "", false
	}
	return r.Severities[min(rank, len(r.Severities))-1].Name, true
}

// sourceWord is the sender's severity word of an event: its own field, else
// the "severity" or "priority" label.
func sourceWord(ev arqir.AlertEvent) string {
	for _, w := range []string{ev.Severity, ev.Labels["severity"], ev.Labels["priority"]} {
		if w = strings.TrimSpace(w); w != "" {
			return w
		}
	}
	return ""
}
