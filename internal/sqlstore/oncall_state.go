package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// scheduleState is one schedule as the store knows it: the policy's
// structure plus the participants, anchor and overrides in the database,
// and the users they name.
type scheduleState struct {
	rule arqir.ScheduleRule
	// exists says whether the schedule has a row (participants or overrides
	// were ever given).
	exists       bool
	participants []string
	anchor       rotation.Date
	updatedAt    *time.Time
	updatedBy    string
	sweptThrough time.Time
	overrides    []*arqir.Override
	users        map[string]*arqir.User
}

// overrideReach is how far around the asked instants overrides are read:
// rotation looks that far back and ahead for a shift's real start and end.
const overrideReach = rotation.Horizon

const overrideColumns = "id, schedule, handle, replaces, start_at, end_at, swap_id, created_at, created_by"

// loadSchedule reads a schedule's state with the overrides that can matter
// for answers about [from, to).
func (s *Store) loadSchedule(ctx context.Context, q querier, rule arqir.ScheduleRule, from, to time.Time) (*scheduleState, error) {
	st := &scheduleState{rule: rule}
	var (
		anchor  string
		updated sql.NullInt64
		swept   int64
	)
	err := q.QueryRowContext(ctx, s.q(`SELECT anchor, updated_at, updated_by, swept_through FROM schedules WHERE name = ?`), rule.ID).
		Scan(&anchor, &updated, &st.updatedBy, &swept)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("read schedule %s: %w", rule.ID, err)
	default:
		st.exists, st.updatedAt, st.sweptThrough = true, fromNullMicros(updated), fromMicros(swept)
		if anchor != "" {
			y, m, d, err := arqir.ParseDate("anchor", anchor)
			if err != nil {
				return nil, fmt.Errorf("schedule %s has a stored anchor %q that is not a date: %w", rule.ID, anchor, err)
			}
			st.anchor = rotation.Date{Year: y, Month: m, Day: d}
		}
	}
	if st.exists {
		if st.participants, err = s.loadParticipants(ctx, q, rule.ID); err != nil {
			return nil, err
		}
		if st.overrides, err = s.loadOverrides(ctx, q, rule.ID, from.Add(-overrideReach), to.Add(overrideReach)); err != nil {
			return nil, err
		}
	}
	if st.users, err = s.userIndex(ctx, q); err != nil {
		return nil, err
	}
	return st, nil
}

