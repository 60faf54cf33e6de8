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
	"github.com/arqir/arqir/rotation"
)

// AddOverride puts a user on call for a range starting now or later. The
// range is checked with the schedule's other overrides under the
// schedule's row lock, so two overlapping overrides cannot both be stored.
// An override starting now is a handoff now, reported with it.
func (s *Store) AddOverride(ctx context.Context, name string, in arqir.OverrideInput, a arqir.Actor) (*arqir.Override, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	in.User, in.Replaces = strings.TrimSpace(in.User), strings.TrimSpace(in.Replaces)
	in.Start, in.End = storable(in.Start), storable(in.End)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := rule.Check(); err != nil {
		return nil, err
	}
	now := s.clock()
	if !in.End.After(now) {
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "end", "the override ends at %s, which has passed: an override changes who is on call from now on; give an end after %s",
			stampUTC(in.End), stampUTC(now))
	}
	if in, err = in.StartFrom(now); err != nil {
		return nil, err
	}
	o := &arqir.Override{Schedule: rule.ID, User: in.User, Replaces: in.Replaces, Start: in.Start, End: in.End, CreatedAt: now, CreatedBy: a.Name}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := s.knownUsers(ctx, tx, "user", in.User); err != nil {
			return err
		}
		if in.Replaces != "" {
			// Covering for a deleted user is allowed: their turns are gaps.
			if _, err := s.loadUser(ctx, tx, in.Replaces); err != nil {
				if arqir.ErrorCode(err) == arqir.ENOTFOUND {
					return arqir.FieldErrorf(arqir.EUNPROCESSABLE, "replaces", "there is no user %q to cover for: name a participant of %s, or leave replaces empty to cover whoever is on", in.Replaces, rule.ID)
				}
				return err
			}
		}
		st, err := s.lockedChange(ctx, tx, rule, now, in.End)
		if err != nil {
			return err
		}
		if err := checkOverrides(st, o); err != nil {
			return err
		}
		if err := s.insertOverride(ctx, tx, o); err != nil {
			return err
		}
		return s.changeOverrides(ctx, tx, st, append(slices.Clip(st.overrides), o), now)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// RemoveOverride deletes an override; removing one half of a swap removes
