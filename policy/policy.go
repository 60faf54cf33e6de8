package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Policy is one loaded, validated policy document. Treat it as read-only: it
// is shared between goroutines once loaded.
type Policy struct {
	// ProceduresVersion is the version of the procedures, e.g. "16.0"
	// (rendered "Phase 16"); read it with Version. Required.
	ProceduresVersion string `yaml:"version"`
	// Name is the document title, e.g. "Incident Response Procedures". Required.
	Name string `yaml:"name"`
	// Overview is the introductory paragraph.
	Overview string `yaml:"overview"`
	// Severities in order from most to least severe (S1–S4). Required, non-empty.
	Severities []Severity `yaml:"severities"`
	// Detection holds the automated alert rules and manual sources (D1–D5).
	Detection Detection `yaml:"detection"`
	// Routing decides the severity, service and incident of alerts (D1–D4).
	Routing Routing `yaml:"routing"`
	// FirstResponder holds the first-responder checklist (R1–R7).
	FirstResponder FirstResponder `yaml:"first_responder"`
	// Diagnostics holds the investigation check lists (G1–G4).
	Diagnostics Diagnostics `yaml:"diagnostics"`
	// Runbooks are the remediation procedures (M1–M3).
	Runbooks []Runbook `yaml:"runbooks"`
	// Communication holds the notification cadences (C1–C3).
	Communication Communication `yaml:"communication"`
	// PostIncident holds the RCA and action-item rules (P1–P4).
	PostIncident PostIncident `yaml:"post_incident"`
	// Oncall holds schedules and on-call duties (O1–O6).
	Oncall Oncall `yaml:"oncall"`
	// Tools are the tools the procedures rely on (T1–T6).
	Tools []Tool `yaml:"tools"`
	// Contacts is the contacts directory and escalation groups (X1).
	Contacts Contacts `yaml:"contacts"`
	// Paging is who is paged, step by step, and who is told what (not rendered).
	Paging Paging `yaml:"paging"`
	// KPIs are the incident-response metric targets (K1–K5).
	KPIs []KPI `yaml:"kpis"`
	// Improvement holds the review and drill cadences and practices (I1–I6).
	Improvement Improvement `yaml:"improvement"`

	source []byte // exactly what Load was given; the hash identifies it
}

// Severity is one severity level (S1–S4).
type Severity struct {
	// Name is the stable name incidents carry, e.g. "SEV1". Required, unique.
	Name string `yaml:"name"`
	// Clause lists the procedure clauses this level implements, e.g. S1.
	Clause StringList `yaml:"clause"`
	// Title is the short label, e.g. "Critical". Required.
	Title string `yaml:"title"`
	// Meaning describes which incidents get this level; one string or a list. Required.
	Meaning StringList `yaml:"meaning"`
	// ResponseTarget is how soon an incident must be responded to. Required, positive.
	ResponseTarget Duration `yaml:"response_target"`
	// Escalation lists who is notified for this level. Required, non-empty.
	Escalation []EscalationTarget `yaml:"escalation"`
	// PageAtNight says whether this level may page people outside business
	// hours. Defaults to true when absent: not paging must be a decision.
	PageAtNight bool `yaml:"page_at_night"`
	// AutoResolve says whether the incident resolves when its alerts clear.
	// Defaults to false: a person confirms the service is restored (C3).
	AutoResolve bool `yaml:"auto_resolve"`
}

// EscalationTarget is one step of a severity's escalation.
type EscalationTarget struct {
	// Contact is the id of a person or a group under contacts. Required.
	Contact string `yaml:"contact"`
	// After is how long after declaration the target is notified when nobody
	// has acknowledged; zero (the default) means at declaration.
	After Duration `yaml:"after"`
	// Note replaces the contact's title in the rendered procedures,
	// e.g. "Immediate executive notification".
	Note string `yaml:"note"`
}

// Detection is the detection & alert section (D1–D5).
type Detection struct {
	// Rules are the automated alert thresholds (D1–D4).
	Rules []DetectionRule `yaml:"rules"`
	// ManualSources are where humans report incidents from (D5).
	ManualSources []ManualSource `yaml:"manual_sources"`
}

