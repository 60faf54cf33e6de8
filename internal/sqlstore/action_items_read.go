package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

const actionItemColumns = "id, incident_id, category, title, description, owner, due_on, status, runbook, tracker_url, warning, exported, " +
	"created_by, created_at, updated_at, closed_at, reminded_at, version"

// defaultActionItemLimit and maxActionItemLimit bound a listing
// (arqir.ActionItemFilter).
const (
	defaultActionItemLimit = 100
	maxActionItemLimit     = 500
)

// actionItemStatuses are the statuses an action item can have.
var actionItemStatuses = []arqir.ActionItemStatus{arqir.ActionItemOpen, arqir.ActionItemDone, arqir.ActionItemCancelled}

// ActionItem returns one action item, Overdue as of the store's clock.
func (s *Store) ActionItem(ctx context.Context, id int64) (*arqir.ActionItem, error) {
	row, err := s.loadActionItem(ctx, s.db, id, false)
	if err != nil {
		return nil, fmt.Errorf("read action item %d: %w", id, err)
	}
	it := row.item
	it.Overdue = overdue(it, s.clock())
	return it, nil
}

// ActionItems lists action items, earliest due first (those without a due
// date last), Overdue computed with the store's clock: open and due before
// today (UTC).
func (s *Store) ActionItems(ctx context.Context, f arqir.ActionItemFilter) ([]*arqir.ActionItem, error) {
	limit := f.Limit
	if limit == 0 {
		limit = defaultActionItemLimit
	} else if limit < 1 || limit > maxActionItemLimit {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit %d is out of range: use 1 to %d (default %d)", limit, maxActionItemLimit, defaultActionItemLimit)
	}
	now := s.clock()
	var conds []string
	var args []any
	add := func(cond string, vals ...any) { conds, args = append(conds, cond), append(args, vals...) }
	if f.IncidentID != 0 {
		add("incident_id = ?", f.IncidentID)
	}
	if o := strings.TrimSpace(f.Owner); o != "" {
		add("owner = ?", o)
	}
	if c := strings.TrimSpace(f.Category); c != "" {
		add("category = ?", c)
	}
	if len(f.Statuses) > 0 {
		vals := make([]any, len(f.Statuses))
		for i, st := range f.Statuses {
			if !slices.Contains(actionItemStatuses, st) {
				return nil, arqir.FieldErrorf(arqir.EINVALID, "status", "unknown action item status %q: use open, done or cancelled", st)
			}
			vals[i] = string(st)
		}
		add("status IN ("+placeholders(len(vals))+")", vals...)
	}
	if f.Overdue != nil {
		if *f.Overdue {
			add("status = 'open' AND due_on < ?", micros(today(now)))
		} else {
			add("(status <> 'open' OR due_on IS NULL OR due_on >= ?)", micros(today(now)))
		}
	}
	query := "SELECT " + actionItemColumns + " FROM action_items"
	if len(conds) > 0 {
		query += " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := queryAll(ctx, s.db, s.q(query+" ORDER BY (due_on IS NULL), due_on, id LIMIT ?"), scanActionItem, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list action items: %w", err)
	}
	out := make([]*arqir.ActionItem, len(rows))
	for i, r := range rows {
		out[i] = r.item
		out[i].Overdue = overdue(r.item, now)
	}
	return out, nil
}

// actionItemRow is an action item with what the store keeps beside it.
type actionItemRow struct {
	item *arqir.ActionItem
	// exported says it was filed in the issue tracker: closing it closes
	// the issue too.
	exported bool
}

// loadActionItem reads one action item in q; with lock, its row stays
// locked until the transaction ends. Returns ENOTFOUND.
func (s *Store) loadActionItem(ctx context.Context, q querier, id int64, lock bool) (actionItemRow, error) {
	query := "SELECT " + actionItemColumns + " FROM action_items WHERE id = ?"
	if lock {
		query += s.d.RowLock
	}
	r, err := scanActionItem(q.QueryRowContext(ctx, s.q(query), id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, arqir.FieldErrorf(arqir.ENOTFOUND, "id", "there is no action item %d: list them to find its ID", id)
	}
	return r, err
}

func scanActionItem(sc scanner) (actionItemRow, error) {
	var (
		it                    arqir.ActionItem
		r                     = actionItemRow{item: &it}
		due, closed, reminded sql.NullInt64
		created, updated      int64
	)
	err := sc.Scan(&it.ID, &it.IncidentID, &it.Category, &it.Title, &it.Description, &it.Owner, &due, &it.Status, &it.Runbook,
		&it.TrackerURL, &it.Warning, &r.exported, &it.CreatedBy, &created, &updated, &closed, &reminded, &it.Version)
	if err != nil {
		return r, err
	}
	if due.Valid {
		it.DueOn = fromMicros(due.Int64)
	}
	it.CreatedAt, it.UpdatedAt = fromMicros(created), fromMicros(updated)
	it.ClosedAt, it.RemindedAt = fromNullMicros(closed), fromNullMicros(reminded)
	return r, nil
}

// today is midnight UTC of now's day: action items are due on days, and a
// day ends for everyone at the same instant (UTC), whatever their zone.
func today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dueDay is midnight UTC of the calendar day t names in its own zone: the
// date the person wrote, whatever the offset it came with.
func dueDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// overdue is whether an action item is open past its due date at now.
func overdue(it *arqir.ActionItem, now time.Time) bool {
	return it.Status == arqir.ActionItemOpen && !it.DueOn.IsZero() && it.DueOn.Before(today(now))
}
