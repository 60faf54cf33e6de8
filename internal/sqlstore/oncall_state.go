package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// people is every user by handle, deleted ones included: the names and
// deletions that answers show. A request reads it once (userIndex) and
// hands it to every schedule it loads.
type people map[string]*arqir.User

// scheduleState is one schedule as the store knows it: the policy's
// structure plus the participants, anchors and overrides in the database,
// and the users they name.
type scheduleState struct {
	rule arqir.ScheduleRule
	// exists says whether the schedule has a row (participants or overrides
	// were ever given).
	exists       bool
	layers       []layerState // one per rule.Layers, in the same order
	updatedAt    *time.Time
	updatedBy    string
	sweptThrough time.Time
	overrides    []*arqir.Override
	users        people
}

// layerState is one layer's operational half: who rotates, from when.
type layerState struct {
	rule         arqir.LayerRule
	participants []string
	anchor       rotation.Date
}

// overrideReach is how far around the asked instants overrides are read:
// rotation looks that far back and ahead for a shift's real start and end.
const overrideReach = rotation.Horizon

const overrideColumns = "id, schedule, handle, replaces, start_at, end_at, swap_id, created_at, created_by"

// loadSchedule reads a schedule's state with the overrides that can matter
// for answers about [from, to). users is the request's user index.
func (s *Store) loadSchedule(ctx context.Context, q querier, rule arqir.ScheduleRule, users people, from, to time.Time) (*scheduleState, error) {
	st := &scheduleState{rule: rule, users: users}
	for _, l := range rule.Layers {
		st.layers = append(st.layers, layerState{rule: l})
	}
	var (
		updated sql.NullInt64
		swept   int64
	)
	err := q.QueryRowContext(ctx, s.q(`SELECT updated_at, updated_by, swept_through FROM schedules WHERE name = ?`), rule.ID).
		Scan(&updated, &st.updatedBy, &swept)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, nil
	case err != nil:
		return nil, fmt.Errorf("read schedule %s: %w", rule.ID, err)
	}
	st.exists, st.updatedAt, st.sweptThrough = true, fromNullMicros(updated), fromMicros(swept)
	if err := s.loadLayers(ctx, q, st); err != nil {
		return nil, err
	}
	if st.overrides, err = s.loadOverrides(ctx, q, rule.ID, from.Add(-overrideReach), to.Add(overrideReach)); err != nil {
		return nil, err
	}
	return st, nil
}

