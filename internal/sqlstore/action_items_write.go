package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// maxTrackerURL bounds the link to an action item's issue.
const maxTrackerURL = 2048

// CreateActionItem files an action item on an incident, with an event on
// its timeline, and, when asked to export it, queues its filing in the
// issue tracker in the same transaction.
//
// A due date already past is accepted with a Warning rather than refused:
// follow-up work is often written down after the fact (an RCA held late
// files items someone already did or should have), and refusing it would
// push people to invent a due date. The warning travels with the item, and
// the item shows as overdue at once, so nothing is hidden.
func (s *Store) CreateActionItem(ctx context.Context, in arqir.ActionItemInput, a arqir.Actor) (*arqir.ActionItem, error) {
	rules, err := s.currentRules()
	if err != nil {
		return nil, fmt.Errorf("file an action item: %w", err)
	}
	now := s.clock()
	it := &arqir.ActionItem{
		IncidentID: in.IncidentID, Category: in.Category, Title: in.Title, Description: in.Description, Owner: in.Owner,
		Runbook: in.Runbook, Status: arqir.ActionItemOpen, CreatedBy: a.Name, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if !in.DueOn.IsZero() {
		it.DueOn = dueDay(in.DueOn)
	}
	if err := checkActionItem(rules.PostIncident, it, true, now); err != nil {
		return nil, fmt.Errorf("file an action item on %s: %w", in.IncidentID, err)
	}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		inc, err := s.loadIncident(ctx, tx, in.IncidentID, true)
		if err != nil {
			return err
		}
		if err := s.checkOwner(ctx, tx, it.Owner); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, s.q(`INSERT INTO action_items (incident_id, category, title, description, owner, due_on, status, runbook,
			tracker_url, warning, exported, created_by, created_at, updated_at, closed_at, reminded_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, NULL, NULL, 1) RETURNING id`),
			it.IncidentID, it.Category, it.Title, it.Description, it.Owner, dueValue(it.DueOn), string(it.Status), it.Runbook,
			it.Warning, in.Export, it.CreatedBy, micros(now), micros(now)).Scan(&it.ID)
		if err != nil {
			return fmt.Errorf("insert the action item: %w", err)
		}
		msg := fmt.Sprintf("Action item #%d filed (%s): %s", it.ID, it.Category, it.Title)
		if it.Owner != "" {
			msg += " — owner " + it.Owner
		}
		if !it.DueOn.IsZero() {
			msg += ", due " + it.DueOn.Format(time.DateOnly)
		}
		if it.Warning != "" {
			msg += " (" + it.Warning + ")"
		}
		data := map[string]string{"action_item": fmt.Sprint(it.ID), "category": it.Category, "owner": it.Owner}
		inc, err = s.changeLoaded(ctx, tx, inc, now, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
			return []arqir.TimelineEvent{{At: now, Kind: arqir.EventActionItemFiled, Actor: a.Name, Source: a.Source, Message: msg, Data: data}}, nil
		})
		if err != nil || !in.Export {
			return err
		}
		return s.queueTrackerSync(ctx, tx, inc, it, "Action item: "+it.Title, now)
	})
	if err != nil {
		return nil, fmt.Errorf("file an action item on %s: %w", in.IncidentID, err)
	}
	it.Overdue = overdue(it, now)
	return it, nil
}

