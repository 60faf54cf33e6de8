package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// Schedules describes every schedule of the policy, in policy order.
func (s *Store) Schedules(ctx context.Context) ([]*arqir.ScheduleInfo, error) {
	return s.scheduleInfos(ctx, s.onCallRules().Schedules)
}

// Schedule describes one schedule.
func (s *Store) Schedule(ctx context.Context, name string) (*arqir.ScheduleInfo, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	list, err := s.scheduleInfos(ctx, []arqir.ScheduleRule{rule})
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// scheduleInfos describes the schedules from one snapshot, reading the
// users once for all of them.
func (s *Store) scheduleInfos(ctx context.Context, rules []arqir.ScheduleRule) ([]*arqir.ScheduleInfo, error) {
	now := s.clock()
	out := make([]*arqir.ScheduleInfo, 0, len(rules))
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		users, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		for _, rule := range rules {
			st, err := s.loadSchedule(ctx, tx, rule, users, now, now)
			if err != nil {
				return err
			}
			out = append(out, st.info(now))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// info describes the state; overrides that ended before now are left out.
func (st *scheduleState) info(now time.Time) *arqir.ScheduleInfo {
	r := st.rule
	info := &arqir.ScheduleInfo{
		Name: r.ID, Title: r.Title, Description: r.Description,
		Participants: []arqir.Participant{}, Layers: []arqir.LayerInfo{}, Overrides: []*arqir.Override{},
		UpdatedAt: st.updatedAt, UpdatedBy: st.updatedBy, Problem: st.problem(),
	}
	if z := r.Zone(); z != nil {
		info.Zone = z.String()
	}
	for _, l := range st.layers {
		li := arqir.LayerInfo{Name: l.rule.Name, Rotation: l.rule.RotationText(), Restriction: l.rule.RestrictionText(), Participants: []arqir.Participant{}}
		if !l.anchor.IsZero() && len(l.participants) > 0 {
			li.Anchor = l.anchor.String()
		}
		for _, h := range l.participants {
			p := arqir.Participant{Handle: h}
			if u, ok := st.users[h]; ok {
				p.Name, p.Deleted = u.Name, u.Deleted()
			}
			li.Participants = append(li.Participants, p)
		}
		info.Layers = append(info.Layers, li)
	}
	if len(info.Layers) > 0 {
		first := info.Layers[0]
		info.Rotation, info.Restriction, info.Participants, info.Anchor = first.Rotation, first.Restriction, first.Participants, first.Anchor
	}
	for _, o := range st.overrides {
		if o.End.After(now) {
			info.Overrides = append(info.Overrides, o)
		}
	}
	return info
}

// SetParticipants replaces the rotation of one layer. The layer keeps its
// anchor unless told otherwise, so adding someone to the roster does not
// move the turns' dates; a layer assigned for the first time is anchored
// on its most recent handoff, so that the first user is on call now. The
// change is a handoff when it puts someone else on call at once: that
// handoff, and every one of the old rotation not yet reported, is
// reported within the change (handOver), so the sweep never reads the new
// rotation back into time that has passed.
func (s *Store) SetParticipants(ctx context.Context, name string, p arqir.Participants, a arqir.Actor) (*arqir.ParticipantsChange, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	if err := rule.Check(); err != nil {
		return nil, err
	}
	layer, ok := rule.Layer(strings.TrimSpace(p.Layer))
	if !ok {
		return nil, rule.UnknownLayer(strings.TrimSpace(p.Layer))
	}
	users := make([]string, 0, len(p.Users))
	for _, u := range p.Users {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	if len(users) > arqir.MaxParticipants {
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "users", "%d participants is more than one rotation takes (%d): split them into several layers or schedules", len(users), arqir.MaxParticipants)
	}
	var given rotation.Date
	if a := strings.TrimSpace(p.Anchor); a != "" {
		y, m, d, err := arqir.ParseDate("anchor", a)
		if err != nil {
			return nil, err
		}
		given = rotation.Date{Year: y, Month: m, Day: d}
		if len(users) > 0 {
			if err := checkAnchor(rule, layer, users, given); err != nil {
				return nil, err
			}
		}
	}
	now := s.clock()
	out := &arqir.ParticipantsChange{At: now}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := s.knownUsers(ctx, tx, "users", users...); err != nil {
			return err
		}
		idx, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		before, err := s.lockedSchedule(ctx, tx, rule, idx, now, now.Add(-rotation.MaxRange), now)
		if err != nil {
			return err
		}
		anchor := given
		if len(users) == 0 {
			anchor = rotation.Date{}
		} else if anchor.IsZero() {
			anchor = before.layer(layer.Name).anchor
			// A policy whose handoff weekday changed leaves a stored anchor
			// on another weekday: start again from the turn in progress.
			if anchor.IsZero() || checkAnchor(rule, layer, users, anchor) != nil {
				anchor = defaultAnchor(layer, now)
			}
		}
		if err := s.writeLayer(ctx, tx, rule.ID, layer.Name, anchor, users, now, a); err != nil {
			return err
		}
		after, err := s.loadSchedule(ctx, tx, rule, idx, now.Add(-rotation.MaxRange), now)
		if err != nil {
			return err
		}
		oldSched, err := before.build()
		if err != nil {
			return err
		}
		newSched, err := after.build()
		if err != nil {
			return err
		}
		// Nothing is handed over when a schedule gets its first participants:
		// nobody was responsible before.
		change, err := s.handOver(ctx, tx, before, oldSched, newSched, now, before.assigned())
		if err != nil {
			return err
		}
		out.ScheduleInfo = after.info(now)
		out.Before, out.After, out.Handoff = before.shift(change.before), after.shift(change.after), change.report
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkAnchor validates the layer rotating users from anchor, as
// EUNPROCESSABLE on field anchor (e.g. a Tuesday for a Monday handoff).
func checkAnchor(rule arqir.ScheduleRule, layer arqir.LayerRule, users []string, anchor rotation.Date) error {
	candidate := rotation.Schedule{Name: rule.ID, Zone: rule.Zone(), Layers: []rotation.Layer{rotationLayer(layer, users, anchor)}}
	if err := candidate.Validate(); err != nil {
		return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "anchor", "%s", arqir.ErrorMessage(err))
	}
	return nil
}

// writeLayer stores a layer's anchor and participants and who changed them.
func (s *Store) writeLayer(ctx context.Context, tx *sql.Tx, schedule, layer string, anchor rotation.Date, users []string, now time.Time, a arqir.Actor) error {
	anchorText := ""
	if !anchor.IsZero() {
		anchorText = anchor.String()
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE schedules SET updated_at = ?, updated_by = ? WHERE name = ?`), micros(now), a.Name, schedule); err != nil {
		return fmt.Errorf("save schedule %s: %w", schedule, err)
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schedule_layers (schedule, layer, anchor) VALUES (?, ?, ?)
		ON CONFLICT (schedule, layer) DO UPDATE SET anchor = excluded.anchor`), schedule, layer, anchorText)
	if err != nil {
		return fmt.Errorf("save layer %s of %s: %w", layer, schedule, err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM schedule_participants WHERE schedule = ? AND layer = ?`), schedule, layer); err != nil {
		return fmt.Errorf("replace participants of %s: %w", schedule, err)
	}
	for i, h := range users {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schedule_participants (schedule, layer, position, handle) VALUES (?, ?, ?, ?)`), schedule, layer, i, h); err != nil {
			return fmt.Errorf("add %s to %s: %w", h, schedule, err)
		}
	}
	return nil
}

// ensureSchedule creates the schedule's row if it has none, so overrides
// and participants can be stored; the sweep starts from now.
func (s *Store) ensureSchedule(ctx context.Context, tx *sql.Tx, name string, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schedules (name, updated_at, updated_by, swept_through) VALUES (?, NULL, '', ?)
		ON CONFLICT (name) DO NOTHING`), name, micros(now))
	if err != nil {
		return fmt.Errorf("save schedule %s: %w", name, err)
	}
	return nil
}
