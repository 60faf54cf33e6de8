package arqir

import (
	"context"
	"strings"
	"time"
)

// AlertStatus is whether the condition behind an alert still holds.
type AlertStatus string

// Alert statuses.
const (
	AlertFiring   AlertStatus = "firing"
	AlertResolved AlertStatus = "resolved"
)

// AlertEvent is one alert as a monitoring tool reported it, normalised by an
// ingest/<source> parser. It is input: the store turns events into Alerts.
type AlertEvent struct {
	// DedupKey identifies the alert across repeats: the source's own key
	// (Alertmanager fingerprint, PagerDuty dedup_key, Datadog
	// $ALERT_CYCLE_KEY, …). Required.
	DedupKey    string            `json:"dedup_key"`
	Status      AlertStatus       `json:"status"`
	Summary     string            `json:"summary"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	Links       []string          `json:"links"`
	// StartsAt is when the source says the condition began (impact start);
	// zero means unknown, and the receive time is used.
	StartsAt time.Time `json:"starts_at"`
	// EndsAt is when a resolved alert ended; zero means unknown.
	EndsAt time.Time `json:"ends_at"`
	// Severity is the source's own severity word, if any (e.g. PagerDuty
	// "critical", Datadog "P1"); routing maps it to a policy severity.
	Severity string `json:"severity,omitempty"`
	// GroupKey is the source's own grouping hint (Alertmanager groupKey);
	// routing uses it when the policy groups by "source_group".
	GroupKey string `json:"group_key,omitempty"`
}

// Alert is a stored, deduplicated alert. It belongs to the incident of its
// latest firing episode.
type Alert struct {
	ID            int64             `json:"id"`
	IntegrationID int64             `json:"integration_id"`
	Source        IntegrationKind   `json:"source"`
	DedupKey      string            `json:"dedup_key"`
	Status        AlertStatus       `json:"status"`
	Summary       string            `json:"summary"`
	Labels        map[string]string `json:"labels"`
	Annotations   map[string]string `json:"annotations"`
	Links         []string          `json:"links"`
	Service       string            `json:"service"`
	Severity      string            `json:"severity"` // the policy severity routing chose
	// GroupKey identifies the alerts that share one open incident (see
	// RoutingRules.GroupBy); opaque.
	GroupKey   string      `json:"group_key"`
	StartedAt  time.Time   `json:"started_at"`
	ReceivedAt time.Time   `json:"received_at"` // first received
	LastSeenAt time.Time   `json:"last_seen_at"`
	ResolvedAt *time.Time  `json:"resolved_at"`
	Count      int         `json:"count"` // firing notifications received
	IncidentID *IncidentID `json:"incident_id"`
	// FalsePositive is a responder's verdict that the alert was noise (K5).
	FalsePositive       bool       `json:"false_positive"`
	FalsePositiveReason string     `json:"false_positive_reason,omitempty"`
	FalsePositiveBy     string     `json:"false_positive_by,omitempty"`
	FalsePositiveAt     *time.Time `json:"false_positive_at"`
}

// IngestResult says what one accepted ingest request did.
type IngestResult struct {
	Alerts    []*Alert     `json:"alerts"`
	Incidents []IncidentID `json:"incidents"` // opened or updated
	// Replayed is true when the same request was already accepted; nothing
	// was applied again, and Alerts shows those alerts as they are now.
	Replayed bool `json:"replayed"`
}

// AlertFilter selects alerts for listing. Zero fields do not filter.
type AlertFilter struct {
	Status        AlertStatus
	IntegrationID int64
	IncidentID    IncidentID
	Limit         int // 1..500, default 50
	// Cursor continues a previous listing (newest first); from AlertPage.Next.
	Cursor string
}

// AlertPage is one page of alerts, newest first.
type AlertPage struct {
	Alerts []*Alert `json:"alerts"`
	Next   string   `json:"next"` // empty on the last page
}

// How long a request key is remembered. A key the sender chose (an SNS
// MessageId, a Datadog event id, an Idempotency-Key header) names one
// request and nothing else, so it is kept long enough for any retry:
// IngestRequestRetention. A key arqir derived from the request body
// (BodyKeyPrefix) names every identical body too, and senders repeat
// identical bodies on purpose: a PagerDuty trigger that fires again hours
// after its resolve, an Opsgenie close after a re-create. Such a key may
// only stand for the sender's retries, which end within minutes:
// Alertmanager's notifiers (webhook, pagerduty_configs, opsgenie_configs,
// and Grafana's, built on them) give up a notification by the group's next
// group_interval, 5 min by default, and client libraries retry within
// seconds. So it is kept RetryKeyRetention, longer than those retries and
// than the 5-minute replay window of signed requests (a replayed signed
// request is a retry too), and short enough that a deliberate repeat soon
// after is applied. An identical body within it is still taken for a
// retry: senders that repeat bodies faster name their requests
// (Idempotency-Key).
const (
	IngestRequestRetention = 24 * time.Hour   // a key the sender chose
	RetryKeyRetention      = 10 * time.Minute // a key derived from the body
)

// BodyKeyPrefix starts every request key derived from the request body
// rather than chosen by the sender: the store keeps such keys only for
// RetryKeyRetention.
const BodyKeyPrefix = "body:"

// RequestKeyRetention returns how long the store remembers a request key:
// RetryKeyRetention for a key derived from the body (BodyKeyPrefix), else
// IngestRequestRetention.
func RequestKeyRetention(key string) time.Duration {
	if strings.HasPrefix(key, BodyKeyPrefix) {
		return RetryKeyRetention
	}
	return IngestRequestRetention
}

// AlertService receives alerts, deduplicates and groups them into incidents.
type AlertService interface {
	// Ingest applies the events of one inbound request durably: when it
	// returns nil, the alerts, their incident changes and timeline events are
	// committed. requestKey identifies the request for idempotency: the same
	// key for the same integration within its retention
	// (RequestKeyRetention: 24 h, or 10 min for a key derived from the body)
	// returns the first result with Replayed set and applies nothing; an
	// expired key is applied again, whether or not a sweep has forgotten
	// it yet; an empty key turns idempotency off. The request is all or
	// nothing. Returns
	// EUNPROCESSABLE for an invalid event (no dedup key, unknown status,
	// over a limit; see ValidateAlertEvents), EINVALID for a bad request
	// key, ENOTFOUND for an unknown or revoked integration.
	Ingest(ctx context.Context, integrationID int64, requestKey string, events []AlertEvent) (*IngestResult, error)
	// IngestAs is Ingest for the integration in as the caller authenticated
	// it, possibly some seconds ago (a cached authentication): inside the
	// transaction that would store the events, the integration is read
	// again and the request is refused, before a retry of an earlier
	// request is answered, if the credential the caller checked no longer
	// works (see CheckedCredentialStale). That re-check is what lets ingest
	// skip a store lookup per request without delaying a revocation or a
	// rotation. A refused request stores nothing. Returns the errors of
	// Ingest, but EUNAUTHORIZED instead of ENOTFOUND for an unknown,
	// revoked or since rotated integration.
	IngestAs(ctx context.Context, in *Integration, requestKey string, events []AlertEvent) (*IngestResult, error)
	// Alert returns one alert. Returns ENOTFOUND.
	Alert(ctx context.Context, id int64) (*Alert, error)
	// Alerts lists alerts, newest first. Returns EINVALID for a bad limit,
	// status or cursor.
	Alerts(ctx context.Context, f AlertFilter) (*AlertPage, error)
	// MarkAlertFalsePositive records a responder's verdict that the alert was
	// noise (K5), with an event on its incident's timeline. Returns
	// ENOTFOUND, EUNPROCESSABLE without a reason or when already marked.
	MarkAlertFalsePositive(ctx context.Context, id int64, reason string, a Actor) (*Alert, error)
	// SweepIngestRequests forgets request keys whose retention
	// (RequestKeyRetention) ended at or before now, a bounded number per
	// call, and returns how many it forgot. Safe to run on several replicas
	// at once.
	SweepIngestRequests(ctx context.Context, now time.Time) (int, error)
}

// CheckedCredentialStale returns EUNAUTHORIZED when the credential that
// authenticated checked (an integration as read then) no longer works for
// current, the same integration as stored now: it was revoked, or rotated
// since, which stops the old credential at once. Returns nil otherwise.
// It is the re-check of AlertService.IngestAs, and of an ingest request
// answered without storing anything after a cached authentication.
func CheckedCredentialStale(current, checked *Integration) error {
	switch {
	case current == nil:
		return Errorf(EUNAUTHORIZED, "there is no integration %d: create an integration and configure its credential", checked.ID)
	case !current.Active():
		return Errorf(EUNAUTHORIZED, "the integration %q was revoked at %s: create a new integration and configure its credential",
			current.Name, current.RevokedAt.UTC().Format(time.RFC3339))
	case !sameTime(current.RotatedAt, checked.RotatedAt):
		if current.RotatedAt == nil {
			return Errorf(EUNAUTHORIZED, "the credential of integration %q changed after it was checked: send its current credential", current.Name)
		}
		return Errorf(EUNAUTHORIZED, "the integration %q was rotated at %s after this credential was checked: send the new credential",
			current.Name, current.RotatedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// sameTime reports whether two optional times are both unset or equal.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
