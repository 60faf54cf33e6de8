package arqir

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// IncidentID identifies an incident. People say and type it as "INC-42".
type IncidentID int64

// String returns the human form, e.g. "INC-42".
func (id IncidentID) String() string { return "INC-" + strconv.FormatInt(int64(id), 10) }

// ParseIncidentID accepts "INC-42", "inc-42" or "42".
func ParseIncidentID(s string) (IncidentID, error) {
	t := strings.TrimSpace(s)
	if len(t) > 4 && strings.EqualFold(t[:4], "INC-") {
		t = t[4:]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, Errorf(EINVALID, "%q is not an incident ID: use the form INC-42", s)
	}
	return IncidentID(n), nil
}

// Status is where an incident stands in its life cycle.
type Status string

// The incident statuses of the procedures, in their usual order (R2).
const (
	StatusInvestigating Status = "INVESTIGATING"
	StatusIdentified    Status = "IDENTIFIED"
	StatusMonitoring    Status = "MONITORING"
	StatusResolved      Status = "RESOLVED"
)

// Statuses lists every status in life-cycle order.
var Statuses = []Status{StatusInvestigating, StatusIdentified, StatusMonitoring, StatusResolved}

// ParseStatus accepts a status name in any letter case.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if strings.EqualFold(s, string(st)) {
			return st, nil
		}
	}
	return "", FieldErrorf(EUNPROCESSABLE, "status", "unknown status %q: use one of INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED", s)
}

// Open reports whether the status is one of an unresolved incident.
func (s Status) Open() bool { return s != StatusResolved }

// DetectionKind says whether monitoring or a person noticed the problem (D1–D5, K4).
type DetectionKind string

// Detection kinds.
const (
	DetectionAutomated DetectionKind = "automated"
	DetectionManual    DetectionKind = "manual"
)

// Manual detection sources of the procedures (D5).
const (
	SourceCustomerSupport     = "customer_support"
	SourceUserReport          = "user_report"
	SourceInternalObservation = "internal_observation"
)

// ManualSources lists the valid sources of a manual detection (D5).
var ManualSources = []string{SourceCustomerSupport, SourceUserReport, SourceInternalObservation}

// Detection records how the incident was noticed.
type Detection struct {
	Kind DetectionKind `json:"kind"`
	// Source is, for automated detection, the alerting integration or tool
	// (e.g. "alertmanager"); for manual detection one of ManualSources.
	Source string `json:"source"`
}

// Validate reports a detection that the procedures do not know.
func (d Detection) Validate() error {
	switch d.Kind {
	case DetectionManual:
		for _, s := range ManualSources {
			if d.Source == s {
				return nil
			}
		}
		return FieldErrorf(EUNPROCESSABLE, "detection.source", "unknown manual detection source %q: use one of %s", d.Source, strings.Join(ManualSources, ", "))
	case DetectionAutomated:
		if strings.TrimSpace(d.Source) == "" {
			return FieldErrorf(EUNPROCESSABLE, "detection.source", "automated detection needs the alert source (e.g. alertmanager)")
		}
		return nil
	default:
		return FieldErrorf(EUNPROCESSABLE, "detection.kind", "unknown detection kind %q: use automated or manual", d.Kind)
	}
}

