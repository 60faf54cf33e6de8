package storetest

import (
	"regexp"
	"time"

	"github.com/arqir/arqir"
)

// AlertRules returns Rules plus the routing the alert tests rely on, written
// out like the default policy: group by alertname and service, reopen within
// 30 min, default SEV3, the detection rules D1–D4 at their ARQ severities,
// one route (team=payments → checkout, SEV1), and auto-resolve for SEV4 only
// (never for SEV1–2, as the procedures require a person to confirm).
func AlertRules(revision int) arqir.Rules {
	r := Rules(revision)
	r.Severities[3].AutoResolve = true
	r.Routing = arqir.RoutingRules{
		GroupBy:         []string{"alertname", arqir.GroupByService},
		ReopenWithin:    30 * time.Minute,
		DefaultSeverity: "SEV3",
		Routes: []arqir.Route{
			{Match: map[string]string{"team": "payments"}, Service: "checkout", Severity: "SEV1"},
			{MatchRE: map[string]*regexp.Regexp{"alertname": regexp.MustCompile(`^(?:Disk.*)$`)}, Severity: "SEV4"},
		},
		DetectionRules: []arqir.AlertRule{
			{ID: "D1", Name: "CPU", Metric: "cpu_utilization_percent", Severity: "SEV3"},
			{ID: "D2", Name: "Memory", Metric: "memory_utilization_percent", Severity: "SEV3", Runbook: "memory_leak"},
			{ID: "D3", Name: "Request error rate", Metric: "http_request_error_rate_percent", Severity: "SEV2"},
			{ID: "D4", Name: "Response time", Metric: "http_response_time_seconds", Severity: "SEV3"},
		},
	}
	return r
}
