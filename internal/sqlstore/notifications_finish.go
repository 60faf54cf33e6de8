package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// FinishNotification records the result of attempt number attempt of a
// claimed notification, fenced: only the attempt that holds the claim (the
// notification is sending and its attempts counter is still attempt) may
// record one; any other gets ECONFLICT and changes nothing. In the same
// transaction it appends the outcome to the incident's timeline, queues
// the per-channel notifications a role was resolved into, and, for a
// delivery, applies what the delivery taught (refs, met deadlines,
// checklist ticks) through the incident's change path, planner included.
func (s *Store) FinishNotification(ctx context.Context, id int64, attempt int, d arqir.Delivery, now time.Time) error {
	switch d.State {
	case arqir.NotificationDelivered, arqir.NotificationFailed, arqir.NotificationExpired, arqir.NotificationQueued, arqir.NotificationCancelled:
	default:
		return arqir.Errorf(arqir.EINVALID, "a delivery ends delivered, failed, expired, cancelled or queued (to retry), not %q", d.State)
	}
	now = storable(now)
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		// A page whose incident was acknowledged or resolved while it was
		// being sent goes no further: no retry, no per-channel copies
		// (delivery contract 5). The acknowledgement committed first.
		if d.State == arqir.NotificationQueued || len(d.Resolved) > 0 {
			reason, err := s.pageStopped(ctx, tx, id)
			if err != nil {
				return err
			}
			if reason != "" {
				d = arqir.Delivery{State: arqir.NotificationCancelled, Reason: reason, Ambiguous: d.Ambiguous}
			}
		}
		var notBefore, delivered sql.NullInt64
		switch d.State {
		case arqir.NotificationQueued:
			nb := now
			if !d.RetryAt.IsZero() {
				nb = storable(d.RetryAt)
			}
			notBefore = sql.NullInt64{Int64: micros(nb), Valid: true}
		case arqir.NotificationDelivered:
			delivered = sql.NullInt64{Int64: micros(now), Valid: true}
		}
		ambiguous, deferred := 0, 0
		if d.Ambiguous {
			ambiguous = 1
		}
		if d.Deferred && d.State == arqir.NotificationQueued {
			deferred = 1
		}
		n, err := scanNotification(tx.QueryRowContext(ctx, s.q(`UPDATE notifications
			SET state = ?, reason = ?, provider_ref = COALESCE(NULLIF(?, ''), provider_ref), delivered_at = ?,
				not_before = COALESCE(?, not_before), claimed_until = NULL, ambiguous = ambiguous + ?, attempts = attempts - ?, updated_at = ?
			WHERE id = ? AND state = 'sending' AND attempts = ?
			RETURNING `+notificationColumns),
			string(d.State), d.Reason, d.ProviderRef, delivered, notBefore, ambiguous, deferred, micros(now), id, attempt))
		if errors.Is(err, sql.ErrNoRows) {
			return s.claimLost(ctx, tx, id, attempt)
		} else if err != nil {
			return fmt.Errorf("record the result: %w", err)
		}
		// A delivery changes the incident: its row is locked before the
		// events are appended. Appending first would take the foreign
		// key's share lock on the row, and two deliveries to one incident
		// upgrading their share locks at once deadlock (PostgreSQL).
		var inc *arqir.Incident
		learns := d.State == arqir.NotificationDelivered && len(d.Resolved) == 0
		if learns {
			if inc, err = s.loadIncident(ctx, tx, n.IncidentID, true); err != nil {
				return err
			}
		}
		var events []incidentEvent
		if deferred == 0 {
			events = s.outcomeEvents(n, d, now)
		}
		if d.State == arqir.NotificationDelivered && len(d.Resolved) > 0 {
			queued, err := s.queueResolved(ctx, tx, n, d.Resolved, now)
			if err != nil {
				return err
			}
			events = append(events, queued...)
		}
		if err := s.insertIncidentEvents(ctx, tx, events); err != nil {
			return err
		}
		if !learns {
			return nil
		}
		_, err = s.changeLoaded(ctx, tx, inc, now, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
			return inc.RecordDelivery(n, d.Refs, now), nil
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("finish notification %d: %w", id, err)
	}
	return nil
}