// Incident is a production problem being handled under the procedures.
type Incident struct {
	ID       IncidentID `json:"id"`
	Title    string     `json:"title"`
	Summary  string     `json:"summary"`
	Severity string     `json:"severity"`
	Status   Status     `json:"status"`
	Services []string   `json:"services"`

	Detection Detection `json:"detection"`

	ImpactStartedAt time.Time  `json:"impact_started_at"` // when customers started to feel it
	DetectedAt      time.Time  `json:"detected_at"`       // when we first knew (K2: time to know)
	DeclaredAt      time.Time  `json:"declared_at"`       // when the incident was opened in arqir
	AcknowledgedAt  *time.Time `json:"acknowledged_at"`
	AcknowledgedBy  string     `json:"acknowledged_by"`
	ResolvedAt      *time.Time `json:"resolved_at"`

	Commander  string   `json:"commander"`
	Responders []string `json:"responders"`

	RootCause      string `json:"root_cause"`
	CustomerImpact string `json:"customer_impact"`

	FalsePositive bool `json:"false_positive"`
	// FalsePositiveReason says why a responder judged the incident noise (K5).
	FalsePositiveReason string `json:"false_positive_reason"`
	Drill               bool   `json:"drill"`

	// PolicyRevision is the stored policy revision the incident was declared under.
	PolicyRevision int `json:"policy_revision"`

	Checklist []ChecklistItem `json:"checklist"`
	Deadlines []Deadline      `json:"deadlines"`

	// Refs are the incident's identities at providers (RefPagerDutyDedupKey,
	// RefWarRoomURL, RefSlackChannel, RefSlackTS); never secrets.
	Refs map[string]string `json:"refs"`
	// LastUpdateAt is when the last structured status update was posted (C2).
	LastUpdateAt *time.Time `json:"last_update_at"`

	// Version increases with every change; a change that names an older
	// version is refused (ECONFLICT) so no update is lost silently.
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Breached reports whether any deadline of the incident was missed.
func (inc *Incident) Breached() bool {
	for _, d := range inc.Deadlines {
		if d.BreachedAt != nil {
			return true
		}
	}
	return false
}

// ChecklistItem is one first-responder task of an incident (R1–R7).
type ChecklistItem struct {
	ID     string     `json:"id"`
	Task   string     `json:"task"`
	DoneBy string     `json:"done_by"` // the trigger that ticks it; "person" if people do
	Done   bool       `json:"done"`
	DoneAt *time.Time `json:"done_at"`
	Who    string     `json:"who"` // actor that ticked it; "system" when arqir did
}

// Deadline kinds.
const (
	// DeadlineResponse is the severity's response target (S1–S4): someone
	// must acknowledge the incident within it.
	DeadlineResponse = "response"
	// DeadlineInitialNotice is the initial notification in the incident
	// channel (C1); met when that message is delivered.
	DeadlineInitialNotice = "initial_notice"
	// DeadlineStatusUpdate is the next structured status update (C2); met by
	// posting one, which arms the next.
	DeadlineStatusUpdate = "status_update"
	// DeadlineUpdateOverdue is the grace after a missed update; breached, the
	// reminder escalates (C2).
	DeadlineUpdateOverdue = "update_overdue"
	// DeadlinePageAck is a page's acknowledgement deadline (O4); breached,
	// the next step of the paging chain is paged. Step says which step.
	DeadlinePageAck = "page_ack"
)

// Deadline is a time-boxed obligation of the procedures, stored as data and
// swept by the scheduler (never a sleeping goroutine).
type Deadline struct {
	Kind       string     `json:"kind"`
	DueAt      time.Time  `json:"due_at"`
	MetAt      *time.Time `json:"met_at"`
	BreachedAt *time.Time `json:"breached_at"`
	// CancelledAt is set when the obligation became moot before it was met
	// or breached (the incident was resolved first). A moot deadline is
	// neither met nor breached: KPIs must not count it as answered.
	CancelledAt *time.Time `json:"cancelled_at"`
	// Step is, for a page acknowledgement deadline, the paging step it
	// belongs to, counted across repeats of the chain (1, 2, …); else 0.
	Step int `json:"step,omitempty"`
}

// Pending reports whether the deadline is still running.
func (d Deadline) Pending() bool {
	return d.MetAt == nil && d.BreachedAt == nil && d.CancelledAt == nil
}

// Actor says who made a change and through which door.
type Actor struct {
	Name   string `json:"name"`   // token or user name; "system" for arqir itself
	Source Source `json:"source"` // api, cli, web, system
}

// Source is the channel a change came through.
type Source string

// Sources of changes.
const (
	SourceAPI    Source = "api"
	SourceCLI    Source = "cli"
	SourceWeb    Source = "web"
	SourceSystem Source = "system"
	// Doors of the paging integrations: a Slack button or slash command, a
	// PagerDuty webhook, an acknowledge link in an e-mail or text.
	SourceSlack     Source = "slack"
	SourcePagerDuty Source = "pagerduty"
	SourceLink      Source = "link"
	SourceGitHub    Source = "github" // a signed GitHub webhook (an issue closed)
)

// ParseSource accepts one of the known sources.
func ParseSource(s string) (Source, error) {
	switch Source(s) {
	case SourceAPI, SourceCLI, SourceWeb, SourceSystem:
		return Source(s), nil
	}
	return "", Errorf(EINVALID, "unknown change source %q: use api, cli, web or system", s)
}

// SystemActor is arqir acting on its own (deadline sweeps, automatic ticks).
var SystemActor = Actor{Name: "system", Source: SourceSystem}

// Change carries who makes a change and, optionally, the incident version
// they based it on.
type Change struct {
	Actor Actor
	// ExpectedVersion, when non-zero, must equal the incident's current
	// version, else the change is refused with ECONFLICT.
	ExpectedVersion int
}

// Declaration is the input for declaring an incident.
type Declaration struct {
	Title           string
	Summary         string
	Severity        string
	Services        []string
	Detection       Detection  // zero value means manual, internal observation
	ImpactStartedAt *time.Time // defaults to DetectedAt
	DetectedAt      *time.Time // defaults to the declaration time
	Commander       string
	Drill           bool
}

// Resolution is the input for resolving an incident (C3: both texts are required).
type Resolution struct {
	RootCause      string
	CustomerImpact string
	FalsePositive  bool
}

// RoleChange assigns the incident commander and adds or removes responders.
type RoleChange struct {
	Commander        *string // nil leaves it; "" clears it
	AddResponders    []string
	RemoveResponders []string
}

// IncidentFilter selects incidents for listing. Zero fields do not filter.
type IncidentFilter struct {
	Statuses   []Status
	Severities []string
	Service    string
	Open       *bool      // true: unresolved only; false: resolved only
	From, To   *time.Time // declared in [From, To)
	// Query searches titles by word prefix: every term of it (a run of
	// letters and digits; anything else separates terms) must begin a word
	// of the title, in any case (Unicode case folding), so "check err"
	// matches "Checkout errors" but "out" does not. A query without a letter
	// or digit is EINVALID.
	Query string
	Limit int // 1..500, default 50
	// Cursor continues a previous listing (newest first); from IncidentPage.Next.
	Cursor string
}

// IncidentPage is one page of a listing, newest first.
type IncidentPage struct {
	Incidents []*Incident `json:"incidents"`
	Next      string      `json:"next"` // empty on the last page
}

// IncidentService keeps incidents, their timeline and their deadlines. Every
// change and its timeline events commit in one transaction.
type IncidentService interface {
	// Declare opens an incident in INVESTIGATING with the policy's checklist
	// and deadlines. Returns EUNPROCESSABLE for a missing title or severity or
	// a severity the policy lacks.
	Declare(ctx context.Context, d Declaration, a Actor) (*Incident, error)

	// Incident returns one incident. Returns ENOTFOUND.
	Incident(ctx context.Context, id IncidentID) (*Incident, error)

	// Incidents lists incidents matching the filter, newest first.
	// Returns EINVALID for a bad limit or cursor.
	Incidents(ctx context.Context, f IncidentFilter) (*IncidentPage, error)

	// Acknowledge records who took the incident and meets the response
	// deadline. Returns ENOTFOUND, ECONFLICT, EUNPROCESSABLE if already
	// acknowledged or resolved.
	Acknowledge(ctx context.Context, id IncidentID, c Change) (*Incident, error)

	// ChangeSeverity sets a severity the policy defines and re-targets an
	// unmet response deadline. Returns ENOTFOUND, ECONFLICT, EUNPROCESSABLE.
	ChangeSeverity(ctx context.Context, id IncidentID, severity, reason string, c Change) (*Incident, error)

	// ChangeStatus moves an open incident between open statuses. Resolving
	// goes through Resolve. Returns ENOTFOUND, ECONFLICT, EUNPROCESSABLE.
	ChangeStatus(ctx context.Context, id IncidentID, status Status, note string, c Change) (*Incident, error)

	// AssignRoles sets the commander and responders. Returns ENOTFOUND,
	// ECONFLICT, EUNPROCESSABLE for an empty change.
	AssignRoles(ctx context.Context, id IncidentID, r RoleChange, c Change) (*Incident, error)

	// AddNote appends a note to the timeline. Returns ENOTFOUND, ECONFLICT,
	// EUNPROCESSABLE for an empty note.
	AddNote(ctx context.Context, id IncidentID, text string, c Change) (*Incident, error)

	// TickChecklist marks a checklist item done. Returns ENOTFOUND (incident
	// or item), ECONFLICT, EUNPROCESSABLE if it is already done.
	TickChecklist(ctx context.Context, id IncidentID, item string, c Change) (*Incident, error)

	// Resolve closes the incident; root cause and customer impact are
	// required. Returns ENOTFOUND, ECONFLICT, EUNPROCESSABLE.
	Resolve(ctx context.Context, id IncidentID, r Resolution, c Change) (*Incident, error)

	// Reopen moves a resolved incident back to INVESTIGATING. Returns
	// ENOTFOUND, ECONFLICT, EUNPROCESSABLE if it is open.
	Reopen(ctx context.Context, id IncidentID, reason string, c Change) (*Incident, error)

	// MarkFalsePositive records a responder's verdict that the incident was
	// noise (K5), open or resolved, with the reason on the timeline.
	// Returns ENOTFOUND, ECONFLICT, EUNPROCESSABLE without a reason or when
	// already marked.
	MarkFalsePositive(ctx context.Context, id IncidentID, reason string, c Change) (*Incident, error)

	// PostUpdate posts a structured status update (C2): it meets the update
	// deadline, arms the next one and is sent to the channel, its thread and
	// the stakeholders. Returns ENOTFOUND, ECONFLICT, EUNPROCESSABLE.
	PostUpdate(ctx context.Context, id IncidentID, u StatusUpdate, c Change) (*Incident, error)

	// Timeline returns the incident's events, oldest first. Returns ENOTFOUND.
	Timeline(ctx context.Context, id IncidentID) ([]TimelineEvent, error)

	// SweepDeadlines marks every deadline due at or before now as breached,
	// each with a timeline event, and returns how many it breached. Safe to
	// run on several replicas at once: each breach is recorded once.
	SweepDeadlines(ctx context.Context, now time.Time) (int, error)

	// NextDeadlineAt returns when the earliest pending deadline is due, or
	// nil when none is; the scheduler sleeps until then.
	NextDeadlineAt(ctx context.Context) (*time.Time, error)

	// Stats counts open incidents by severity and breaches ever recorded.
	Stats(ctx context.Context) (*IncidentStats, error)
}

// IncidentStats are the numbers /metrics reports.
type IncidentStats struct {
	OpenBySeverity map[string]int
	// BreachesTotal counts breaches of deadlines of every kind.
	BreachesTotal int
	// BreachesByKind splits BreachesTotal by deadline kind (DeadlineResponse,
	// DeadlinePageAck, …): a page_ack breach is the chain escalating as
	// designed, a response breach is a missed target people alert on.
	BreachesByKind map[string]int
}

func (inc *Incident) String() string {
	return fmt.Sprintf("%s %s [%s]", inc.ID, inc.Title, inc.Severity)
}

// MarshalText writes the human form, so JSON carries "INC-42".
func (id IncidentID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText accepts "INC-42" or "42".
func (id *IncidentID) UnmarshalText(b []byte) error {
	v, err := ParseIncidentID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}