// DetectionRule is one automated alert threshold, e.g. "CPU > 80% for 5 minutes".
type DetectionRule struct {
	// ID is stable and unique; the ARQ rules use their clause ID, e.g. "D1". Required.
	ID string `yaml:"id"`
	// Name is what the rule watches in words, e.g. "CPU". Required.
	Name string `yaml:"name"`
	// Metric is the snake_case metric name alerts report, e.g. cpu_utilization_percent. Required.
	Metric string `yaml:"metric"`
	// Comparison between the metric and Threshold that fires the alert. Required.
	Comparison Comparison `yaml:"comparison"`
	// Threshold is the value compared against, in Unit. Required.
	Threshold float64 `yaml:"threshold"`
	// For is how long the condition must hold; zero fires at once.
	For Duration `yaml:"for"`
	// Aggregation of the metric, e.g. "p95" or "avg"; empty means the raw value.
	Aggregation string `yaml:"aggregation"`
	// Unit of Threshold: one of Units. Required.
	Unit string `yaml:"unit"`
	// Severity is the level the incident opens at; the first responder may
	// re-assign it (R3). Required, must be a defined severity.
	Severity string `yaml:"severity"`
	// Runbook is the id of the runbook to follow, or empty.
	Runbook string `yaml:"runbook"`
	// Expr is the PromQL whose value is compared with Threshold, without
	// the comparison: `arqir rules export` and the built-in evaluator use it.
	// Absent, a known Metric gets its default (DefaultExpr); empty means
	// the rule only matches alerts by name (see expr.go).
	Expr string `yaml:"expr"`
}

// ManualSource is one way humans detect incidents (D5).
type ManualSource struct {
	// ID is stable and unique, e.g. customer_support. Required.
	ID string `yaml:"id"`
	// Clause lists the procedure clauses, e.g. D5.
	Clause StringList `yaml:"clause"`
	// Label is the wording, e.g. "Customer support reports". Required.
	Label string `yaml:"label"`
}

// FirstResponder is the initial response section (R1–R7).
type FirstResponder struct {
	// Checklist is the first-responder checklist, in order.
	Checklist []ChecklistItem `yaml:"checklist"`
}

// ChecklistItem is one first-responder task.
type ChecklistItem struct {
	// ID is stable and unique; the ARQ items use their clause ID, e.g. "R1". Required.
	ID string `yaml:"id"`
	// Task is what the responder does. Required.
	Task string `yaml:"task"`
	// DoneBy is the event that ticks the item: one of arqir.ChecklistTriggers. Required.
	DoneBy string `yaml:"done_by"`
	// Severities limits the item to these levels; empty means every level.
	Severities []string `yaml:"severities"`
}

// Diagnostics is the diagnostics & investigation section (G1–G4).
type Diagnostics struct {
	// Groups are the check lists, in order.
	Groups []DiagnosticGroup `yaml:"groups"`
}

// DiagnosticGroup is one list of things to check, e.g. "System Health Check".
type DiagnosticGroup struct {
	// ID is stable and unique; the ARQ groups use their clause ID, e.g. "G1". Required.
	ID string `yaml:"id"`
	// Title names the group. Required.
	Title string `yaml:"title"`
	// Checks are the things to look at. Required, non-empty.
	Checks []string `yaml:"checks"`
}

// Runbook is one remediation procedure (M1–M3).
type Runbook struct {
	// ID is stable and unique, e.g. memory_leak; detection rules refer to it. Required.
	ID string `yaml:"id"`
	// Clause lists the procedure clauses, e.g. M1.
	Clause StringList `yaml:"clause"`
	// Title names the situation, e.g. "Memory Leak / High Memory Usage". Required.
	Title string `yaml:"title"`
	// Steps in order. Required, non-empty.
	Steps []string `yaml:"steps"`
}

// Communication is the communication protocol (C1–C3).
type Communication struct {
	// Channel is the incident channel, e.g. "#incidents". Required when the block is present.
	Channel string `yaml:"channel"`
	// InitialNotification is the first message about a new incident (C1).
	InitialNotification InitialNotification `yaml:"initial_notification"`
	// StatusUpdates is the update cadence while the incident is open (C2).
	StatusUpdates StatusUpdates `yaml:"status_updates"`
	// ResolutionNotification is the message when service is restored (C3).
	ResolutionNotification ResolutionNotification `yaml:"resolution_notification"`
}

// InitialNotification is the first message about a new incident (C1).
type InitialNotification struct {
	// Clause lists the procedure clauses, e.g. C1.
	Clause StringList `yaml:"clause"`
	// Within is the deadline after declaration; zero means immediately. Required.
	Within Duration `yaml:"within"`
	// Channel to post in; defaults to Communication.Channel.
	Channel string `yaml:"channel"`
	// Include lists the message fields (MessageFields). Required, non-empty.
	Include []string `yaml:"include"`
	// MentionTeams says whether the message @mentions the relevant teams.
	MentionTeams bool `yaml:"mention_teams"`
}

