package arqir

import (
	"context"
	"time"
)

// KPIQuery selects the incidents a scorecard is computed over: declared in
// [From, To), optionally one service and one severity. Drills never count.
type KPIQuery struct {
	From, To time.Time
	Service  string
	Severity string
}

// KPIAggregates are the sums and counts the database computes for a
// KPIQuery; package kpi turns them into KPIs against the policy's targets.
// Durations are in microseconds; a count of 0 means no data.
type KPIAggregates struct {
	Incidents int // incidents declared in the window (drills excluded)

	Resolved           int   // of them, resolved
	SumResolveDetected int64 // Σ resolved − detected over Resolved (MTTR, K1)
	SumResolveImpact   int64 // Σ resolved − impact start over Resolved (MTTR variant)
	SumDetectImpact    int64 // Σ detected − impact start over Incidents (MTTK, K2)
	Automated          int   // detected automatically (K4)
	AlertOpened        int   // opened by alerts (the K5 denominator)
	AlertFalsePositive int   // of those, marked false positive (K5)
	BetweenFailureGaps int   // Σ per service of (incidents − 1) (MTBF, K3)
	SumBetweenFailure  int64 // Σ per service of (last start − first start)
	ResponseBySeverity map[string]Compliance
	InitialNotice      Compliance // C1
	StatusUpdates      Compliance // C2
	RCAWithinDeadline  Compliance // P1
	Weekly             []KPIWeekAggregates
}

// Compliance counts deadlines met and missed. Moot ones (cancelled) and
// ones still running do not count.
type Compliance struct {
	Met    int `json:"met"`
	Missed int `json:"missed"`
}

// KPIWeekAggregates are the aggregates of one week (Monday 00:00 UTC).
type KPIWeekAggregates struct {
	Week               time.Time
	Incidents          int
	Resolved           int
	SumResolveDetected int64
	SumDetectImpact    int64
	Automated          int
	AlertOpened        int
	AlertFalsePositive int
}

// KPI is one measure against its target, as people read it.
type KPI struct {
	ID     string `json:"id"`     // mttr, mttk, mtbf, detection_rate, false_positive_rate, …
	Clause string `json:"clause"` // e.g. K1
	Title  string `json:"title"`
	// Unit is "seconds" for times, "percent" for rates.
	Unit string `json:"unit"`
	// Value is nil when there is no data (an empty window is not 0).
	Value *float64 `json:"value"`
	// Samples is how many incidents or deadlines the value is over.
	Samples int `json:"samples"`
	// Target and Comparison come from the policy; Pass is nil without data
	// or without a target.
	Target     *float64 `json:"target"`
	Comparison string   `json:"comparison"`
	Pass       *bool    `json:"pass"`
	// Display is the value in words, e.g. "22m30s" or "85.0%", or "no data".
	Display string `json:"display"`
}

// KPIReport is the scorecard of a window (I3).
type KPIReport struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Service  string    `json:"service,omitempty"`
	Severity string    `json:"severity,omitempty"`
	// KPIs are the five of the procedures (K1–K5) plus MTTR from impact start.
	KPIs []KPI `json:"kpis"`
	// Compliance are the shares of deadlines met: response per severity
	// (S1–S4), initial notice (C1), status updates (C2), RCA within 24 h (P1).
	Compliance []KPI `json:"compliance"`
	// Weekly is the trend, one entry per week of the window.
	Weekly []KPIWeek `json:"weekly"`
}

// KPIWeek is one week of the trend.
type KPIWeek struct {
	Week time.Time `json:"week"`
	KPIs []KPI     `json:"kpis"`
}

// KPIService computes KPI aggregates in the database, not by loading rows.
type KPIService interface {
	// KPIAggregates returns the sums and counts for the query. Returns
	// EINVALID for an inverted or empty window.
	KPIAggregates(ctx context.Context, q KPIQuery) (*KPIAggregates, error)
}
