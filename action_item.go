package arqir

import (
	"context"
	"time"
)

// ActionItemStatus is where an action item stands.
type ActionItemStatus string

// Action item statuses.
const (
	ActionItemOpen      ActionItemStatus = "open"
	ActionItemDone      ActionItemStatus = "done"
	ActionItemCancelled ActionItemStatus = "cancelled"
)

// ActionItem is follow-up work from an incident (P3: categorised, P4: with an
// owner and a due date).
type ActionItem struct {
	ID          int64      `json:"id"`
	IncidentID  IncidentID `json:"incident_id"`
	Category    string     `json:"category"` // one of the policy's categories (P3)
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Owner       string     `json:"owner"` // a user handle (P4)
	// DueOn is the due date (a calendar day, stored as midnight UTC) (P4).
	DueOn  time.Time        `json:"due_on"`
	Status ActionItemStatus `json:"status"`
	// Runbook is the id of the runbook an "update the runbook" item changes (I6).
	Runbook string `json:"runbook"`
	// TrackerURL is the issue it was exported to (GitHub, T6), once filed.
	TrackerURL string `json:"tracker_url"`
	// Overdue is true while open past its due date.
	Overdue bool `json:"overdue"`
	// Warning is set when the item was accepted with something to fix,
	// e.g. a due date already past on creation.
	Warning   string     `json:"warning,omitempty"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ClosedAt  *time.Time `json:"closed_at"`
	// RemindedAt is when the owner was last reminded it is overdue.
	RemindedAt *time.Time `json:"reminded_at"`
	Version    int        `json:"version"`
}

// ActionItemInput is what filing an action item takes.
type ActionItemInput struct {
	IncidentID  IncidentID
	Category    string
	Title       string
	Description string
	Owner       string
	DueOn       time.Time
	Runbook     string
	// Export files it in the issue tracker (GitHub) when one is configured.
	Export bool
}

// ActionItemPatch changes the fields that are not nil.
type ActionItemPatch struct {
	Title       *string
	Description *string
	Owner       *string
	DueOn       *time.Time
	Category    *string
	Status      *ActionItemStatus
	Runbook     *string
}

// ActionItemFilter selects action items. Zero fields do not filter.
type ActionItemFilter struct {
	IncidentID IncidentID
	Owner      string
	Category   string
	Statuses   []ActionItemStatus
	Overdue    *bool
	Limit      int // 1..500, default 100
}

// ActionItemService keeps action items.
type ActionItemService interface {
	// CreateActionItem files an action item on a resolved or open incident.
	// Returns ENOTFOUND (incident), EUNPROCESSABLE for a missing title,
	// owner or due date, an unknown category, owner or runbook. A due date
	// already past is accepted with a Warning (documented in docs/kpis.md).
	CreateActionItem(ctx context.Context, in ActionItemInput, a Actor) (*ActionItem, error)
	// ActionItem returns one. Returns ENOTFOUND.
	ActionItem(ctx context.Context, id int64) (*ActionItem, error)
	// ActionItems lists action items, earliest due first.
	ActionItems(ctx context.Context, f ActionItemFilter) ([]*ActionItem, error)
	// UpdateActionItem changes an action item; closing it (done, cancelled)
	// closes its tracker issue. Returns ENOTFOUND, ECONFLICT (version),
	// EUNPROCESSABLE.
	UpdateActionItem(ctx context.Context, id int64, p ActionItemPatch, c Change) (*ActionItem, error)
	// SetActionItemTrackerURL records the issue an action item was filed as.
	SetActionItemTrackerURL(ctx context.Context, id int64, url string) error
	// SweepActionItems queues a reminder to the owner of every open action
	// item past its due date not reminded in the last day, and returns how
	// many it queued. Safe on several replicas at once.
	SweepActionItems(ctx context.Context, now time.Time) (int, error)
}