// StatusUpdates is the update cadence while an incident is open (C2).
type StatusUpdates struct {
	// Clause lists the procedure clauses, e.g. C2.
	Clause StringList `yaml:"clause"`
	// Every is the interval between updates. Required, positive.
	Every Duration `yaml:"every"`
	// Severities that need updates; empty means every level.
	Severities []string `yaml:"severities"`
	// Include lists the message fields (MessageFields). Required, non-empty.
	Include []string `yaml:"include"`
}

// ResolutionNotification is the message when service is restored (C3).
type ResolutionNotification struct {
	// Clause lists the procedure clauses, e.g. C3.
	Clause StringList `yaml:"clause"`
	// Within is the deadline after resolution; zero means immediately. Required.
	Within Duration `yaml:"within"`
	// Include lists the message fields (MessageFields). Required, non-empty.
	Include []string `yaml:"include"`
}

// PostIncident is the post-incident process (P1–P4).
type PostIncident struct {
	// RCA is the root cause analysis meeting and template (P1, P2).
	RCA RCA `yaml:"rca"`
	// ActionItems are the rules for follow-up work (P3, P4).
	ActionItems ActionItems `yaml:"action_items"`
}

// RCA is the root cause analysis meeting and template (P1, P2).
type RCA struct {
	// Clause lists the procedure clauses, e.g. [P1, P2].
	Clause StringList `yaml:"clause"`
	// MeetingWithin is the deadline for the RCA meeting after resolution. Required, positive.
	MeetingWithin Duration `yaml:"meeting_within"`
	// Sections of the RCA document, in order. Required, non-empty.
	Sections []RCASection `yaml:"sections"`
	// RemindBefore is how long before meeting_within runs out the people
	// of the incident are reminded that the RCA meeting is due; 0s sends
	// no early reminder (the overdue notice still goes out). arqir's
	// mechanics around P1, so Render leaves it out. Optional, default 2h;
	// less than meeting_within.
	RemindBefore Duration `yaml:"remind_before"`
}

// RCASection is one section of the RCA template.
type RCASection struct {
	// ID is stable and unique, e.g. executive_summary. Required.
	ID string `yaml:"id"`
	// Title is the heading, e.g. "Executive Summary". Required.
	Title string `yaml:"title"`
}

// ActionItems are the rules for post-incident follow-up work (P3, P4).
type ActionItems struct {
	// Clause lists the procedure clauses, e.g. [P3, P4].
	Clause StringList `yaml:"clause"`
	// Categories every action item is filed under. Required, non-empty.
	Categories []ActionCategory `yaml:"categories"`
	// RequireOwner rejects action items without an owner.
	RequireOwner bool `yaml:"require_owner"`
	// RequireDueDate rejects action items without a due date.
	RequireDueDate bool `yaml:"require_due_date"`
}

// ActionCategory is one action-item category, e.g. prevention.
type ActionCategory struct {
	// ID is stable and unique, e.g. prevention. Required.
	ID string `yaml:"id"`
	// Title is the label, e.g. "Prevention". Required.
	Title string `yaml:"title"`
	// Description says what the category is for. Required.
	Description string `yaml:"description"`
}

// Oncall is the on-call procedures section (O1–O6).
type Oncall struct {
	// Schedules are the on-call schedules (O1–O3).
	Schedules []Schedule `yaml:"schedules"`
	// Availability is what the on-call engineer commits to (O4).
	Availability Availability `yaml:"availability"`
	// Handoff is what the outgoing on-call engineer does (O5).
	Handoff Duties `yaml:"handoff"`
	// PostShift is what the on-call engineer does after the shift (O6).
	PostShift Duties `yaml:"post_shift"`
}

// Coverage values of a Schedule.
const (
	CoverageAlways     = "always"     // the schedule covers every hour of every day
	CoverageRestricted = "restricted" // the schedule covers only its Restriction
)