// loadLayers reads the anchors and participants of the policy's layers.
// Rows of a layer the policy no longer has are kept but not used: a
// policy that brings the layer back finds its rotation again.
func (s *Store) loadLayers(ctx context.Context, q querier, st *scheduleState) error {
	schedule := st.rule.ID
	rows, err := q.QueryContext(ctx, s.q(`SELECT layer, anchor FROM schedule_layers WHERE schedule = ?`), schedule)
	if err != nil {
		return fmt.Errorf("read layers of %s: %w", schedule, err)
	}
	for rows.Next() {
		var layer, anchor string
		if err := rows.Scan(&layer, &anchor); err != nil {
			rows.Close()
			return fmt.Errorf("read layers of %s: %w", schedule, err)
		}
		l := st.layer(layer)
		if l == nil || anchor == "" {
			continue
		}
		y, m, d, err := arqir.ParseDate("anchor", anchor)
		if err != nil {
			rows.Close()
			return fmt.Errorf("layer %s of %s has a stored anchor %q that is not a date: %w", layer, schedule, anchor, err)
		}
		l.anchor = rotation.Date{Year: y, Month: m, Day: d}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read layers of %s: %w", schedule, err)
	}
	rows, err = q.QueryContext(ctx, s.q(`SELECT layer, handle FROM schedule_participants WHERE schedule = ? ORDER BY layer, position`), schedule)
	if err != nil {
		return fmt.Errorf("read participants of %s: %w", schedule, err)
	}
	defer rows.Close()
	for rows.Next() {
		var layer, h string
		if err := rows.Scan(&layer, &h); err != nil {
			return fmt.Errorf("read participants of %s: %w", schedule, err)
		}
		if l := st.layer(layer); l != nil {
			l.participants = append(l.participants, h)
		}
	}
	return rows.Err()
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

// layer returns the state of the named layer, or nil.
func (st *scheduleState) layer(name string) *layerState {
	for i := range st.layers {
		if st.layers[i].rule.Name == name {
			return &st.layers[i]
		}
	}
	return nil
}

// assigned reports whether any layer has participants.
func (st *scheduleState) assigned() bool {
	return slices.ContainsFunc(st.layers, func(l layerState) bool { return len(l.participants) > 0 })
}

// deleted reports whether handle names a deleted user.
func (st *scheduleState) deleted(handle string) bool {
	u, ok := st.users[handle]
	return ok && u.Deleted()
}

// withOverrides returns a copy of the state with other overrides, for
// evaluating a change before or after it is made.
func (st *scheduleState) withOverrides(overrides []*arqir.Override) *scheduleState {
	c := *st
	c.overrides = overrides
	return &c
}

// build returns the schedule rotation evaluates, with extra overrides
// added (a candidate being checked). Deleted users are taken out with
// Schedule.Without: their turns stay in place and become flagged gaps.
func (st *scheduleState) build(extra ...*arqir.Override) (rotation.Schedule, error) {
	sched, err := rotationSchedule(st.rule, st.layers)
	if err != nil {
		return rotation.Schedule{}, err
	}
	for _, o := range append(slices.Clip(st.overrides), extra...) {
		sched.Overrides = append(sched.Overrides, rotation.Override{
			ID: overrideID(o.ID), Start: o.Start, End: o.End, User: o.User, Replaces: o.Replaces,
		})
	}
	var gone []string
	active := false
	for _, l := range st.layers {
		for _, h := range l.participants {
			switch {
			case !st.deleted(h):
				active = true
			case !slices.Contains(gone, h):
				gone = append(gone, h)
			}
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
	if st.assigned() && !active {
		// Every participant was deleted: nobody can be on call, so the
		// restrictions only split the gap (see rotationSchedule).
		for i := range sched.Layers {
			sched.Layers[i].Restriction = nil
		}
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
	for _, p := range sh.Parts {
		part := arqir.ShiftPart{Start: p.Start, End: p.End, Source: arqir.PartRotation, Layer: p.Layer, Replaces: p.Replaces}
		switch {
		case p.Override != "":
			part.Source, part.Layer = arqir.PartOverride, ""
			part.Override, _ = strconv.ParseInt(p.Override, 10, 64)
		case sh.IsGap():
			part.Source, part.Layer = arqir.PartGap, ""
		}
		if sh.IsGap() {
			if p.Vacant != "" && st.assigned() {
				part.Vacant = p.Vacant
			}
			for _, n := range st.gapNotes(p.Vacant) {
				note(n)
			}
		}
		if n := len(out.Parts); n > 0 && samePart(out.Parts[n-1], part) {
			out.Parts[n-1].End = part.End
			continue
		}
		out.Parts = append(out.Parts, part)
	}
	return out
}

// gapNotes say why nobody is on call in a gap part whose vacant
// participant (a deleted user) is vacant, if any.
func (st *scheduleState) gapNotes(vacant string) []string {
	id := st.rule.ID
	switch {
	case !st.assigned():
		return []string{fmt.Sprintf("no one assigned: %s has no participants yet; assign them with arqir oncall participants --schedule %s USER…", id, id)}
	case vacant != "":
		return []string{fmt.Sprintf("gap: user %s was deleted; assign the rotation again (arqir oncall participants --schedule %s …) or add an override", vacant, id)}
	}
	var notes, hours []string
	always := false
	for _, l := range st.layers {
		switch {
		case len(l.participants) == 0:
			notes = append(notes, fmt.Sprintf("no one on call: layer %s of %s has no participants yet; assign them with arqir oncall participants --schedule %s --layer %s USER…", l.rule.Name, id, id, l.rule.Name))
		case l.rule.Restriction == nil:
			always = true
		case st.rule.Layered:
			hours = append(hours, l.rule.Name+" "+l.rule.RestrictionText())
		default:
			hours = append(hours, l.rule.RestrictionText())
		}
	}
	if len(hours) > 0 && !always {
		notes = append(notes, fmt.Sprintf("no one on call: outside the hours of %s (%s)", id, strings.Join(hours, "; ")))
	}
	if len(notes) == 0 {
		notes = append(notes, "no one on call")
	}
	return notes
}

// samePart reports whether two adjacent parts come from the same source.
func samePart(a, b arqir.ShiftPart) bool {
	return a.End.Equal(b.Start) && a.Source == b.Source && a.Layer == b.Layer && a.Override == b.Override && a.Replaces == b.Replaces && a.Vacant == b.Vacant
}

// problem is the message of a schedule that cannot be evaluated, or "".
func (st *scheduleState) problem() string {
	if err := st.rule.Check(); err != nil {
		return arqir.ErrorMessage(err)
	}
	return ""
}
