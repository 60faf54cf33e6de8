package sqlstore

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// WhoIsOnCall answers for one schedule, or every schedule of the policy,
// at an instant. A schedule nobody is assigned to answers with a flagged
// gap, not an error: paging must learn that nobody is there.
func (s *Store) WhoIsOnCall(ctx context.Context, schedule string, at time.Time) ([]*arqir.OnCallAnswer, error) {
	rules := s.onCallRules()
	if at.IsZero() {
		at = s.clock()
	}
	at = storable(at)
	var selected []arqir.ScheduleRule
	if schedule = strings.TrimSpace(schedule); schedule != "" {
		rule, err := s.scheduleRule(schedule)
		if err != nil {
			return nil, err
		}
		selected = []arqir.ScheduleRule{rule}
	} else {
		selected = rules.Schedules
	}
	out := []*arqir.OnCallAnswer{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		users, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		for _, rule := range selected {
			st, err := s.loadSchedule(ctx, tx, rule, users, at, at)
			if err != nil {
				return err
			}
			out = append(out, st.answer(at))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// answer is who is on call at t in the state's schedule.
func (st *scheduleState) answer(t time.Time) *arqir.OnCallAnswer {
	a := &arqir.OnCallAnswer{Schedule: st.rule.ID, Title: st.rule.Title, At: t, Assigned: st.assigned()}
	if z := st.rule.Zone(); z != nil {
		a.Zone = z.String()
	}
	sched, err := st.build()
	if err != nil {
		a.Problem = arqir.ErrorMessage(err)
		a.Shift = arqir.Shift{Schedule: st.rule.ID, Gap: true, Parts: []arqir.ShiftPart{}, Notes: []string{a.Problem}}
		return a
	}
	sh, _ := rotation.OnCall(sched, t)
	a.Shift = st.shift(sh)
	a.Next = st.next(sched, sh)
	return a
}

// next finds the first shift after sh with another person on call: first
// within a little over a week (the usual case), else within a year.
func (st *scheduleState) next(sched rotation.Schedule, sh rotation.Shift) *arqir.Shift {
	if sh.IsGap() && sh.End.Sub(sh.Start) >= rotation.Horizon {
		return nil // a gap as long as the search horizon: nobody is coming
	}
	for _, span := range []time.Duration{8 * 24 * time.Hour, rotation.MaxRange} {
		shifts, err := rotation.Shifts(sched, sh.End, sh.End.Add(span))
		if err != nil {
			return nil
		}
		for _, x := range shifts {
			if !x.IsGap() && !x.Start.Before(sh.End) && x.User != sh.User {
				n := st.shift(x)
				return &n
			}
		}
	}
	return nil
}

// defaultShiftsSpan is the range ScheduleShifts answers when not told.
const defaultShiftsSpan = 14 * 24 * time.Hour

// ScheduleShifts returns the shifts covering [from, to), gaps included; a
// zero from is now, a zero to two weeks after from.
func (s *Store) ScheduleShifts(ctx context.Context, schedule string, from, to time.Time) ([]arqir.Shift, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(schedule))
	if err != nil {
		return nil, err
	}
	if from.IsZero() {
		from = s.clock()
	}
	if to.IsZero() {
		to = from.Add(defaultShiftsSpan)
	}
	from, to = storable(from), storable(to)
	var st *scheduleState
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		users, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		st, err = s.loadSchedule(ctx, tx, rule, users, from, to)
		return err
	})
	if err != nil {
		return nil, err
	}
	return st.shifts(from, to)
}

// shifts evaluates the state over [from, to).
func (st *scheduleState) shifts(from, to time.Time) ([]arqir.Shift, error) {
	sched, err := st.build()
	if err != nil {
		return nil, err
	}
	raw, err := rotation.Shifts(sched, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]arqir.Shift, len(raw))
	for i, sh := range raw {
		out[i] = st.shift(sh)
	}
	return out, nil
}

// maxNextShifts bounds UserShifts.
const maxNextShifts = 100

// UserShifts returns a user's next shifts across every schedule.
func (s *Store) UserShifts(ctx context.Context, handle string, after time.Time, n int) ([]arqir.Shift, error) {
	if n < 1 || n > maxNextShifts {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "n", "n=%d: ask for 1 to %d shifts", n, maxNextShifts)
	}
	handle = strings.TrimSpace(handle)
	if _, err := s.loadUser(ctx, s.db, handle); err != nil {
		return nil, err
	}
	if after.IsZero() {
		after = s.clock()
	}
	after = storable(after)
	out := []arqir.Shift{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		users, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		for _, rule := range s.onCallRules().Schedules {
			st, err := s.loadSchedule(ctx, tx, rule, users, after, after.Add(rotation.Horizon))
			if err != nil {
				return err
			}
			sched, err := st.build()
			if err != nil {
				continue // a schedule that cannot be evaluated has no shifts to show
			}
			for _, sh := range rotation.NextShifts(sched, handle, after, n) {
				out = append(out, st.shift(sh))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}
