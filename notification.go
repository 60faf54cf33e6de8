package arqir

import (
	"context"
	"time"
)

// NotificationState is where a notification stands on its way out. Every
// notification ends in one of the terminal states (delivered, failed,
// expired, cancelled); nothing fails silently (DESIGN.md, delivery contract).
type NotificationState string

// Notification states.
const (
	// NotificationQueued waits for its NotBefore time or its next attempt.
	NotificationQueued NotificationState = "queued"
	// NotificationSending is claimed by one dispatcher until ClaimedUntil;
	// the claim is taken in the same transaction that sets this state, so
	// two replicas never send the same notification at once.
	NotificationSending NotificationState = "sending"
	// NotificationDelivered was accepted by the provider.
	NotificationDelivered NotificationState = "delivered"
	// NotificationFailed was refused for good or ran out of attempts; the
	// reason is on the incident timeline.
	NotificationFailed NotificationState = "failed"
	// NotificationExpired was not sent because it became stale (a page
	// older than the policy's limit helps nobody).
	NotificationExpired NotificationState = "expired"
	// NotificationCancelled was not sent because the incident was
	// acknowledged or resolved first (delivery contract 5).
	NotificationCancelled NotificationState = "cancelled"
)

// Terminal reports whether the state is final.
func (s NotificationState) Terminal() bool {
	return s != NotificationQueued && s != NotificationSending
}

// Purposes of a notification: why it is sent.
const (
	PurposePage           = "page"            // a person is paged to respond (O4, S1–S4)
	PurposeEscalation     = "escalation"      // a severity's escalation target is informed (S1–S4, X1)
	PurposeInitialNotice  = "initial_notice"  // the first message in the incident channel (C1)
	PurposeStatusUpdate   = "status_update"   // a structured update (C2)
	PurposeUpdateReminder = "update_reminder" // an update is due and missing (C2)
	PurposeResolution     = "resolution"      // service restored (C3)
	PurposeStakeholder    = "stakeholder"     // a subscriber is told about an incident (R7)
	PurposeStatusSync     = "status_sync"     // the channel's incident message or the paging tool follows the incident (R4, T1, T2)
	PurposeWarRoom        = "war_room"        // the incident call is created (R5, T3)
)

// Delivery channels: the user channels of person.go (slack, email, sms,
// phone) plus the ones that address a place or a tool rather than a person.
const (
	ChannelSlackChannel = "slack_channel" // a message in a Slack channel, e.g. #incidents
	ChannelPagerDuty    = "pagerduty"     // PagerDuty Events API v2 (R4, T1)
	ChannelZoom         = "zoom"          // a Zoom meeting is created (R5, T3)
	ChannelWebhook      = "webhook"       // a signed JSON POST to a configured URL
	ChannelInApp        = "in_app"        // kept on the incident only: no provider is configured
)

// Incident refs: the provider-side identities of an incident, kept on it.
const (
	RefPagerDutyDedupKey = "pagerduty_dedup_key" // the PagerDuty alert this incident triggered (R4)
	RefWarRoomURL        = "war_room_url"        // the Zoom join link (R5)
	RefSlackChannel      = "slack_channel"       // channel ID of the incident's Slack message
	RefSlackTS           = "slack_ts"            // timestamp of that message: updated in place, updates in its thread
)

