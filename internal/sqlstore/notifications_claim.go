package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/arqir/arqir"
)

// ClaimNotifications takes up to limit due notifications in one write
// transaction: sending ones whose claim lapsed first (a dispatcher died
// mid-send: that attempt's outcome is unknown and counted ambiguous), then
// queued ones due at now, oldest due first. Each is marked sending until
// now+lease with one more attempt, which fences its result
// (FinishNotification). A due notification already past its expiry is
// expired instead, with the reason on the timeline. Under PostgreSQL rows
// are read FOR UPDATE SKIP LOCKED: replicas claiming at once take disjoint
// rows without waiting for each other. Notifications of acknowledged or
// resolved incidents are claimed like any other: the planner cancelled
// those that must not go, and resolution notices must still go.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*arqir.Notification, error) {
	if lease <= 0 {
		return nil, arqir.Errorf(arqir.EINVALID, "the claim lease must be positive, got %s: use a lease longer than one send", lease)
	} else if limit < 1 {
		return nil, arqir.Errorf(arqir.EINVALID, "the claim limit must be at least 1, got %d", limit)
	}
	now = storable(now)
	var claimed []*arqir.Notification
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		lapsed, err := queryAll(ctx, tx, s.q(`SELECT `+notificationColumns+` FROM notifications
			WHERE state = 'sending' AND claimed_until <= ? ORDER BY claimed_until, id LIMIT ?`+s.d.skipLocked()),
			scanNotification, micros(now), limit)
		if err != nil {
			return fmt.Errorf("find lapsed claims: %w", err)
		}
		due := lapsed
		if len(lapsed) < limit {
			queued, err := queryAll(ctx, tx, s.q(`SELECT `+notificationColumns+` FROM notifications
				WHERE state = 'queued' AND not_before <= ? ORDER BY not_before, id LIMIT ?`+s.d.skipLocked()),
				scanNotification, micros(now), limit-len(lapsed))
			if err != nil {
				return fmt.Errorf("find due notifications: %w", err)
			}
			due = append(due, queued...)
		}
		if len(due) == 0 {
			return nil
		}
		var take, expire []*arqir.Notification
		var events []incidentEvent
		stale := s.staleAfter()
		reason := fmt.Sprintf("stale: not sent within %s of being due", stale)
		for _, n := range due {
			wasSending := n.State == arqir.NotificationSending
			if wasSending {
				n.Ambiguous++ // the interrupted attempt may have reached the provider
			}
			n.UpdatedAt = now
			if !n.ExpiresAt.After(now) {
				n.State, n.Reason, n.ClaimedUntil = arqir.NotificationExpired, reason, nil
				expire = append(expire, n)
				events = append(events, incidentEvent{n.IncidentID, notificationEvent(n, now, arqir.EventNotificationExpired,
					"Expired "+describeNotification(n)+": "+reason, reason)})
				continue
			}
			until := now.Add(lease)
			n.State, n.Attempts, n.ClaimedUntil = arqir.NotificationSending, n.Attempts+1, &until
			take = append(take, n)
			if wasSending {
				events = append(events, incidentEvent{n.IncidentID, notificationEvent(n, now, arqir.EventNotificationRetry,
					"Retrying "+describeNotification(n)+" after an interrupted send (outcome unknown)", "")})
			}
		}
		// SET reads the old state: a lapsed claim adds its ambiguous attempt.
		if len(take) > 0 {
			args := append([]any{micros(now.Add(lease)), micros(now)}, notificationIDs(take)...)
			if _, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE notifications SET state = 'sending', attempts = attempts + 1,
				ambiguous = ambiguous + CASE WHEN state = 'sending' THEN 1 ELSE 0 END, claimed_until = ?, updated_at = ?
				WHERE id IN (`+placeholders(len(take))+`)`), args...); err != nil {
				return fmt.Errorf("claim notifications: %w", err)
			}
		}
		if len(expire) > 0 {
			args := append([]any{reason, micros(now)}, notificationIDs(expire)...)
			if _, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE notifications SET state = 'expired', reason = ?, claimed_until = NULL,
				ambiguous = ambiguous + CASE WHEN state = 'sending' THEN 1 ELSE 0 END, updated_at = ?
				WHERE id IN (`+placeholders(len(expire))+`)`), args...); err != nil {
				return fmt.Errorf("expire stale notifications: %w", err)
			}
		}
		claimed = take
		return s.insertIncidentEvents(ctx, tx, events)
	})
	if err != nil {
		return nil, err
	}
	if claimed == nil {
		claimed = []*arqir.Notification{}
	}
	return claimed, nil
}

func notificationIDs(ns []*arqir.Notification) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// describeNotification names a notification in a few words, e.g. "page
// (step 1) to Ada Lovelace via email".
func describeNotification(n *arqir.Notification) string {
	return describe(n.Purpose, n.Step, n.Target, n.Recipient, n.Channel)
}

// notificationEvent is a timeline event about a notification.
func notificationEvent(n *arqir.Notification, now time.Time, kind, msg, reason string) arqir.TimelineEvent {
	data := map[string]string{"notification": strconv.FormatInt(n.ID, 10), "key": n.Key, "purpose": n.Purpose,
		"target": n.Target, "channel": n.Channel, "attempts": strconv.Itoa(n.Attempts)}
	if reason != "" {
		data["reason"] = reason
	}
	return arqir.TimelineEvent{At: now, Kind: kind, Actor: arqir.SystemActor.Name, Source: arqir.SystemActor.Source, Message: msg, Data: data}
}