// Schedule is one on-call schedule, e.g. primary or secondary.
type Schedule struct {
	// ID is stable and unique, e.g. primary; contacts refer to "schedule:<id>". Required.
	ID string `yaml:"id"`
	// Clause lists the procedure clauses, e.g. O1.
	Clause StringList `yaml:"clause"`
	// Title names the schedule, e.g. "Primary On-Call". Required.
	Title string `yaml:"title"`
	// Description says when it covers in words, e.g. "7 days/week". Required.
	Description string `yaml:"description"`
	// Coverage is CoverageAlways or CoverageRestricted. Required. With
	// Layers, always needs a layer without restriction and restricted needs
	// every layer restricted.
	Coverage string `yaml:"coverage"`
	// Restriction is the covered window; required exactly when Coverage is
	// restricted, unless the schedule has Layers.
	Restriction Restriction `yaml:"restriction"`
	// Rotation says how shifts hand over. Required unless the schedule has
	// Layers; a schedule written with one rotation is one layer.
	Rotation Rotation `yaml:"rotation"`
	// Layers are several rotations in one schedule, in ascending priority:
	// a later layer wins wherever it has someone on call, and outside its
	// restriction the layers below show through. Instead of Rotation and
	// Restriction.
	Layers []Layer `yaml:"layers"`
}

// Layer is one rotation of a schedule written with layers, e.g. a weekly
// rotation with a business-hours layer above it.
type Layer struct {
	// Name identifies the layer within the schedule, e.g. business-hours;
	// participants are assigned per layer. Required, unique in the schedule.
	Name string `yaml:"name"`
	// Rotation says how the layer's shifts hand over. Required; every layer
	// of a schedule hands off in the same zone.
	Rotation Rotation `yaml:"rotation"`
	// Restriction, if given, limits the layer to a weekly window.
	Restriction Restriction `yaml:"restriction"`
	// Restricted reports whether Restriction was given.
	Restricted bool `yaml:"-"`
}

// Restriction is the weekly window a restricted schedule covers.
type Restriction struct {
	// Weekdays covered. Required, non-empty.
	Weekdays []time.Weekday `yaml:"weekdays"`
	// From is the start of the window on each covered day. Required.
	From Clock `yaml:"from"`
	// To is the end of the window; earlier than From means it ends the next day. Required.
	To Clock `yaml:"to"`
	// Zone is the IANA time zone of From and To, e.g. America/New_York. Required.
	Zone *time.Location `yaml:"zone"`
}

// Rotation says how a schedule's shifts hand over (O3).
type Rotation struct {
	// Clause lists the procedure clauses, e.g. O3.
	Clause StringList `yaml:"clause"`
	// Length of one shift, e.g. 1w. Required, positive.
	Length Duration `yaml:"length"`
	// Handoff is when shifts change. Required.
	Handoff HandoffTime `yaml:"handoff"`
}

// HandoffTime is the wall-clock moment shifts change, e.g. Monday 09:00 America/New_York.
type HandoffTime struct {
	// Weekday of the handoff; only meaningful, and then required, for rotations
	// of whole weeks. Stored as set (Sunday when absent); use HasWeekday.
	Weekday time.Weekday `yaml:"weekday"`
	// HasWeekday reports whether Weekday was given.
	HasWeekday bool `yaml:"-"`
	// Time of day of the handoff. Required.
	Time Clock `yaml:"time"`
	// Zone is the IANA time zone of Time; rotations follow it across DST. Required.
	Zone *time.Location `yaml:"zone"`
}

// Availability is what the on-call engineer commits to (O4).
type Availability struct {
	// Clause lists the procedure clauses, e.g. O4.
	Clause StringList `yaml:"clause"`
	// RespondWithin is the deadline to respond to an alert. Required, positive.
	RespondWithin Duration `yaml:"respond_within"`
	// AcknowledgePageWithin is the deadline to acknowledge a page. Required, positive.
	AcknowledgePageWithin Duration `yaml:"acknowledge_page_within"`
	// JoinCallsWithin is the deadline to join an incident call; zero means immediately. Required.
	JoinCallsWithin Duration `yaml:"join_calls_within"`
}

// Duties is a clause-tagged list of tasks, e.g. the handoff tasks (O5).
type Duties struct {
	// Clause lists the procedure clauses, e.g. O5.
	Clause StringList `yaml:"clause"`
	// Tasks in order. Required, non-empty.
	Tasks []string `yaml:"tasks"`
}

// Roles a Tool can play; the render and the integrations find tools by role.
const (
	ToolRolePaging  = "paging"   // pages the on-call engineer, e.g. PagerDuty
	ToolRoleChat    = "chat"     // hosts the incident channel, e.g. Slack
	ToolRoleWarRoom = "war_room" // hosts incident calls, e.g. Zoom
)