// claimLost explains why a result was not recorded.
func (s *Store) claimLost(ctx context.Context, tx *sql.Tx, id int64, attempt int) error {
	var state string
	var attempts int
	err := tx.QueryRowContext(ctx, s.q(`SELECT state, attempts FROM notifications WHERE id = ?`), id).Scan(&state, &attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return arqir.Errorf(arqir.ENOTFOUND, "notification %d does not exist", id)
	} else if err != nil {
		return fmt.Errorf("read notification %d: %w", id, err)
	}
	return arqir.Errorf(arqir.ECONFLICT, "claim lost: attempt %d no longer holds notification %d (it is %s after %d attempts); its result was not recorded", attempt, id, state, attempts)
}

// outcomeEvents is the timeline event of a recorded result; none for a
// notification resolved into others, whose queued events say where it goes.
func (s *Store) outcomeEvents(n *arqir.Notification, d arqir.Delivery, now time.Time) []incidentEvent {
	what := describeNotification(n)
	var kind, msg string
	switch d.State {
	case arqir.NotificationDelivered:
		if len(d.Resolved) > 0 {
			return nil
		}
		kind, msg = arqir.EventNotificationSent, "Delivered "+what
	case arqir.NotificationFailed:
		kind, msg = arqir.EventNotificationFailed, "Failed to send "+what
	case arqir.NotificationExpired:
		kind, msg = arqir.EventNotificationExpired, "Expired "+what
	case arqir.NotificationQueued:
		kind, msg = arqir.EventNotificationRetry, "Retrying "+what+" at "+n.NotBefore.Format(time.RFC3339)
	case arqir.NotificationCancelled:
		kind, msg = arqir.EventNotificationsStopped, "Stopped "+what
	}
	if d.Reason != "" {
		msg += ": " + d.Reason
	}
	if d.Ambiguous {
		msg += " (outcome unknown: the provider may have acted)"
	}
	ev := notificationEvent(n, now, kind, msg, d.Reason)
	if n.ProviderRef != "" {
		ev.Data["provider_ref"] = n.ProviderRef
	}
	if d.Ambiguous {
		ev.Data["ambiguous"] = "true"
	}
	return []incidentEvent{{n.IncidentID, ev}}
}

// queueResolved queues the notifications a role was resolved into: children
// of n, due now, stale when n is. A field an intent leaves empty is n's.
func (s *Store) queueResolved(ctx context.Context, tx *sql.Tx, n *arqir.Notification, intents []arqir.NotificationIntent, now time.Time) ([]incidentEvent, error) {
	rows := make([]newNotification, 0, len(intents))
	seen := map[string]bool{}
	for _, in := range intents {
		if in.Purpose == "" {
			in.Purpose = n.Purpose
		}
		if in.Step == 0 {
			in.Step = n.Step
		}
		if in.Target == "" {
			in.Target = n.Target
		}
		if in.Message.Headline == "" && in.Message.Title == "" {
			in.Message = n.Message
		}
		key := in.Key
		if key == "" {
			key = n.Key + "/" + in.Channel + ":" + in.Address
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		r := newNotificationOf(n.IncidentID, key, in, now, 0)
		r.expiresAt, r.parent = n.ExpiresAt, n.ID
		rows = append(rows, r)
	}
	inserted, err := s.insertNotifications(ctx, tx, rows)
	if err != nil {
		return nil, err
	}
	var events []incidentEvent
	for i, r := range rows {
		if inserted[i] {
			ev := r.queuedEvent()
			ev.Data["parent"] = n.Key
			events = append(events, incidentEvent{n.IncidentID, ev})
		}
	}
	return events, nil
}

// pageStopped says why a notification that asks a person to act must not go
// further (its incident was acknowledged or resolved), or "" when it may.
func (s *Store) pageStopped(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	var purpose, status, by string
	var acked sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q(`SELECT n.purpose, i.status, i.acknowledged_at, i.acknowledged_by
		FROM notifications n JOIN incidents i ON i.id = n.incident_id WHERE n.id = ?`), id).Scan(&purpose, &status, &acked, &by)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil // claimLost explains
	} else if err != nil {
		return "", fmt.Errorf("read the incident of notification %d: %w", id, err)
	}
	return arqir.PageStopped(purpose, arqir.Status(status), acked.Valid, by), nil
}
