// Package kpi turns the sums and counts the database computes
// (arqir.KPIAggregates) into the scorecard of the procedures (K1–K5, I3):
// each KPI with its value, the policy's target and pass or fail, the
// compliance with the time-boxed obligations (S1–S4, C1, C2, P1) and the
// weekly trend. It is pure: no I/O, no clock. docs/kpis.md defines every
// measure.
package kpi

// IDs of the KPIs, as the policy names their targets (kpis[].id) and the
// API and /metrics report them.
const (
	MTTR              = "mttr"                // K1: mean of resolved − detected
	MTTRImpact        = "mttr_impact"         // K1 variant: mean of resolved − impact start
	MTTK              = "mttk"                // K2: mean of detected − impact start
	MTBF              = "mtbf"                // K3: mean interval between failures of a service
	DetectionRate     = "detection_rate"      // K4: share detected automatically
	FalsePositiveRate = "false_positive_rate" // K5: share of alert-opened incidents that were noise
)

// IDs of the compliance measures. A response measure is ResponsePrefix
// followed by the severity, e.g. response_SEV1.
const (
	ResponsePrefix    = "response_"
	InitialNotice     = "initial_notice"      // C1
	StatusUpdates     = "status_updates"      // C2
	RCAWithinDeadline = "rca_within_deadline" // P1
)

// Units of a value.
const (
	UnitSeconds = "seconds"
	UnitPercent = "percent"
)

// Comparisons a target states, as the policy writes them.
const (
	Below = "<" // the value must stay under the target
	Above = ">" // the value must stay over the target
)

// NoData is what a measure without samples displays: an empty window is
// not 0 and never NaN.
const NoData = "no data"

// definition is what a KPI is when the policy says nothing more about it.
type definition struct {
	id, clause, title, unit string
}

// kpis are the KPIs of the scorecard, in the order it lists them.
var kpis = []definition{
	{MTTR, "K1", "MTTR (Mean Time to Repair)", UnitSeconds},
	{MTTRImpact, "K1", "MTTR from impact start", UnitSeconds},
	{MTTK, "K2", "MTTK (Mean Time to Know)", UnitSeconds},
	{MTBF, "K3", "MTBF (Mean Time Between Failures)", UnitSeconds},
	{DetectionRate, "K4", "Detection Rate", UnitPercent},
	{FalsePositiveRate, "K5", "False Positive Rate", UnitPercent},
}

// weekly are the KPIs the trend shows for each week: those a week's
// incidents give on their own. MTBF needs a span longer than the target
// to mean anything, and MTTR from impact start repeats MTTR.
var weekly = []string{MTTR, MTTK, DetectionRate, FalsePositiveRate}

// compliance measures other than response, in the order the scorecard
// lists them after the response ones.
var (
	initialNotice = definition{InitialNotice, "C1", "Initial notice on time", UnitPercent}
	statusUpdates = definition{StatusUpdates, "C2", "Status updates on time", UnitPercent}
	rcaInTime     = definition{RCAWithinDeadline, "P1", "RCA meeting within the deadline", UnitPercent}
)

func lookup(id string) definition {
	for _, d := range kpis {
		if d.id == id {
			return d
		}
	}
	panic("kpi: no definition of " + id)
}