// UpdateActionItem changes the fields the patch names. The item's row is
// locked before its incident's, in the order the overdue sweep locks them.
// Closing it (done, cancelled) records an event on the incident; changing
// the status of an exported item queues the tracker sync that closes or
// reopens its issue.
func (s *Store) UpdateActionItem(ctx context.Context, id int64, p arqir.ActionItemPatch, c arqir.Change) (*arqir.ActionItem, error) {
	if p == (arqir.ActionItemPatch{}) {
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "the change names no field: send one of title, description, owner, due_on, category, status, runbook")
	}
	rules, err := s.currentRules()
	if err != nil {
		return nil, fmt.Errorf("update action item %d: %w", id, err)
	}
	var out *arqir.ActionItem
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		row, err := s.loadActionItem(ctx, tx, id, true)
		if err != nil {
			return err
		}
		it := row.item
		if c.ExpectedVersion != 0 && c.ExpectedVersion != it.Version {
			return arqir.Errorf(arqir.ECONFLICT, "action item %d changed since version %d (it is now version %d): reload it and apply your change again", id, c.ExpectedVersion, it.Version)
		}
		inc, err := s.loadIncident(ctx, tx, it.IncidentID, true)
		if err != nil {
			return err
		}
		now := s.clock()
		if now.Before(inc.UpdatedAt) {
			now = inc.UpdatedAt
		}
		next := *it
		patchActionItem(&next, p)
		// Closing or reopening is always possible: a policy that since
		// dropped the item's category or runbook must not trap it open.
		statusOnly := p.Title == nil && p.Description == nil && p.Owner == nil && p.DueOn == nil && p.Category == nil && p.Runbook == nil
		if statusOnly {
			switch next.Status {
			case arqir.ActionItemOpen, arqir.ActionItemDone, arqir.ActionItemCancelled:
			default:
				return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "unknown action item status %q: use open, done or cancelled", next.Status)
			}
		} else if err := checkActionItem(rules.PostIncident, &next, p.DueOn != nil, now); err != nil {
			return err
		}
		if p.Owner != nil && next.Owner != it.Owner {
			if err := s.checkOwner(ctx, tx, next.Owner); err != nil {
				return err
			}
		}
		if sameActionItem(it, &next) {
			out = it // nothing to change: no new version
			out.Overdue = overdue(it, now)
			return nil
		}
		moved := next.Status != it.Status
		if moved {
			if next.Status == arqir.ActionItemOpen {
				next.ClosedAt = nil
			} else if next.ClosedAt == nil {
				next.ClosedAt = &now
			}
		}
		next.Version, next.UpdatedAt = it.Version+1, now
		_, err = tx.ExecContext(ctx, s.q(`UPDATE action_items SET category = ?, title = ?, description = ?, owner = ?, due_on = ?, status = ?,
			runbook = ?, warning = ?, closed_at = ?, version = ?, updated_at = ? WHERE id = ?`),
			next.Category, next.Title, next.Description, next.Owner, dueValue(next.DueOn), string(next.Status), next.Runbook,
			next.Warning, nullMicros(next.ClosedAt), next.Version, micros(now), id)
		if err != nil {
			return fmt.Errorf("write the action item: %w", err)
		}
		out = &next
		out.Overdue = overdue(out, now)
		if !moved {
			return nil
		}
		kind, verb := arqir.EventActionItemClosed, string(next.Status)
		if next.Status == arqir.ActionItemOpen {
			kind, verb = arqir.EventActionItemFiled, "reopened"
		}
		msg := fmt.Sprintf("Action item #%d %s: %s", id, verb, next.Title)
		data := map[string]string{"action_item": fmt.Sprint(id), "from": string(it.Status), "to": string(next.Status)}
		inc, err = s.changeLoaded(ctx, tx, inc, now, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
			return []arqir.TimelineEvent{{At: now, Kind: kind, Actor: c.Actor.Name, Source: c.Actor.Source, Message: msg, Data: data}}, nil
		})
		if err != nil || !row.exported {
			return err
		}
		return s.queueTrackerSync(ctx, tx, inc, out, fmt.Sprintf("Action item %s: %s", verb, next.Title), now)
	})
	if err != nil {
		return nil, fmt.Errorf("update action item %d: %w", id, err)
	}
	return out, nil
}

