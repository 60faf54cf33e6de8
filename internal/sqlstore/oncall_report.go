package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// maxReportIncidents bounds the incidents one report lists; a report says
// how many more there are rather than growing without end.
const maxReportIncidents = 200

// buildReport gathers what the engineers need at handoff h, as of h: the
// incidents open then, those declared during the outgoing shift, deadlines
// due within a day, open action items overdue or due within a week, the
// outgoing engineer's notes and unfinished post-shift items. It reads
// through q: the database, or the transaction of the change that causes
// the handoff.
func (s *Store) buildReport(ctx context.Context, q querier, rules arqir.OnCallRules, st *scheduleState, sched rotation.Schedule, h rotation.Handoff) (*arqir.HandoffReport, error) {
	rule := st.rule
	r := &arqir.HandoffReport{
		Schedule: rule.ID, ScheduleTitle: rule.Title, Zone: rule.Zone().String(), At: storable(h.At),
		Incoming: h.Incoming.User, IncomingName: st.name(h.Incoming.User), IncomingEnd: storable(h.Incoming.End),
		OpenIncidents: []arqir.HandoffIncident{}, DeclaredDuringShift: []arqir.HandoffIncident{}, DeadlinesDue: []arqir.HandoffDeadline{},
		Notes: []arqir.HandoffNote{}, HandoffTasks: slices.Clone(rules.HandoffTasks),
		PostShift: []arqir.PostShiftChecklist{}, CreatedAt: s.clock(),
	}
	if r.HandoffTasks == nil {
		r.HandoffTasks = []string{}
	}
	if h.Outgoing.User != "" {
		start, end := storable(h.Outgoing.Start), storable(h.Outgoing.End)
		r.Outgoing, r.OutgoingName, r.OutgoingStart, r.OutgoingEnd = h.Outgoing.User, st.name(h.Outgoing.User), &start, &end
	}
	open, err := s.incidentsOpenAt(ctx, q, r.At)
	if err != nil {
		return nil, err
	}
	for _, inc := range open {
		r.OpenIncidents = append(r.OpenIncidents, handoffIncident(inc, r.At))
		for _, d := range inc.Deadlines {
			if d.Pending() && !d.DueAt.Before(r.At) && d.DueAt.Before(r.At.Add(arqir.DeadlinesDueWithin)) {
				r.DeadlinesDue = append(r.DeadlinesDue, arqir.HandoffDeadline{Incident: inc.ID, Title: inc.Title, Kind: d.Kind, DueAt: d.DueAt})
			}
		}
	}
	slices.SortStableFunc(r.DeadlinesDue, func(a, b arqir.HandoffDeadline) int { return a.DueAt.Compare(b.DueAt) })
	if r.ActionItems, err = s.handoffActionItems(ctx, q, r.At); err != nil {
		return nil, err
	}
	if r.OutgoingStart != nil {
		during, err := s.incidentsDeclared(ctx, q, *r.OutgoingStart, r.At)
		if err != nil {
			return nil, err
		}
		for _, inc := range during {
			r.DeclaredDuringShift = append(r.DeclaredDuringShift, handoffIncident(inc, r.At))
		}
		if r.Notes, err = s.notesBetween(ctx, q, rule.ID, *r.OutgoingStart, r.At); err != nil {
			return nil, err
		}
		if r.PostShift, err = s.unfinishedPostShift(ctx, q, rules, rule.ID, sched, h.Outgoing); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// name is a user's display name, or the handle.
func (st *scheduleState) name(handle string) string {
	if u, ok := st.users[handle]; ok {
		return u.DisplayName()
	}
	return handle
}

func handoffIncident(inc *arqir.Incident, at time.Time) arqir.HandoffIncident {
	hi := arqir.HandoffIncident{ID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status, DeclaredAt: inc.DeclaredAt,
		AgeSeconds: at.Sub(inc.DeclaredAt).Seconds(), Acknowledged: inc.AcknowledgedAt != nil && !inc.AcknowledgedAt.After(at),
		Commander: inc.Commander, Deadlines: []arqir.Deadline{}}
	if hi.AgeSeconds < 0 {
		hi.AgeSeconds = 0
	}
	for _, d := range inc.Deadlines {
		if d.Pending() {
			hi.Deadlines = append(hi.Deadlines, d)
		}
	}
	return hi
}

// incidentsOpenAt reads the incidents declared by t and not resolved then,
// most severe first, so a sweep running late still reports the handoff's
// own moment.
func (s *Store) incidentsOpenAt(ctx context.Context, q querier, t time.Time) ([]*arqir.Incident, error) {
	return s.incidentsWhere(ctx, q, `declared_at <= ? AND (resolved_at IS NULL OR resolved_at > ?)`, micros(t), micros(t))
}

// incidentsDeclared reads the incidents declared in [from, to).
func (s *Store) incidentsDeclared(ctx context.Context, q querier, from, to time.Time) ([]*arqir.Incident, error) {
	return s.incidentsWhere(ctx, q, `declared_at >= ? AND declared_at < ?`, micros(from), micros(to))
}

func (s *Store) incidentsWhere(ctx context.Context, q querier, where string, args ...any) ([]*arqir.Incident, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT id FROM incidents WHERE `+where+` ORDER BY id LIMIT ?`), append(args, maxReportIncidents)...)
	if err != nil {
		return nil, fmt.Errorf("find incidents for the handoff report: %w", err)
	}
	var ids []arqir.IncidentID
	for rows.Next() {
		var id arqir.IncidentID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find incidents for the handoff report: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find incidents for the handoff report: %w", err)
	}
	out := make([]*arqir.Incident, 0, len(ids))
	for _, id := range ids {
		inc, err := s.loadIncident(ctx, q, id, false)
		if err != nil {
			return nil, fmt.Errorf("read %s for the handoff report: %w", id, err)
		}
		out = append(out, inc)
	}
	rank := func(sev string) int {
		if r, err := s.currentRules(); err == nil {
			if i := slices.Index(r.SeverityNames(), sev); i >= 0 {
				return i
			}
		}
		return 1 << 10
	}
	slices.SortStableFunc(out, func(a, b *arqir.Incident) int { return rank(a.Severity) - rank(b.Severity) })
	return out, nil
}

// unfinishedPostShift returns the post-shift checklists with open items of
// the shift that ends at the handoff and of the one before it.
func (s *Store) unfinishedPostShift(ctx context.Context, q querier, rules arqir.OnCallRules, schedule string, sched rotation.Schedule, outgoing rotation.Shift) ([]arqir.PostShiftChecklist, error) {
	if len(rules.PostShiftTasks) == 0 {
		return []arqir.PostShiftChecklist{}, nil
	}
	shifts := []rotation.Shift{outgoing}
	// The shift before counts only if arqir handed it over (a report exists
	// for the start of the outgoing shift): a turn the rotation computes for
	// a time before anyone was assigned was never worked.
	var handed int
	err := q.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM handoff_reports WHERE schedule = ? AND handoff_at = ?`), schedule, micros(storable(outgoing.Start))).Scan(&handed)
	if err != nil {
		return nil, fmt.Errorf("read the previous handoff: %w", err)
	}
	if before, err := rotation.Handoffs(sched, outgoing.Start, outgoing.Start.Add(time.Nanosecond)); err == nil && handed > 0 && len(before) == 1 && before[0].Outgoing.User != "" {
		shifts = append([]rotation.Shift{before[0].Outgoing}, shifts...)
	}
	out := []arqir.PostShiftChecklist{}
	for _, sh := range shifts {
		c, err := s.postShiftChecklist(ctx, q, rules, schedule, sh)
		if err != nil {
			return nil, err
		}
		if !c.Done {
			out = append(out, c)
		}
	}
	return out, nil
}

// Handoffs lists a schedule's reports, newest first.
func (s *Store) Handoffs(ctx context.Context, schedule string, limit int) ([]*arqir.HandoffReport, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(schedule))
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit=%d: ask for 1 to 500 reports", limit)
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, report FROM handoff_reports WHERE schedule = ? ORDER BY handoff_at DESC LIMIT ?`), rule.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("list handoff reports of %s: %w", rule.ID, err)
	}
	defer rows.Close()
	out := []*arqir.HandoffReport{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Handoff returns one report.
func (s *Store) Handoff(ctx context.Context, id int64) (*arqir.HandoffReport, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, s.q(`SELECT id, report FROM handoff_reports WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, arqir.FieldErrorf(arqir.ENOTFOUND, "id", "there is no handoff report %d: list them with arqir oncall handoffs --schedule S", id)
	}
	return r, err
}

func scanReport(sc scanner) (*arqir.HandoffReport, error) {
	var (
		id   int64
		body string
	)
	if err := sc.Scan(&id, &body); err != nil {
		return nil, err
	}
	var r arqir.HandoffReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return nil, fmt.Errorf("decode handoff report %d: %w", id, err)
	}
	r.ID = id
	return &r, nil
}