// both, so nobody is left covering a shift that is no longer theirs.
// Removing an override in effect hands the schedule back now, which is
// reported with it.
func (s *Store) RemoveOverride(ctx context.Context, name string, id int64, _ arqir.Actor) error {
	rule, err := s.scheduleRule(strings.TrimSpace(name))
	if err != nil {
		return err
	}
	now := s.clock()
	return s.inTx(ctx, nil, func(tx *sql.Tx) error {
		o, err := scanOverride(tx.QueryRowContext(ctx, s.q(`SELECT `+overrideColumns+` FROM schedule_overrides WHERE id = ? AND schedule = ?`), id, rule.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return arqir.FieldErrorf(arqir.ENOTFOUND, "id", "%s has no override %d: see its overrides with arqir oncall overrides --schedule %s", rule.ID, id, rule.ID)
		} else if err != nil {
			return fmt.Errorf("read override %d: %w", id, err)
		}
		query, args := `DELETE FROM schedule_overrides WHERE id = ?`, []any{o.ID}
		if o.Swap != 0 {
			query, args = `DELETE FROM schedule_overrides WHERE schedule = ? AND swap_id = ?`, []any{rule.ID, o.Swap}
		}
		remove := func() error {
			if _, err := tx.ExecContext(ctx, s.q(query), args...); err != nil {
				return fmt.Errorf("remove override %d: %w", id, err)
			}
			return nil
		}
		if rule.Check() != nil {
			return remove() // nobody is on call in a schedule arqir cannot evaluate: nothing is handed over
		}
		st, err := s.lockedChange(ctx, tx, rule, now, now) // as it was, before the removal
		if err != nil {
			return err
		}
		if err := remove(); err != nil {
			return err
		}
		kept := slices.DeleteFunc(slices.Clone(st.overrides), func(x *arqir.Override) bool {
			return x.ID == o.ID || o.Swap != 0 && x.Swap == o.Swap
		})
		return s.changeOverrides(ctx, tx, st, kept, now)
	})
}

// SwapShifts swaps the shifts starting at a and b with two overrides. For
// a shift in progress the swap covers what is left of it: the time that
// has passed stays as it was.
func (s *Store) SwapShifts(ctx context.Context, name string, a, b time.Time, by arqir.Actor) ([]*arqir.Override, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	if err := rule.Check(); err != nil {
		return nil, err
	}
	a, b = storable(a), storable(b)
	if a.IsZero() || b.IsZero() {
		return nil, arqir.Errorf(arqir.EUNPROCESSABLE, "a swap names two shifts by their start times (a and b, RFC 3339): see them with arqir oncall shifts --schedule %s", rule.ID)
	}
	now := s.clock()
	var out []*arqir.Override
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		st, err := s.lockedChange(ctx, tx, rule, now, latest(a, b, now))
		if err != nil {
			return err
		}
		sched, err := st.build()
		if err != nil {
			return err
		}
		shA, err := shiftStartingAt(sched, rule.ID, "a", a, now)
		if err != nil {
			return err
		}
		shB, err := shiftStartingAt(sched, rule.ID, "b", b, now)
		if err != nil {
			return err
		}
		pair, err := rotation.Swap(shA, shB)
		if err != nil {
			return err
		}
		for _, p := range pair {
			out = append(out, &arqir.Override{Schedule: rule.ID, User: p.User, Replaces: p.Replaces, Start: latest(p.Start, now), End: p.End, CreatedAt: now, CreatedBy: by.Name})
		}
		if err := checkOverrides(st, out...); err != nil {
			return err
		}
		for _, o := range out {
			if err := s.insertOverride(ctx, tx, o); err != nil {
				return err
			}
		}
		out[0].Swap, out[1].Swap = out[0].ID, out[0].ID
		_, err = tx.ExecContext(ctx, s.q(`UPDATE schedule_overrides SET swap_id = ? WHERE id IN (?, ?)`), out[0].ID, out[0].ID, out[1].ID)
		if err != nil {
			return fmt.Errorf("link the swap: %w", err)
		}
		return s.changeOverrides(ctx, tx, st, append(slices.Clip(st.overrides), out...), now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// shiftStartingAt finds the shift with someone on call that starts at t
// and has not ended.
func shiftStartingAt(sched rotation.Schedule, schedule, field string, t, now time.Time) (rotation.Shift, error) {
	sh, _ := rotation.OnCall(sched, t)
	switch {
	case !sh.Start.Equal(t):
		return rotation.Shift{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "no shift of %s starts at %s (the shift then started at %s): see the shifts with arqir oncall shifts --schedule %s",
			schedule, stampUTC(t), stampUTC(sh.Start), schedule)
	case sh.IsGap():
		return rotation.Shift{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "nobody is on call in %s from %s: a gap has nobody to swap", schedule, stampUTC(t))
	case !sh.End.After(now):
		return rotation.Shift{}, arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "the shift of %s starting %s ended at %s: only shifts that have not ended can be swapped", sh.User, stampUTC(t), stampUTC(sh.End))
	}
	return sh, nil
}

// lockedSchedule creates the schedule's row if needed, locks it against
// concurrent changes and loads the state around [from, to).
func (s *Store) lockedSchedule(ctx context.Context, tx *sql.Tx, rule arqir.ScheduleRule, users people, now, from, to time.Time) (*scheduleState, error) {
	if err := s.ensureSchedule(ctx, tx, rule.ID, now); err != nil {
		return nil, err
	}
	var n string
	if err := tx.QueryRowContext(ctx, s.q(`SELECT name FROM schedules WHERE name = ?`+s.d.RowLock), rule.ID).Scan(&n); err != nil {
		return nil, fmt.Errorf("lock schedule %s: %w", rule.ID, err)
	}
	return s.loadSchedule(ctx, tx, rule, users, from, to)
}

// lockedChange is lockedSchedule for a change of overrides reaching to
// `to`: the state from a year before now (the reach of the reports the
// change may have to make, see handOver) to `to`.
func (s *Store) lockedChange(ctx context.Context, tx *sql.Tx, rule arqir.ScheduleRule, now, to time.Time) (*scheduleState, error) {
	users, err := s.userIndex(ctx, tx)
	if err != nil {
		return nil, err
	}
	return s.lockedSchedule(ctx, tx, rule, users, now, now.Add(-rotation.MaxRange), latest(to, now))
}

// changeOverrides hands over what a change of the overrides (now the
// given ones) does to who is on call; see handOver.
func (s *Store) changeOverrides(ctx context.Context, tx *sql.Tx, st *scheduleState, overrides []*arqir.Override, now time.Time) error {
	before, err := st.build()
	if err != nil {
		return err
	}
	after, err := st.withOverrides(overrides).build()
	if err != nil {
		return err
	}
	_, err = s.handOver(ctx, tx, st, before, after, now, true)
	return err
}

// checkOverrides validates the schedule with the candidates added: an
// overlap with another override for the same person is refused.
func checkOverrides(st *scheduleState, candidates ...*arqir.Override) error {
	sched, err := st.build(candidates...)
	if err != nil {
		return err
	}
	if len(candidates) > 1 {
		// Two candidates of one swap: give them distinct ids for Validate.
		for i := range candidates {
			sched.Overrides[len(sched.Overrides)-len(candidates)+i].ID = fmt.Sprintf("new-%d", i+1)
		}
	}
	if err := sched.Validate(); err != nil {
		msg := arqir.ErrorMessage(err)
		for _, id := range []string{`"new"`, `"new-1"`, `"new-2"`} {
			msg = strings.ReplaceAll(msg, "override "+id, "the new override")
		}
		return arqir.Errorf(arqir.EUNPROCESSABLE, "%s", msg)
	}
	return nil
}

func (s *Store) insertOverride(ctx context.Context, tx *sql.Tx, o *arqir.Override) error {
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO schedule_overrides (schedule, handle, replaces, start_at, end_at, swap_id, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?) RETURNING id`),
		o.Schedule, o.User, o.Replaces, micros(o.Start), micros(o.End), micros(o.CreatedAt), o.CreatedBy).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("store the override: %w", err)
	}
	return nil
}

// latest is the latest of the instants.
func latest(ts ...time.Time) time.Time { return slices.MaxFunc(ts, time.Time.Compare) }

// stampUTC writes an instant for messages.
func stampUTC(t time.Time) string { return t.UTC().Format(time.RFC3339) }