// SetActionItemTrackerURL records the issue an action item was filed as.
// It is the dispatcher's bookkeeping, not a person's edit: the version
// stays, so an edit based on the version before it still applies.
func (s *Store) SetActionItemTrackerURL(ctx context.Context, id int64, link string) error {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(link) > maxTrackerURL {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "url", "%q is not the web address of an issue: give an http(s) URL of at most %d bytes", link, maxTrackerURL)
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE action_items SET tracker_url = ?, updated_at = ? WHERE id = ?`), link, micros(s.clock()), id)
	if err != nil {
		return fmt.Errorf("record the issue of action item %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("record the issue of action item %d: %w", id, err)
	} else if n == 0 {
		return arqir.FieldErrorf(arqir.ENOTFOUND, "id", "there is no action item %d: list them to find its ID", id)
	}
	return nil
}

// queueTrackerSync queues the tracker sync of an action item: filing it,
// or following its status, as the message's ActionItem says.
func (s *Store) queueTrackerSync(ctx context.Context, tx *sql.Tx, inc *arqir.Incident, it *arqir.ActionItem, headline string, now time.Time) error {
	item := *it
	in := arqir.NotificationIntent{
		// One per version of the item: a retried change queues it once.
		Key:     fmt.Sprintf("%s/action_item/%d/tracker/v%d", inc.ID, it.ID, it.Version),
		Purpose: arqir.PurposeTrackerSync, Target: arqir.ChannelGitHub, Channel: arqir.ChannelGitHub, Recipient: "GitHub issues",
		Message: arqir.Message{IncidentID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status, Headline: headline, ActionItem: &item},
	}
	queued, err := s.applyPlans(ctx, tx, []planned{{inc: inc, plan: arqir.Plan{Notify: []arqir.NotificationIntent{in}}, now: now}})
	if err != nil {
		return err
	}
	return s.insertEvents(ctx, tx, inc.ID, queued[0])
}

// patchActionItem applies the fields a patch names, trimmed.
func patchActionItem(it *arqir.ActionItem, p arqir.ActionItemPatch) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&it.Title, p.Title)
	set(&it.Description, p.Description)
	set(&it.Owner, p.Owner)
	set(&it.Category, p.Category)
	set(&it.Runbook, p.Runbook)
	if p.Status != nil {
		it.Status = *p.Status
	}
	if p.DueOn != nil {
		it.DueOn = time.Time{}
		if !p.DueOn.IsZero() {
			it.DueOn = dueDay(*p.DueOn)
		}
	}
}

// checkActionItem trims an action item and checks it against the policy
// (P3, P4, I6): a title, a known category, an owner and a due date when the
// policy requires them, a known runbook. With dueChanged it sets the
// warning of a due date already past (UTC day of now), or clears it.
func checkActionItem(rules arqir.PostIncidentRules, it *arqir.ActionItem, dueChanged bool, now time.Time) error {
	it.Title, it.Description = strings.TrimSpace(it.Title), strings.TrimSpace(it.Description)
	it.Owner, it.Runbook = strings.TrimSpace(it.Owner), strings.TrimSpace(it.Runbook)
	switch n := len([]rune(it.Title)); {
	case n == 0:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "title", "title is required: say what will be done, e.g. \"Alert on the checkout error rate\"")
	case n > arqir.MaxTitleLen:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "title", "title is %d characters; keep it under %d and put details in the description", n, arqir.MaxTitleLen)
	case len(it.Description) > arqir.MaxTextLen:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "description", "description is over %d bytes", arqir.MaxTextLen)
	}
	if err := checkCategory(rules, it); err != nil {
		return err
	}
	switch {
	case it.Owner == "" && rules.RequireOwner:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "owner", "an owner is required (P4): name the user who will do it, e.g. ada")
	case it.DueOn.IsZero() && rules.RequireDueDate:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "due_on", "a due date is required (P4): say by when, e.g. %s", today(now).AddDate(0, 0, 14).Format(time.DateOnly))
	case it.Status != arqir.ActionItemOpen && it.Status != arqir.ActionItemDone && it.Status != arqir.ActionItemCancelled:
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "status", "unknown action item status %q: use open, done or cancelled", it.Status)
	}
	if it.Runbook != "" && !canonical(rules.Runbooks, &it.Runbook) {
		if len(rules.Runbooks) == 0 {
			return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "runbook", "unknown runbook %q: the policy lists no runbooks", it.Runbook)
		}
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "runbook", "unknown runbook %q: use one of %s", it.Runbook, strings.Join(rules.Runbooks, ", "))
	}
	if dueChanged {
		it.Warning = ""
		if !it.DueOn.IsZero() && it.DueOn.Before(today(now)) {
			it.Warning = fmt.Sprintf("due date %s is already past", it.DueOn.Format(time.DateOnly))
		}
	}
	return nil
}

// checkCategory sets the category to the policy's spelling of it (P3).
func checkCategory(rules arqir.PostIncidentRules, it *arqir.ActionItem) error {
	name := strings.TrimSpace(it.Category)
	ids := make([]string, len(rules.Categories))
	for i, c := range rules.Categories {
		if strings.EqualFold(c.ID, name) {
			it.Category = c.ID
			return nil
		}
		ids[i] = c.ID
	}
	if len(ids) == 0 {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "category", "the policy defines no action-item categories: add them under post_incident.action_items.categories")
	}
	if name == "" {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "category", "a category is required (P3): use one of %s", strings.Join(ids, ", "))
	}
	return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "category", "unknown category %q: use one of %s", name, strings.Join(ids, ", "))
}

// checkOwner requires an owner, when there is one, to be an active user.
func (s *Store) checkOwner(ctx context.Context, q querier, owner string) error {
	if owner == "" {
		return nil
	}
	_, err := s.activeUser(ctx, q, owner, "owner")
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "owner", "%s: the owner must be an arqir user (add them with arqir user add %s --name …)", arqir.ErrorMessage(err), owner)
	}
	return err
}

// sameActionItem reports whether a patch changed nothing.
func sameActionItem(a, b *arqir.ActionItem) bool {
	return a.Title == b.Title && a.Description == b.Description && a.Owner == b.Owner && a.Category == b.Category &&
		a.Runbook == b.Runbook && a.Status == b.Status && a.DueOn.Equal(b.DueOn) && a.Warning == b.Warning
}

// dueValue is the column value of a due date: NULL for none.
func dueValue(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(t), Valid: true}
}

// canonical sets *s to the list's spelling of it and reports whether the
// list has it, in any letter case.
func canonical(list []string, s *string) bool {
	for _, x := range list {
		if strings.EqualFold(x, *s) {
			*s = x
			return true
		}
	}
	return false
}
