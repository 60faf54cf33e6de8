package policy

import (
	"fmt"
	"regexp"
)

// The closed vocabularies of the policy: each value here is something arqir
// code acts on, so the validator accepts nothing else.

// Units of a DetectionRule threshold.
const (
	UnitPercent      = "percent"      // 0–100, rendered "80%"
	UnitSeconds      = "seconds"      // rendered "2 seconds"
	UnitMilliseconds = "milliseconds" // rendered "500 ms"
	UnitCount        = "count"        // a plain number
)

// Units lists every valid DetectionRule.Unit.
var Units = []string{UnitPercent, UnitSeconds, UnitMilliseconds, UnitCount}

// aggregationRE accepts the usual metric aggregations and percentiles (p95, p99.9).
var aggregationRE = regexp.MustCompile(`^(avg|min|max|sum|p[1-9][0-9]?(\.[0-9]+)?)$`)

// KPI ids; the kpi package computes each of them.
const (
	KPIMTTR              = "mttr"                // mean time to repair (K1)
	KPIMTTK              = "mttk"                // mean time to know (K2)
	KPIMTBF              = "mtbf"                // mean time between failures (K3)
	KPIDetectionRate     = "detection_rate"      // share of incidents detected automatically (K4)
	KPIFalsePositiveRate = "false_positive_rate" // share of alerts that were not incidents (K5)
)

// KPIIDs lists every valid KPI.ID.
var KPIIDs = []string{KPIMTTR, KPIMTTK, KPIMTBF, KPIDetectionRate, KPIFalsePositiveRate}

// kpiIsRate says which KPIs are percentages; the others are durations.
var kpiIsRate = map[string]bool{KPIDetectionRate: true, KPIFalsePositiveRate: true}

// kpiWording is how the procedures phrase a KPI target; %s is "< 30 minutes".
var kpiWording = map[string]string{
	KPIDetectionRate: "Automated detection for %s of incidents",
}

// Message fields a notification can include; notify builds messages from them.
const (
	MessageWhat            = "what"             // what is happening
	MessageWhen            = "when"             // when it started
	MessageSeverity        = "severity"         // the severity level
	MessageStatus          = "status"           // the incident status
	MessageCurrentStatus   = "current_status"   // the current status, in an update
	MessageInvestigating   = "investigating"    // what is being investigated
	MessageFindings        = "findings"         // preliminary findings
	MessageETA             = "eta"              // estimated time to resolution
	MessageServiceRestored = "service_restored" // service restored status
	MessageRootCause       = "root_cause"       // root cause summary
	MessageDuration        = "duration"         // duration of the outage
	MessageCustomerImpact  = "customer_impact"  // customer impact assessment
)

// MessageFields lists every valid Include entry of a notification.
var MessageFields = []string{
	MessageWhat, MessageWhen, MessageSeverity, MessageStatus,
	MessageCurrentStatus, MessageInvestigating, MessageFindings, MessageETA,
	MessageServiceRestored, MessageRootCause, MessageDuration, MessageCustomerImpact,
}

// messageText is how the procedures word each field: label inline
// ("Include: What, When"), phrase as a bullet. %[1]s is the chat tool.
var messageText = map[string]struct{ label, phrase string }{
	MessageWhat:            {"What", "What is happening"},
	MessageWhen:            {"When", "When it started"},
	MessageSeverity:        {"Severity", "Severity level"},
	MessageStatus:          {"Status", "Incident status"},
	MessageCurrentStatus:   {"Current status", "%[1]s update with current status"},
	MessageInvestigating:   {"Investigating", "What we're investigating"},
	MessageFindings:        {"Findings", "Preliminary findings"},
	MessageETA:             {"ETA", "Estimated time to resolution"},
	MessageServiceRestored: {"Service restored", "Service restored status"},
	MessageRootCause:       {"Root cause", "Root cause summary"},
	MessageDuration:        {"Duration", "Duration of outage"},
	MessageCustomerImpact:  {"Customer impact", "Customer impact assessment"},
}

// messagePhrase words a field as a bullet, naming the chat tool where the
// procedures do ("Slack update with current status").
func messagePhrase(field, chat string) string {
	t, ok := messageText[field]
	if !ok {
		return field
	}
	if field == MessageCurrentStatus {
		return fmt.Sprintf(t.phrase, chat)
	}
	return t.phrase
}

// Coverages lists every valid Schedule.Coverage.
var Coverages = []string{CoverageAlways, CoverageRestricted}

// ToolRoles lists every valid Tool.Role.
var ToolRoles = []string{ToolRolePaging, ToolRoleChat, ToolRoleWarRoom}

// idRE is what ids look like: short, stable, URL- and YAML-safe.
var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// clauseRE is a procedure clause ID such as S1 or D5.
var clauseRE = regexp.MustCompile(`^[A-Z][0-9]{1,3}$`)

// versionRE is a procedures version such as 16 or 16.0.
var versionRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)

// metricRE is a snake_case metric name.
var metricRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
