package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// PostShift returns the post-shift checklist (O6) of the shift that starts
// at start.
func (s *Store) PostShift(ctx context.Context, schedule string, start time.Time) (*arqir.PostShiftChecklist, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(schedule))
	if err != nil {
		return nil, err
	}
	rules := s.onCallRules()
	start = storable(start)
	var out arqir.PostShiftChecklist
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		sh, err := s.shiftAt(ctx, tx, rule, start)
		if err != nil {
			return err
		}
		out, err = s.postShiftChecklist(ctx, tx, rules, rule.ID, sh)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// TickPostShift ticks one item of a shift's post-shift checklist.
func (s *Store) TickPostShift(ctx context.Context, schedule string, start time.Time, item string, a arqir.Actor) (*arqir.PostShiftChecklist, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(schedule))
	if err != nil {
		return nil, err
	}
	rules := s.onCallRules()
	start = storable(start)
	task, err := postShiftTask(rules, strings.TrimSpace(item))
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var out arqir.PostShiftChecklist
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		sh, err := s.shiftAt(ctx, tx, rule, start)
		if err != nil {
			return err
		}
		if start.After(now) {
			return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "start", "the shift starting %s has not started: post-shift items are ticked during or after the shift", stampUTC(start))
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO post_shift_ticks (schedule, shift_start, task, who, at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (schedule, shift_start, task) DO NOTHING`), rule.ID, micros(start), task, a.Name, micros(now))
		if err != nil {
			return fmt.Errorf("tick %q: %w", task, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("tick %q: %w", task, err)
		} else if n == 0 {
			return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "item", "%q is already ticked for this shift", task)
		}
		out, err = s.postShiftChecklist(ctx, tx, rules, rule.ID, sh)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// postShiftTask finds a task by its number ("1", …) or its text.
func postShiftTask(rules arqir.OnCallRules, item string) (string, error) {
	tasks := rules.PostShiftTasks
	if n, err := strconv.Atoi(item); err == nil && n >= 1 && n <= len(tasks) {
		return tasks[n-1], nil
	}
	for _, t := range tasks {
		if strings.EqualFold(t, item) {
			return t, nil
		}
	}
	if len(tasks) == 0 {
		return "", arqir.FieldErrorf(arqir.ENOTFOUND, "item", "the policy has no post-shift tasks (oncall.post_shift)")
	}
	list := make([]string, len(tasks))
	for i, t := range tasks {
		list[i] = fmt.Sprintf("%d (%s)", i+1, t)
	}
	return "", arqir.FieldErrorf(arqir.ENOTFOUND, "item", "there is no post-shift item %q: use %s", item, strings.Join(list, ", "))
}

// shiftAt returns the shift with someone on call that starts exactly at
// start.
func (s *Store) shiftAt(ctx context.Context, q querier, rule arqir.ScheduleRule, start time.Time) (rotation.Shift, error) {
	users, err := s.userIndex(ctx, q)
	if err != nil {
		return rotation.Shift{}, err
	}
	st, err := s.loadSchedule(ctx, q, rule, users, start, start)
	if err != nil {
		return rotation.Shift{}, err
	}
	sched, err := st.build()
	if err != nil {
		return rotation.Shift{}, err
	}
	sh, on := rotation.OnCall(sched, start)
	if !on || !sh.Start.Equal(start) {
		return rotation.Shift{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "start", "no shift of %s with someone on call starts at %s: see the shifts with arqir oncall shifts --schedule %s", rule.ID, stampUTC(start), rule.ID)
	}
	return sh, nil
}

// postShiftChecklist builds the checklist of a shift from the policy's
// tasks and the ticks stored for it.
func (s *Store) postShiftChecklist(ctx context.Context, q querier, rules arqir.OnCallRules, schedule string, sh rotation.Shift) (arqir.PostShiftChecklist, error) {
	c := arqir.PostShiftChecklist{Schedule: schedule, User: sh.User, ShiftStart: storable(sh.Start), ShiftEnd: storable(sh.End), Items: []arqir.PostShiftItem{}, Done: true}
	rows, err := q.QueryContext(ctx, s.q(`SELECT task, who, at FROM post_shift_ticks WHERE schedule = ? AND shift_start = ?`), schedule, micros(c.ShiftStart))
	if err != nil {
		return c, fmt.Errorf("read post-shift ticks: %w", err)
	}
	defer rows.Close()
	type tick struct {
		who string
		at  time.Time
	}
	ticks := map[string]tick{}
	for rows.Next() {
		var (
			task, who string
			at        int64
		)
		if err := rows.Scan(&task, &who, &at); err != nil {
			return c, fmt.Errorf("read post-shift ticks: %w", err)
		}
		ticks[task] = tick{who, fromMicros(at)}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("read post-shift ticks: %w", err)
	}
	for i, task := range slices.Clip(rules.PostShiftTasks) {
		it := arqir.PostShiftItem{ID: strconv.Itoa(i + 1), Task: task}
		if t, ok := ticks[task]; ok {
			at := t.at
			it.Done, it.Who, it.At = true, t.who, &at
		} else {
			c.Done = false
		}
		c.Items = append(c.Items, it)
	}
	return c, nil
}
