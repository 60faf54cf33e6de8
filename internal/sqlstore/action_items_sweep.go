package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// remindBatch bounds the action items one reminder transaction takes, so a
// backlog is worked through in slices that each commit.
const remindBatch = 100

// remindEvery is how often the owner of an overdue action item hears of it.
const remindEvery = 24 * time.Hour

// SweepActionItems queues a reminder to the owner of every open action
// item due before today (UTC) and not reminded in the last day, and
// returns how many it queued. Each batch of items is locked, reminded and
// marked in one transaction; under PostgreSQL replicas sweeping at once
// skip each other's locked items, and a reminder's key holds the day, so
// one item gets at most one reminder a day whatever runs.
func (s *Store) SweepActionItems(ctx context.Context, now time.Time) (int, error) {
	now = storable(now)
	total := 0
	for {
		n, more, err := s.remindOverdue(ctx, now)
		total += n
		if err != nil {
			return total, fmt.Errorf("sweep action items: %w", err)
		}
		if !more {
			return total, nil
		}
	}
}

// overdueItem is what a reminder says about an action item.
type overdueItem struct {
	id, incident                     int64
	title, category, owner           string
	due                              int64
	incTitle, incSeverity, incStatus string
}

// remindOverdue reminds one batch, and reports whether there may be more.
func (s *Store) remindOverdue(ctx context.Context, now time.Time) (queued int, more bool, err error) {
	lock := ""
	if s.d.RowLock != "" {
		lock = s.d.RowLock + " OF a SKIP LOCKED" // the items only: incidents stay free for their changes
	}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		items, err := queryAll(ctx, tx, s.q(`SELECT a.id, a.incident_id, a.title, a.category, a.owner, a.due_on, i.title, i.severity, i.status
			FROM action_items a JOIN incidents i ON i.id = a.incident_id
			WHERE a.status = 'open' AND a.owner <> '' AND a.due_on < ? AND (a.reminded_at IS NULL OR a.reminded_at <= ?)
			ORDER BY a.due_on, a.id LIMIT ?`+lock),
			func(sc scanner) (overdueItem, error) {
				var o overdueItem
				err := sc.Scan(&o.id, &o.incident, &o.title, &o.category, &o.owner, &o.due, &o.incTitle, &o.incSeverity, &o.incStatus)
				return o, err
			}, micros(today(now)), micros(now.Add(-remindEvery)), remindBatch)
		if err != nil {
			return fmt.Errorf("find overdue action items: %w", err)
		}
		more = len(items) == remindBatch
		if len(items) == 0 {
			return nil
		}
		rows := make([]newNotification, len(items))
		ids := make([]any, len(items))
		for i, o := range items {
			rows[i] = s.reminderOf(o, now)
			ids[i] = o.id
		}
		inserted, err := s.insertNotifications(ctx, tx, rows)
		if err != nil {
			return err
		}
		var events []incidentEvent
		for i, r := range rows {
			if inserted[i] {
				queued++
				events = append(events, incidentEvent{r.incident, r.queuedEvent()})
			}
		}
		if err := s.insertIncidentEvents(ctx, tx, events); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.d.rebind(`UPDATE action_items SET reminded_at = ? WHERE id IN (`+placeholders(len(ids))+`)`), append([]any{micros(now)}, ids...)...)
		if err != nil {
			return fmt.Errorf("mark action items reminded: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return queued, more, nil
}

// reminderOf is the reminder of an overdue item to its owner, on the
// channels the dispatcher finds for them (P4).
func (s *Store) reminderOf(o overdueItem, now time.Time) newNotification {
	inc := arqir.IncidentID(o.incident)
	due := fromMicros(o.due).Format(time.DateOnly)
	days := int(today(now).Sub(fromMicros(o.due)).Hours() / 24)
	in := arqir.NotificationIntent{
		Purpose: arqir.PurposeActionItemReminder, Target: "user:" + o.owner, Recipient: o.owner,
		Message: arqir.Message{
			IncidentID: inc, Title: o.incTitle, Severity: o.incSeverity, Status: arqir.Status(o.incStatus),
			Headline: fmt.Sprintf("Action item #%d is overdue: %s (due %s)", o.id, o.title, due),
			Fields: []arqir.MessageField{
				{Label: "Incident", Value: fmt.Sprintf("%s %s", inc, o.incTitle)},
				{Label: "Category", Value: o.category},
				{Label: "Due", Value: fmt.Sprintf("%s (%d days ago)", due, days)},
				{Label: "Owner", Value: o.owner},
			},
		},
	}
	key := fmt.Sprintf("%s/action_item/%d/reminder/%s", inc, o.id, now.Format(time.DateOnly))
	return newNotificationOf(inc, key, in, now, s.staleAfter())
}