// Tool is one tool the procedures rely on (T1–T6).
type Tool struct {
	// ID is stable and unique, e.g. pagerduty. Required.
	ID string `yaml:"id"`
	// Clause lists the procedure clauses, e.g. T1.
	Clause StringList `yaml:"clause"`
	// Title is the product name, e.g. "PagerDuty". Required.
	Title string `yaml:"title"`
	// Purpose says what it is used for. Required.
	Purpose string `yaml:"purpose"`
	// Role is one of the ToolRole constants, or empty; each role at most once.
	Role string `yaml:"role"`
}

// Contacts is the contacts directory (X1) and the groups escalation names.
type Contacts struct {
	// Clause lists the procedure clauses, e.g. X1.
	Clause StringList `yaml:"clause"`
	// People are the individual contacts, in rendering order.
	People []Person `yaml:"people"`
	// Groups name several people at once for escalation, e.g. executives.
	Groups []Group `yaml:"groups"`
	// EscalationEmail is the shared escalation address, e.g. incidents@company.com.
	EscalationEmail string `yaml:"escalation_email"`
	// WarRoom is the standing war-room call URL; empty renders "[Zoom Link]".
	WarRoom string `yaml:"war_room"`
	// IncidentChannel is the incident chat channel, e.g. "#incidents".
	IncidentChannel string `yaml:"incident_channel"`
}

// Person is one contact. Empty Name, Email and Phone render as the
// "[Phone/Email]" placeholder of the procedures: the policy never invents people.
type Person struct {
	// ID is unique across people and groups, e.g. cto. Required.
	ID string `yaml:"id"`
	// Title is the role, e.g. "CTO". Required.
	Title string `yaml:"title"`
	// Name of the person holding the role, if known.
	Name string `yaml:"name"`
	// Email address, if known.
	Email string `yaml:"email"`
	// Phone number, if known.
	Phone string `yaml:"phone"`
	// Source is "schedule:<id>" when whoever is on call in that schedule fills
	// the role (the on-call lead); then Name, Email and Phone stay empty.
	Source string `yaml:"source"`
}

// Group names several people at once, e.g. executives = [cto, vp_engineering].
// Members may be empty: the procedures name the engineering lead and the
// development team without naming people.
type Group struct {
	// ID is unique across people and groups, e.g. executives. Required.
	ID string `yaml:"id"`
	// Title is the wording used in escalation, e.g. "Executives". Required.
	Title string `yaml:"title"`
	// Members are ids of people (not groups, so groups cannot loop).
	Members []string `yaml:"members"`
}

// KPI is one incident-response metric target (K1–K5).
type KPI struct {
	// ID is one of the KPI constants (KPIMTTR, ...): arqir knows how to compute it. Required, unique.
	ID string `yaml:"id"`
	// Clause lists the procedure clauses, e.g. K1.
	Clause StringList `yaml:"clause"`
	// Title is the label, e.g. "MTTR (Mean Time to Repair)". Required.
	Title string `yaml:"title"`
	// Comparison is "<" (stay under the target) or ">" (stay over it). Required.
	Comparison Comparison `yaml:"comparison"`
	// Target is a duration for time KPIs, a percentage for rates. Required.
	Target Target `yaml:"target"`
}

// Improvement is the continuous improvement section (I1–I6).
type Improvement struct {
	// Review is how often the procedures are reviewed and updated (I1).
	Review Cadence `yaml:"review"`
	// Drills is how often incident response drills run (I2).
	Drills Cadence `yaml:"drills"`
	// Items are the other improvement practices (I3–I6).
	Items []ImprovementItem `yaml:"items"`
}

// Cadence is a clause-tagged calendar cadence, e.g. quarterly reviews (I1).
type Cadence struct {
	// Clause lists the procedure clauses, e.g. I1.
	Clause StringList `yaml:"clause"`
	// Every is the interval in calendar months, e.g. 3mo. Required, at least 1mo.
	Every Months `yaml:"every"`
}

// ImprovementItem is one continuous-improvement practice.
type ImprovementItem struct {
	// ID is stable and unique; the ARQ items use their clause ID, e.g. "I3". Required.
	ID string `yaml:"id"`
	// Text is the practice, e.g. "Measure incident metrics and KPIs". Required.
	Text string `yaml:"text"`
}

// Source returns a copy of the exact bytes the policy was loaded from.
func (p *Policy) Source() []byte { return append([]byte(nil), p.source...) }

// Hash identifies the loaded bytes: "sha256:" and the hex digest of Source.
func (p *Policy) Hash() string {
	sum := sha256.Sum256(p.source)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Version returns the procedures version, e.g. "16.0".
func (p *Policy) Version() string { return p.ProceduresVersion }
