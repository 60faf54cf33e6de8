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
	out := []*arqir.ScheduleInfo{}
	for _, rule := range s.onCallRules().Schedules {
		info, err := s.scheduleInfo(ctx, rule)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// Schedule describes one schedule.
func (s *Store) Schedule(ctx context.Context, name string) (*arqir.ScheduleInfo, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	return s.scheduleInfo(ctx, rule)
}

func (s *Store) scheduleInfo(ctx context.Context, rule arqir.ScheduleRule) (*arqir.ScheduleInfo, error) {
	now := s.clock()
	var st *scheduleState
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		st, err = s.loadSchedule(ctx, tx, rule, now, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return st.info(now), nil
}

// info describes the state; overrides that ended before now are left out.
func (st *scheduleState) info(now time.Time) *arqir.ScheduleInfo {
	r := st.rule
	info := &arqir.ScheduleInfo{
		Name: r.ID, Title: r.Title, Description: r.Description, Rotation: r.RotationText(), Restriction: r.RestrictionText(),
		Participants: []arqir.Participant{}, Overrides: []*arqir.Override{}, UpdatedAt: st.updatedAt, UpdatedBy: st.updatedBy,
		Problem: st.problem(),
	}
	if r.Zone != nil {
		info.Zone = r.Zone.String()
	}
	if !st.anchor.IsZero() {
		info.Anchor = st.anchor.String()
	}
	for _, h := range st.participants {
		p := arqir.Participant{Handle: h}
		if u, ok := st.users[h]; ok {
			p.Name, p.Deleted = u.Name, u.Deleted()
		}
		info.Participants = append(info.Participants, p)
	}
	for _, o := range st.overrides {
		if o.End.After(now) {
			info.Overrides = append(info.Overrides, o)
		}
	}
	return info
}

// SetParticipants replaces the rotation of a schedule. Nobody's history
// is rewritten in the handoff reports already made.
func (s *Store) SetParticipants(ctx context.Context, name string, p arqir.Participants, a arqir.Actor) (*arqir.ScheduleInfo, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	if err := rule.Check(); err != nil {
		return nil, err
	}
	users := make([]string, 0, len(p.Users))
	for _, u := range p.Users {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	if len(users) > arqir.MaxParticipants {
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "users", "%d participants is more than one rotation takes (%d): split them into several schedules", len(users), arqir.MaxParticipants)
	}
	now := s.clock()
	anchor := rotation.Date{}
	if len(users) > 0 {
		anchor = defaultAnchor(rule, now)
	}
	if a := strings.TrimSpace(p.Anchor); a != "" {
		y, m, d, err := arqir.ParseDate("anchor", a)
		if err != nil {
			return nil, err
		}
		anchor = rotation.Date{Year: y, Month: m, Day: d}
	}
	if len(users) > 0 {
		candidate, err := rotationSchedule(rule, users, anchor)
		if err != nil {
			return nil, err
		}
		if err := candidate.Validate(); err != nil {
			return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "anchor", "%s", arqir.ErrorMessage(err))
		}
	}
	var out *arqir.ScheduleInfo
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := s.knownUsers(ctx, tx, "users", users...); err != nil {
			return err
		}
		anchorText := ""
		if !anchor.IsZero() {
			anchorText = anchor.String()
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schedules (name, anchor, updated_at, updated_by, swept_through) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET anchor = excluded.anchor, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
			rule.ID, anchorText, micros(now), a.Name, micros(now))
		if err != nil {
			return fmt.Errorf("save schedule %s: %w", rule.ID, err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM schedule_participants WHERE schedule = ?`), rule.ID); err != nil {
			return fmt.Errorf("replace participants of %s: %w", rule.ID, err)
		}
		for i, h := range users {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schedule_participants (schedule, position, handle) VALUES (?, ?, ?)`), rule.ID, i, h); err != nil {
				return fmt.Errorf("add %s to %s: %w", h, rule.ID, err)
			}
		}
		st, err := s.loadSchedule(ctx, tx, rule, now, now)
		if err != nil {
			return err
		}
		out = st.info(now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ensureSchedule creates the schedule's row if it has none, so overrides
// can be stored before participants are; the sweep starts from now.
func (s *Store) ensureSchedule(ctx context.Context, tx *sql.Tx, name string, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schedules (name, anchor, updated_at, updated_by, swept_through) VALUES (?, '', NULL, '', ?)
		ON CONFLICT (name) DO NOTHING`), name, micros(now))
	if err != nil {
		return fmt.Errorf("save schedule %s: %w", name, err)
	}
	return nil
}
