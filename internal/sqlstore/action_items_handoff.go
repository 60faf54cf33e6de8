package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// handoffItemsAhead is how far past a handoff the report looks for open
// action items coming due.
const handoffItemsAhead = 7 * 24 * time.Hour

// maxHandoffItems bounds the action items one report lists; it says how
// many more there are rather than growing without end.
const maxHandoffItems = 100

// handoffActionItems is the action-item section of a handoff report at
// at: the open items already overdue then and those due within the week
// after it, earliest due first, read through q.
func (s *Store) handoffActionItems(ctx context.Context, q querier, at time.Time) (arqir.HandoffActionItems, error) {
	out := arqir.HandoffActionItems{Tracked: true, Items: []string{}}
	day := today(at)
	rows, err := queryAll(ctx, q, s.q(`SELECT `+actionItemColumns+` FROM action_items
		WHERE status = 'open' AND due_on < ? ORDER BY due_on, id LIMIT ?`), scanActionItem, micros(at.Add(handoffItemsAhead)), maxHandoffItems+1)
	if err != nil {
		return out, fmt.Errorf("read action items for the handoff report: %w", err)
	}
	overdueN := 0
	for i, r := range rows {
		it := r.item
		if i == maxHandoffItems {
			out.Items = append(out.Items, "… and more: list them with arqir action-items list --status open")
			break
		}
		line := fmt.Sprintf("#%d %s %s — %s, due %s", it.ID, it.IncidentID, it.Title, ownerOrNobody(it.Owner), it.DueOn.Format(time.DateOnly))
		if it.DueOn.Before(day) {
			line += " (overdue)"
			overdueN++
		}
		out.Items = append(out.Items, line)
	}
	out.Note = fmt.Sprintf("%d overdue, %d due within %d days", overdueN, min(len(rows), maxHandoffItems)-overdueN, int(handoffItemsAhead.Hours()/24))
	return out, nil
}

func ownerOrNobody(owner string) string {
	if owner == "" {
		return "no owner"
	}
	return owner
}