func (s *Store) loadParticipants(ctx context.Context, q querier, schedule string) ([]string, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT handle FROM schedule_participants WHERE schedule = ? ORDER BY position`), schedule)
	if err != nil {
		return nil, fmt.Errorf("read participants of %s: %w", schedule, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("read participants of %s: %w", schedule, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// loadOverrides reads the overrides of a schedule that overlap [from, to),
// in start order.
func (s *Store) loadOverrides(ctx context.Context, q querier, schedule string, from, to time.Time) ([]*arqir.Override, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT `+overrideColumns+` FROM schedule_overrides
		WHERE schedule = ? AND end_at > ? AND start_at < ? ORDER BY start_at, id`), schedule, micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("read overrides of %s: %w", schedule, err)
	}
	defer rows.Close()
	var out []*arqir.Override
	for rows.Next() {
		o, err := scanOverride(rows)
		if err != nil {
			return nil, fmt.Errorf("read overrides of %s: %w", schedule, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func scanOverride(sc scanner) (*arqir.Override, error) {
	var (
		o                   arqir.Override
		start, end, created int64
	)
	if err := sc.Scan(&o.ID, &o.Schedule, &o.User, &o.Replaces, &start, &end, &o.Swap, &created, &o.CreatedBy); err != nil {
		return nil, err
	}
	o.Start, o.End, o.CreatedAt = fromMicros(start), fromMicros(end), fromMicros(created)
	return &o, nil
}

// deleted reports whether handle names a deleted user.
func (st *scheduleState) deleted(handle string) bool {
	u, ok := st.users[handle]
	return ok && u.Deleted()
}

// build returns the schedule rotation evaluates, with extra overrides
// added (a candidate being checked). Deleted users are taken out with
// Schedule.Without: their turns stay in place and become flagged gaps.
func (st *scheduleState) build(extra ...*arqir.Override) (rotation.Schedule, error) {
	sched, err := rotationSchedule(st.rule, st.participants, st.anchor)
	if err != nil {
		return rotation.Schedule{}, err
	}
	for _, o := range append(slices.Clip(st.overrides), extra...) {
		sched.Overrides = append(sched.Overrides, rotation.Override{
			ID: overrideID(o.ID), Start: o.Start, End: o.End, User: o.User, Replaces: o.Replaces,
		})
	}
	var gone []string
	for _, h := range st.participants {
		if st.deleted(h) && !slices.Contains(gone, h) {
			gone = append(gone, h)
		}
	}
	for _, o := range st.overrides {
		if st.deleted(o.User) && !slices.Contains(gone, o.User) {
			gone = append(gone, o.User)
		}
	}
	for _, h := range gone {
		sched, _ = sched.Without(h)
	}
	if len(st.participants) > 0 && !slices.ContainsFunc(st.participants, func(h string) bool { return !st.deleted(h) }) {
		// Every participant was deleted: the schedule is evaluated without
		// its restriction, as it always has been. This is no longer needed
		// for speed (rotation walks a restricted gap in linear time); it
		// is kept because it shapes the answer: the gap is one part per
		// turn naming the deleted user (no "outside the hours" parts), and
		// an override covering a deleted user covers their whole turn, not
		// only the restriction's hours as when some participants remain.
		sched.Layers[0].Restriction = nil
	}
	return sched, nil
}

// overrideID is the rotation id of a stored override; a candidate not yet
// stored has id 0.
func overrideID(id int64) string {
	if id == 0 {
		return "new"
	}
	return strconv.FormatInt(id, 10)
}

// shift converts a shift of rotation into the domain's, with names and the
// notes that flag gaps. Adjacent parts from the same source merge: a week
// of a restricted schedule nobody is assigned to is one stretch, not a
// part per window.
func (st *scheduleState) shift(sh rotation.Shift) arqir.Shift {
	out := arqir.Shift{Schedule: sh.Schedule, User: sh.User, Start: sh.Start, End: sh.End, Gap: sh.IsGap(), Parts: make([]arqir.ShiftPart, 0, len(sh.Parts)), Notes: []string{}}
	if u, ok := st.users[sh.User]; ok {
		out.UserName = u.Name
	}
	note := func(n string) {
		if !slices.Contains(out.Notes, n) {
			out.Notes = append(out.Notes, n)
		}
	}
	empty := len(st.participants) == 0
	for _, p := range sh.Parts {
		part := arqir.ShiftPart{Start: p.Start, End: p.End, Source: arqir.PartRotation, Replaces: p.Replaces}
		switch {
		case p.Override != "":
			part.Source = arqir.PartOverride
			part.Override, _ = strconv.ParseInt(p.Override, 10, 64)
		case sh.IsGap():
			part.Source = arqir.PartGap
		}
		switch {
		case !sh.IsGap():
		case empty:
			note(fmt.Sprintf("no one assigned: %s has no participants yet; assign them with arqir oncall participants --schedule %s USER…", st.rule.ID, st.rule.ID))
		case p.Vacant != "":
			part.Vacant = p.Vacant
			note(fmt.Sprintf("gap: user %s was deleted; assign the rotation again (arqir oncall participants --schedule %s …) or add an override", p.Vacant, st.rule.ID))
		case st.rule.Restriction != nil:
			note(fmt.Sprintf("no one on call: outside the hours of %s (%s)", st.rule.ID, st.rule.RestrictionText()))
		default:
			note("no one on call")
		}
		if n := len(out.Parts); n > 0 && samePart(out.Parts[n-1], part) {
			out.Parts[n-1].End = part.End
			continue
		}
		out.Parts = append(out.Parts, part)
	}
	return out
}

// samePart reports whether two adjacent parts come from the same source.
func samePart(a, b arqir.ShiftPart) bool {
	return a.End.Equal(b.Start) && a.Source == b.Source && a.Override == b.Override && a.Replaces == b.Replaces && a.Vacant == b.Vacant
}

// problem is the message of a schedule that cannot be evaluated, or "".
func (st *scheduleState) problem() string {
	if err := st.rule.Check(); err != nil {
		return arqir.ErrorMessage(err)
	}
	return ""
}