// Notification is one message to one target over one channel, stored before
// it is sent so that a crash or a provider outage cannot lose it. Key is its
// idempotency key, unique per (incident, purpose, step, target, channel) and
// passed to providers that accept one, so a retry after an ambiguous
// failure is recognisable as the same message.
type Notification struct {
	ID         int64      `json:"id"`
	IncidentID IncidentID `json:"incident_id"`
	Key        string     `json:"key"`
	Purpose    string     `json:"purpose"`
	// Step is the escalation step of a page (1 is the first), else 0.
	Step int `json:"step"`
	// Target is whom the policy names: a contact role ("cto"), a schedule
	// ("schedule:primary"), a channel ("#incidents") or a tool ("pagerduty").
	Target string `json:"target"`
	// Channel is how it is sent; empty until a target that is a person is
	// resolved into one notification per channel they are reached on.
	Channel string `json:"channel"`
	// Address is where on the channel: a Slack channel or member ID, an
	// e-mail address, a phone number; empty for tools.
	Address string `json:"address"`
	// Recipient is who it reached, in words, e.g. "Ada Lovelace (schedule:primary)".
	Recipient string  `json:"recipient"`
	Message   Message `json:"message"`

	State NotificationState `json:"state"`
	// Attempts counts provider calls started; a claim increments it and a
	// result is accepted only from the attempt that holds the claim.
	Attempts int `json:"attempts"`
	// Ambiguous counts attempts whose outcome was unknown (a timeout after
	// the request was sent, a crash mid-call): the only source of duplicates.
	Ambiguous int `json:"ambiguous"`
	// NotBefore is when it may be sent: never earlier (delivery contract 4).
	NotBefore time.Time `json:"not_before"`
	// ExpiresAt is when it becomes stale and is expired instead of sent.
	ExpiresAt    time.Time  `json:"expires_at"`
	ClaimedUntil *time.Time `json:"claimed_until"`
	// Reason says why it failed, expired, was cancelled or is being retried.
	Reason string `json:"reason"`
	// ProviderRef is what the provider called it (Slack ts, PagerDuty dedup
	// key, SMTP message ID), when it said.
	ProviderRef string     `json:"provider_ref"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	DeliveredAt *time.Time `json:"delivered_at"`
	// Parent is the notification this one was resolved from (a page to a
	// role becomes one notification per channel of the person filling it).
	Parent int64 `json:"parent,omitempty"`
}

// Message is what a notification says, decided when it is planned and kept
// with it, so the timeline shows exactly what went out. Notifiers render it
// for their channel (Block Kit, e-mail, PagerDuty payload).
type Message struct {
	IncidentID IncidentID `json:"incident_id"`
	Title      string     `json:"title"`
	Severity   string     `json:"severity"`
	Status     Status     `json:"status"`
	// Headline is the one-line summary, e.g. "SEV1 declared: Checkout down".
	Headline string `json:"headline"`
	// Fields are the labelled facts the procedures ask for (C1: what, when,
	// severity, status; C2: status, investigating, findings, ETA; C3: …).
	Fields []MessageField `json:"fields,omitempty"`
	// Mentions are the Slack user groups or members to @mention (C1).
	Mentions []string `json:"mentions,omitempty"`
	// URL links to the incident in arqir.
	URL string `json:"url,omitempty"`
	// AckURL acknowledges the incident with one click (a signed link in pages).
	AckURL string `json:"ack_url,omitempty"`
	// Actions asks chat channels to show Acknowledge / Resolve / Join war room buttons.
	Actions bool `json:"actions,omitempty"`
	// InThread posts into the incident message's thread instead of the channel.
	InThread bool `json:"in_thread,omitempty"`
	// UpdateInPlace edits the incident's channel message instead of posting.
	UpdateInPlace bool `json:"update_in_place,omitempty"`
	// Event is the paging-tool action: trigger, acknowledge or resolve.
	Event string `json:"event,omitempty"`
	// Meeting, on an RCA invitation, is the meeting the e-mail carries as
	// an iCal (RFC 5545) attachment.
	Meeting *MeetingInvite `json:"meeting,omitempty"`
	// ActionItem, on a tracker sync, is the action item to file or close.
	ActionItem *ActionItem `json:"action_item,omitempty"`
}

// MeetingInvite is a meeting to put in people's calendars.
type MeetingInvite struct {
	// UID identifies the meeting across updates, e.g. "rca-INC-42@arqir".
	UID       string        `json:"uid"`
	Start     time.Time     `json:"start"`
	Duration  time.Duration `json:"duration"`
	Summary   string        `json:"summary"`
	Details   string        `json:"details"`
	Organizer string        `json:"organizer"` // an e-mail address
	Attendees []string      `json:"attendees"` // e-mail addresses
	// Sequence increases when the meeting is moved (RFC 5545 SEQUENCE).
	Sequence int `json:"sequence"`
}

// MessageField is one labelled fact of a message, e.g. {"Severity", "SEV1"}.
type MessageField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Field returns the value of the labelled field, or "".
func (m Message) Field(label string) string {
	for _, f := range m.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

// Text renders the message as plain text: the headline, then one line per field.
func (m Message) Text() string {
	s := m.Headline
	for _, f := range m.Fields {
		s += "\n" + f.Label + ": " + f.Value
	}
	if m.URL != "" {
		s += "\n" + m.URL
	}
	return s
}

// Paging-tool events of Message.Event (PagerDuty Events API v2 event_action).
const (
	EventActionTrigger     = "trigger"
	EventActionAcknowledge = "acknowledge"
	EventActionResolve     = "resolve"
)

// NotificationIntent is a notification the planner decides to send. The
// store turns it into a queued Notification in the transaction of the change
// that caused it, with its Key made from the incident and these fields.
type NotificationIntent struct {
	// Key, when set, is the idempotency key (pages: "INC-42/page/2/cto", so
	// planning the same page twice queues it once). Empty, the store derives
	// one from the incident, the version the change gives it, and Purpose,
	// Target, Channel and Address: unique per change.
	Key     string
	Purpose string
	Step    int
	Target  string
	// Channel and Address are set for places and tools; empty for a person
	// or role, which the dispatcher resolves when the page is due (who is
	// on call then, on the channels they chose).
	Channel string
	Address string
	// Recipient names the target in words, for the timeline.
	Recipient string
	Message   Message
	// NotBefore is when it may go out; zero means at once.
	NotBefore time.Time
	// Round distinguishes repeats of the same step (the chain repeats per
	// policy until acknowledged) so each repeat has its own key.
	Round int
}

// Plan is what a change of an incident causes beyond itself: notifications
// to queue, and queued ones to cancel. It is decided by a Planner inside the
// transaction of the change, so "acknowledged" and "no more pages" commit
// together (delivery contract 5).
type Plan struct {
	Notify []NotificationIntent
	// Cancel lists purposes whose queued notifications of this incident are
	// cancelled with CancelReason (e.g. pages once someone acknowledged).
	Cancel []string
	// CancelLater lists purposes whose queued notifications are cancelled
	// only when they are not due yet (NotBefore after now): an executive
	// told "at once" still hears of a SEV1 acknowledged a millisecond
	// later, one told "after 10 minutes unless acknowledged" does not.
	CancelLater  []string
	CancelReason string
	// Events are extra timeline events (e.g. "escalated to step 2").
	Events []TimelineEvent
}

// Planner decides the outbound work of a change (escalate.Planner). It sees
// the incident before (nil for a new one) and after the change, the events
// the change recorded and now; it may add deadlines to after (the page
// acknowledgement deadlines it escalates on). It must be pure: it runs
// inside the store's transaction.
type Planner interface {
	Plan(before, after *Incident, events []TimelineEvent, now time.Time) Plan
}

// Delivery is the result of one attempt to send a claimed notification.
type Delivery struct {
	// State is NotificationDelivered, NotificationFailed, NotificationExpired,
	// or NotificationQueued to retry at RetryAt.
	State   NotificationState
	Reason  string
	RetryAt time.Time
	// Ambiguous says the provider may have acted although we saw no answer.
	Ambiguous bool
	// Deferred says nothing was attempted (a local rate limit held it
	// back): with State queued, the claim's attempt is not counted and no
	// event is recorded.
	Deferred bool
	// ProviderRef is the provider's name for what it did.
	ProviderRef string
	// Refs are incident refs learned from the provider (RefWarRoomURL, …),
	// kept on the incident.
	Refs map[string]string
	// Resolved replaces a notification addressed to a role with one per
	// channel of the person who fills it; State is then NotificationDelivered
	// and Reason says whom it resolved to.
	Resolved []NotificationIntent
}

// NotificationResult is the result of one attempt, to record.
type NotificationResult struct {
	ID       int64
	Attempt  int
	Delivery Delivery
}

// FinishOutcome is what recording one NotificationResult did.
type FinishOutcome struct {
	// Err is nil when the result was recorded; ECONFLICT when the claim
	// was lost (another dispatcher took over: its result counts),
	// ENOTFOUND for an unknown notification, EINVALID for a result that is
	// not one (e.g. an unknown state). The batch's other results stand.
	Err error
	// Claimed are the per-channel notifications the result's role was
	// resolved into, claimed for the caller (FinishNotifications with a lease).
	Claimed []*Notification
}

// SendState is the little of an incident a send needs.
type SendState struct {
	Status         Status
	Acknowledged   bool
	AcknowledgedBy string
	Refs           map[string]string
}

// NotificationFilter selects notifications. Zero fields do not filter.
type NotificationFilter struct {
	IncidentID IncidentID
	States     []NotificationState
	Limit      int // default 500
}

// NotificationService keeps the outbox of notifications.
type NotificationService interface {
	// Notifications lists notifications, oldest first.
	Notifications(ctx context.Context, f NotificationFilter) ([]*Notification, error)

	// ClaimNotifications takes up to limit queued notifications due at now
	// (NotBefore ≤ now), and sending ones whose claim lapsed (a dispatcher
	// died mid-send: that attempt is counted ambiguous), marks them sending
	// until now+lease and returns them. Safe on several replicas at once:
	// each notification is claimed by one.
	ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Notification, error)

	// FinishNotification records the result of attempt number attempt of a
	// claimed notification, with a timeline event, and applies its Refs to
	// the incident. Returns ECONFLICT when the claim was lost (another
	// dispatcher took it over): the result is then not recorded.
	FinishNotification(ctx context.Context, id int64, attempt int, d Delivery, now time.Time) error

	// FinishNotifications records several results in one transaction, each
	// fenced like FinishNotification and answered on its own: a lost claim
	// is that result's ECONFLICT, not the batch's. With a positive lease the
	// per-channel notifications a role was resolved into are returned
	// already claimed by the caller (sending, attempt 1, until now+lease),
	// so the worker that resolved a page sends it at once instead of
	// queueing it behind everything due; with lease 0 they are queued. The
	// error is for the batch as a whole (nothing was recorded).
	FinishNotifications(ctx context.Context, results []NotificationResult, now time.Time, lease time.Duration) ([]FinishOutcome, error)

	// SendState returns what a dispatcher checks right before a provider
	// call (has the incident been acknowledged or resolved?) and the refs
	// the provider needs, without reading the whole incident.
	SendState(ctx context.Context, id IncidentID) (*SendState, error)

	// NextNotificationAt returns when the earliest queued notification is
	// due, or nil when none is queued; dispatchers sleep until then.
	NextNotificationAt(ctx context.Context) (*time.Time, error)
}

// PageStopped says why a notification of the purpose must no longer be sent
// for an incident in this state, or "" when it may: pages stop once someone
// acknowledged or the incident resolved, reminders to update once it
// resolved (delivery contract 5). Notices (initial, update, resolution)
// always go out.
func PageStopped(purpose string, status Status, acknowledged bool, by string) string {
	switch {
	case purpose == PurposePage && !status.Open():
		return "the incident was resolved"
	case purpose == PurposePage && acknowledged:
		return "acknowledged by " + by
	case purpose == PurposeUpdateReminder && !status.Open():
		return "the incident was resolved"
	}
	return ""
}
