package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// notificationColumns are the columns of a notification row, in the order
// scanNotification reads them.
const notificationColumns = `id, incident_id, key, purpose, step, target, channel, address, recipient, message,
	state, attempts, ambiguous, not_before, expires_at, claimed_until, reason, provider_ref,
	created_at, updated_at, delivered_at, parent`

// scanNotification reads one notification row.
func scanNotification(sc scanner) (*arqir.Notification, error) {
	var (
		n                                    arqir.Notification
		msg                                  string
		notBefore, expires, created, updated int64
		claimed, delivered, parent           sql.NullInt64
	)
	err := sc.Scan(&n.ID, &n.IncidentID, &n.Key, &n.Purpose, &n.Step, &n.Target, &n.Channel, &n.Address, &n.Recipient, &msg,
		&n.State, &n.Attempts, &n.Ambiguous, &notBefore, &expires, &claimed, &n.Reason, &n.ProviderRef,
		&created, &updated, &delivered, &parent)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(msg), &n.Message); err != nil {
		return nil, fmt.Errorf("decode the message of notification %d: %w", n.ID, err)
	}
	n.NotBefore, n.ExpiresAt, n.ClaimedUntil = fromMicros(notBefore), fromMicros(expires), fromNullMicros(claimed)
	n.CreatedAt, n.UpdatedAt, n.DeliveredAt = fromMicros(created), fromMicros(updated), fromNullMicros(delivered)
	n.Parent = parent.Int64
	return &n, nil
}

// allNotificationStates are the states a filter may name.
var allNotificationStates = []arqir.NotificationState{
	arqir.NotificationQueued, arqir.NotificationSending, arqir.NotificationDelivered,
	arqir.NotificationFailed, arqir.NotificationExpired, arqir.NotificationCancelled,
}

// Notifications lists notifications, oldest first.
func (s *Store) Notifications(ctx context.Context, f arqir.NotificationFilter) ([]*arqir.Notification, error) {
	limit := f.Limit
	if limit == 0 {
		limit = maxLimit
	} else if limit < 1 || limit > maxLimit {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit %d is out of range: use 1 to %d (default %d)", limit, maxLimit, maxLimit)
	}
	query := "SELECT " + notificationColumns + " FROM notifications WHERE 1 = 1"
	var args []any
	if f.IncidentID != 0 {
		query += " AND incident_id = ?"
		args = append(args, f.IncidentID)
	}
	if len(f.States) > 0 {
		for _, st := range f.States {
			if !slices.Contains(allNotificationStates, st) {
				return nil, arqir.FieldErrorf(arqir.EINVALID, "state", "unknown notification state %q: use queued, sending, delivered, failed, expired or cancelled", st)
			}
			args = append(args, string(st))
		}
		query += " AND state IN (" + placeholders(len(f.States)) + ")"
	}
	query += " ORDER BY id LIMIT ?"
	out, err := queryAll(ctx, s.db, s.d.rebind(query), scanNotification, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return out, nil
}

// NextNotificationAt returns when the dispatcher next has work: the
// earliest due time of a queued notification or lapse of a claim; nil when
// there is neither. Each half reads the first entry of its partial index.
func (s *Store) NextNotificationAt(ctx context.Context) (*time.Time, error) {
	var queued, lapse sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT
		(SELECT MIN(not_before) FROM notifications WHERE state = 'queued'),
		(SELECT MIN(claimed_until) FROM notifications WHERE state = 'sending')`)).Scan(&queued, &lapse)
	if err != nil {
		return nil, fmt.Errorf("find the next notification due: %w", err)
	}
	switch {
	case queued.Valid && lapse.Valid:
		return fromNullMicros(sql.NullInt64{Int64: min(queued.Int64, lapse.Int64), Valid: true}), nil
	case queued.Valid:
		return fromNullMicros(queued), nil
	default:
		return fromNullMicros(lapse), nil
	}
}
