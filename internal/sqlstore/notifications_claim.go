package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/arqir/arqir"
)

// ClaimNotifications takes up to limit due notifications in one write
// transaction: sending ones whose claim lapsed first (a dispatcher died
// mid-send: that attempt's outcome is unknown and counted ambiguous), then
// queued pages due at now (a person must act: under a backlog of notices
// and copies the page still goes first), then the other queued ones due,
// each set oldest due first. Each is marked sending until now+lease with
// one more attempt, which fences its result (FinishNotifications). A due
// notification already past its expiry is expired instead, with the
// reason on the timeline. Under PostgreSQL rows are read FOR UPDATE SKIP
// LOCKED: replicas claiming at once take disjoint rows without waiting for
// each other. Notifications of acknowledged or resolved incidents are
// claimed like any other: the planner cancelled those that must not go,
// and resolution notices must still go.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*arqir.Notification, error) {
	if lease <= 0 {
		return nil, arqir.Errorf(arqir.EINVALID, "the claim lease must be positive, got %s: use a lease longer than one send", lease)
	} else if limit < 1 {
		return nil, arqir.Errorf(arqir.EINVALID, "the claim limit must be at least 1, got %d", limit)
	}
	now = storable(now)
	var claimed []*arqir.Notification
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		var due []*arqir.Notification
		for _, c := range s.claimQueries() {
			if len(due) == limit {
				break
			}
			st, err := s.stmt(ctx, tx, c.query)
			if err != nil {
				return fmt.Errorf("find %s: %w", c.what, err)
			}
			rows, err := st.query(ctx, micros(now), limit-len(due))
			if due, err = scanAll(rows, err, scanNotification, due); err != nil {
				return fmt.Errorf("find %s: %w", c.what, err)
			}
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
		// The ID lists are padded to a power of two (a repeated ID changes
		// nothing): a few statement texts, each prepared once.
		if len(take) > 0 {
			if err := s.execIn(ctx, tx, `UPDATE notifications SET state = 'sending', attempts = attempts + 1,
				ambiguous = ambiguous + CASE WHEN state = 'sending' THEN 1 ELSE 0 END, claimed_until = ?, updated_at = ?
				WHERE id IN `, []any{micros(now.Add(lease)), micros(now)}, notificationIDs(take)); err != nil {
				return fmt.Errorf("claim notifications: %w", err)
			}
		}
		if len(expire) > 0 {
			if err := s.execIn(ctx, tx, `UPDATE notifications SET state = 'expired', reason = ?, claimed_until = NULL,
				ambiguous = ambiguous + CASE WHEN state = 'sending' THEN 1 ELSE 0 END, updated_at = ?
				WHERE id IN `, []any{reason, micros(now)}, notificationIDs(expire)); err != nil {
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

// claimQuery is one of the sets a claim takes from, in order.
type claimQuery struct {
	what  string
	query string // arguments: now, limit
}

// claimQueries are the sets a claim takes from, in order: lapsed claims,
// due pages, the other due notifications. Each reads its own partial index
// in order (notifications_sending, notifications_queued_pages,
// notifications_queued) and stops at the limit: no sort of the backlog.
// The last skips the due pages the one before left, fewer than the limit.
func (s *Store) claimQueries() []claimQuery {
	lock := s.d.skipLocked()
	return []claimQuery{
		{"lapsed claims", `SELECT ` + notificationColumns + ` FROM notifications
			WHERE state = 'sending' AND claimed_until <= ? ORDER BY claimed_until, id LIMIT ?` + lock},
		{"due pages", `SELECT ` + notificationColumns + ` FROM notifications
			WHERE state = 'queued' AND purpose = 'page' AND not_before <= ? ORDER BY not_before, id LIMIT ?` + lock},
		{"due notifications", `SELECT ` + notificationColumns + ` FROM notifications
			WHERE state = 'queued' AND purpose <> 'page' AND not_before <= ? ORDER BY not_before, id LIMIT ?` + lock},
	}
}

// execIn runs a statement ending in "IN " with the ID list ids (padded to
// a power of two, maxChunk at a time) after the arguments before.
func (s *Store) execIn(ctx context.Context, tx *sql.Tx, head string, before, ids []any) error {
	for chunk := range slices.Chunk(ids, maxChunk) {
		p := padded(chunk)
		st, err := s.stmt(ctx, tx, head+"("+placeholders(len(p))+")")
		if err != nil {
			return err
		}
		if _, err := st.exec(ctx, append(slices.Clip(before), p...)...); err != nil {
			return err
		}
	}
	return nil
}

// scanAll appends the rows of a query, closed after, to out.
func scanAll[T any](rows *sql.Rows, err error, scan func(scanner) (T, error), out []T) ([]T, error) {
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
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
