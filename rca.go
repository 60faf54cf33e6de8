package arqir

import (
	"context"
	"time"
)

// RCAState is where a root cause analysis stands (P1, P2).
type RCAState string

// RCA states: a draft is written, reviewed, then published; a published
// RCA is changed only by reopening it (back to in review, with a reason).
const (
	RCADraft     RCAState = "draft"
	RCAInReview  RCAState = "in_review"
	RCAPublished RCAState = "published"
)

// RCA is the root cause analysis of one resolved incident: the policy's
// sections (P2, pre-filled from what arqir knows), the review meeting due
// within the policy's deadline of resolution (P1), and what participants
// said about the response (I4).
type RCA struct {
	IncidentID IncidentID `json:"incident_id"`
	State      RCAState   `json:"state"`
	// DueAt is when the RCA meeting must have happened (P1: resolution + 24h).
	DueAt time.Time `json:"due_at"`
	// MeetingAt is when the meeting is scheduled, if it is.
	MeetingAt *time.Time `json:"meeting_at"`
	// HeldAt is when the meeting took place; it meets the P1 deadline.
	HeldAt    *time.Time `json:"held_at"`
	Attendees []string   `json:"attendees"`
	// Sections in the policy's order (P2).
	Sections []RCASection  `json:"sections"`
	Feedback []RCAFeedback `json:"feedback"`
	// Overdue is true while the meeting is not held and DueAt has passed.
	Overdue     bool       `json:"overdue"`
	PublishedAt *time.Time `json:"published_at"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// RCASection is one section of an RCA, e.g. the root cause analysis.
type RCASection struct {
	ID    string `json:"id"`    // the policy's section id, e.g. root_cause_analysis
	Title string `json:"title"` // e.g. "Root Cause Analysis"
	// Body is Markdown; arqir pre-fills it, people edit it.
	Body     string     `json:"body"`
	EditedBy string     `json:"edited_by"` // "" while it is arqir's draft
	EditedAt *time.Time `json:"edited_at"`
}

// RCAFeedback is one participant's view of how the response went (I4).
type RCAFeedback struct {
	Author string `json:"author"`
	// Rating of the response from 1 (poor) to 5 (excellent).
	Rating    int       `json:"rating"`
	WentWell  string    `json:"went_well"`
	ToImprove string    `json:"to_improve"`
	At        time.Time `json:"at"`
}

// DeadlineRCA is the RCA meeting deadline of a resolved incident (P1);
// met when the meeting is recorded as held.
const DeadlineRCA = "rca"

// Purposes of post-incident notifications.
const (
	PurposeRCAReminder        = "rca_reminder"         // the RCA meeting is due soon, or overdue (P1)
	PurposeRCAInvite          = "rca_invite"           // the RCA meeting invitation with an iCal attachment
	PurposeActionItemReminder = "action_item_reminder" // an action item is past its due date (P4)
	PurposeTrackerSync        = "tracker_sync"         // an action item is created or closed in the issue tracker (T6)
)

// ChannelGitHub files and closes action items as GitHub issues (T6).
const ChannelGitHub = "github"

// RCAFilter selects RCAs. Zero fields do not filter.
type RCAFilter struct {
	States  []RCAState
	Overdue *bool
	Limit   int // 1..500, default 100
}

// RCAService keeps RCAs. An RCA is created, in the transaction that resolves
// its incident, the first time the incident resolves; reopening and
// resolving again keeps it and moves its due time.
type RCAService interface {
	// RCA returns the RCA of an incident. Returns ENOTFOUND (no incident, or
	// not resolved yet).
	RCA(ctx context.Context, id IncidentID) (*RCA, error)
	// RCAs lists RCAs, the most urgent (earliest due) first.
	RCAs(ctx context.Context, f RCAFilter) ([]*RCA, error)
	// EditRCASection replaces a section's body. Returns ENOTFOUND (RCA or
	// section), ECONFLICT (version), EUNPROCESSABLE when published (reopen
	// it first) or the body is too long.
	EditRCASection(ctx context.Context, id IncidentID, section, body string, c Change) (*RCA, error)
	// SetRCAState moves draft → in_review → published, in_review → draft, and
	// published → in_review (reopening needs a reason). Returns ENOTFOUND,
	// ECONFLICT, EUNPROCESSABLE for any other move.
	SetRCAState(ctx context.Context, id IncidentID, to RCAState, reason string, c Change) (*RCA, error)
	// ScheduleRCAMeeting sets the meeting time and attendees and sends each
	// attendee an invitation with an iCal attachment. Returns ENOTFOUND,
	// ECONFLICT, EUNPROCESSABLE (no attendees, unknown users, published).
	ScheduleRCAMeeting(ctx context.Context, id IncidentID, at time.Time, attendees []string, c Change) (*RCA, error)
	// RecordRCAMeeting records that the meeting was held, meeting the P1
	// deadline. Returns ENOTFOUND, ECONFLICT, EUNPROCESSABLE (in the future,
	// before the resolution, already recorded).
	RecordRCAMeeting(ctx context.Context, id IncidentID, heldAt time.Time, attendees []string, c Change) (*RCA, error)
	// AddRCAFeedback adds a participant's feedback (I4), one per author
	// (a second replaces the first). Returns ENOTFOUND, EUNPROCESSABLE.
	AddRCAFeedback(ctx context.Context, id IncidentID, f RCAFeedback, c Change) (*RCA, error)
}

// Timeline event kinds of the post-incident work.
const (
	EventRCACreated       = "rca_created"        // the RCA draft exists, due by the P1 deadline
	EventRCAChanged       = "rca_changed"        // a section was edited or the state moved
	EventRCAMeeting       = "rca_meeting"        // the meeting was scheduled
	EventRCAMeetingHeld   = "rca_meeting_held"   // the meeting was held (P1 met)
	EventActionItemFiled  = "action_item_filed"  // an action item was filed (P3, P4)
	EventActionItemClosed = "action_item_closed" // an action item was done or cancelled
)

// RCADrafter pre-fills the RCA sections of a just-resolved incident from what
// arqir knows (package rca). It is pure: it runs in the resolving transaction.
type RCADrafter func(inc *Incident, timeline []TimelineEvent, alerts []*Alert, rules PostIncidentRules) []RCASection
