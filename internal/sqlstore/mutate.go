package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/arqir/arqir"
)

// transition changes an incident in memory and returns the timeline events
// that record the change; it is one of the pure life-cycle decisions of the
// root package.
type transition func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error)

// mutate applies a transition to an incident in one transaction: the
// incident is read with its row locked, so concurrent changes (from this
// process or another replica) queue and each decides on the state the one
// before it committed. A rejected transition rolls back and changes nothing;
// a transition that records no event writes nothing, not even a version.
func (s *Store) mutate(ctx context.Context, id arqir.IncidentID, c arqir.Change, now time.Time, fn transition) (*arqir.Incident, error) {
	var out *arqir.Incident
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		inc, err := s.loadIncident(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if c.ExpectedVersion != 0 && c.ExpectedVersion != inc.Version {
			return staleVersion(id, c.ExpectedVersion, inc.Version)
		}
		out, err = s.changeLoaded(ctx, tx, inc, now, fn)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// changeLoaded applies a transition to an incident loaded with its row
// locked in tx, and writes what it changed: the row, services, deadlines,
// the RCA of a resolution, the notifications the planner decides and the
// timeline, together.
func (s *Store) changeLoaded(ctx context.Context, tx *sql.Tx, inc *arqir.Incident, now time.Time, fn transition) (*arqir.Incident, error) {
	// A change decided on an older "now" (a sweep that waited for this
	// row lock, a replica whose clock lags) must not go back in time:
	// the timeline stays in order and updated_at never decreases.
	if now.Before(inc.UpdatedAt) {
		now = inc.UpdatedAt
	}
	p := s.currentPlanner()
	read := readIncident(inc, p != nil)
	events, err := fn(inc, now)
	if err != nil {
		return nil, err
	}
	normalize(inc)
	if len(events) == 0 {
		return inc, nil
	}
	inc.Version, inc.UpdatedAt = read.version+1, now
	if resolvedBy(events) {
		rca, err := s.openRCA(ctx, tx, inc, s.storedSources(ctx, tx, inc.ID, events), now)
		if err != nil {
			return nil, err
		}
		events = append(events, rca...)
	}
	plan := planChange(p, read.before, inc, events, now)
	events = append(events, plan.Events...)
	normalize(inc)
	if err := s.updateIncident(ctx, tx, inc, read.version); err != nil {
		return nil, err
	}
	if !slices.Equal(read.services, inc.Services) {
		if err := s.replaceServices(ctx, tx, inc.ID, inc.Services); err != nil {
			return nil, err
		}
	}
	if err := s.upsertDeadlines(ctx, tx, inc.ID, inc.Deadlines, changedDeadlines(read.deadlines, inc.Deadlines)); err != nil {
		return nil, err
	}
	queued, err := s.applyPlans(ctx, tx, []planned{{inc: inc, plan: plan, now: now}})
	if err != nil {
		return nil, err
	}
	return inc, s.insertEvents(ctx, tx, inc.ID, append(events, queued[0]...))
}

// readState is an incident as a change read it: what to compare the
// result with to write only what changed, and, when a planner is
// installed, a full copy for it to compare with.
type readState struct {
	version   int
	services  []string
	deadlines []arqir.Deadline
	before    *arqir.Incident
}

func readIncident(inc *arqir.Incident, full bool) readState {
	r := readState{version: inc.Version, services: slices.Clone(inc.Services), deadlines: slices.Clone(inc.Deadlines)}
	if full {
		r.before = cloneIncident(inc)
	}
	return r
}

// cloneIncident copies an incident deeply enough that the life-cycle
// transitions, which change lists and maps in place, leave the copy alone.
func cloneIncident(inc *arqir.Incident) *arqir.Incident {
	c := *inc
	c.Services = slices.Clone(inc.Services)
	c.Responders = slices.Clone(inc.Responders)
	c.Checklist = slices.Clone(inc.Checklist)
	c.Deadlines = slices.Clone(inc.Deadlines)
	c.Refs = maps.Clone(inc.Refs)
	return &c
}

func staleVersion(id arqir.IncidentID, expected, current int) error {
	return arqir.Errorf(arqir.ECONFLICT, "%s changed since version %d (it is now version %d): reload it and apply your change again", id, expected, current)
}

// insertIncident stores a new incident with its services, deadlines,
// planned notifications and events, and sets its ID. The row goes first:
// the planner sees the incident with the ID it is known by.
func (s *Store) insertIncident(ctx context.Context, tx *sql.Tx, inc *arqir.Incident, events []arqir.TimelineEvent, now time.Time) error {
	vals, err := incidentValues(inc)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, s.q(insertIncidentSQL), vals...).Scan(&inc.ID); err != nil {
		return fmt.Errorf("insert incident: %w", err)
	}
	if err := s.markKPIStale(ctx, tx, inc); err != nil {
		return err
	}
	plan, err := s.planNew(ctx, tx, s.currentPlanner(), inc, vals, events, now)
	if err != nil {
		return err
	}
	events = append(events, plan.Events...)
	if err := s.replaceServices(ctx, tx, inc.ID, inc.Services); err != nil {
		return err
	}
	if err := s.upsertDeadlines(ctx, tx, inc.ID, inc.Deadlines, allIndexes(len(inc.Deadlines))); err != nil {
		return err
	}
	queued, err := s.applyPlans(ctx, tx, []planned{{inc: inc, plan: plan, now: now}})
	if err != nil {
		return err
	}
	return s.insertEvents(ctx, tx, inc.ID, append(events, queued[0]...))
}

// updateIncident writes the incident row if it still has the version it was
// read with; anything else is a lost update and refused. Like every write
// of an incident, it marks the incident's KPIs stale (kpi_rollup.go).
func (s *Store) updateIncident(ctx context.Context, tx *sql.Tx, inc *arqir.Incident, readVersion int) error {
	vals, err := incidentValues(inc)
	if err != nil {
		return err
	}
	// Prepared where the dialect keeps statements prepared: every change
	// and every ingest batch writes an incident, and re-parsing this wide
	// UPDATE was most of its cost.
	st, err := s.stmt(ctx, tx, updateIncidentSQL)
	if err != nil {
		return fmt.Errorf("update incident: %w", err)
	}
	res, err := st.exec(ctx, append(vals, inc.ID, readVersion)...)
	if err != nil {
		return fmt.Errorf("update incident: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update incident: %w", err)
	} else if n == 0 {
		return arqir.Errorf(arqir.ECONFLICT, "%s changed while this change was applied: reload it and apply your change again", inc.ID)
	}
	return s.markKPIStale(ctx, tx, inc)
}

// replaceServices makes the incident's services exactly these, in order.
func (s *Store) replaceServices(ctx context.Context, tx *sql.Tx, id arqir.IncidentID, services []string) error {
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM incident_services WHERE incident_id = ?`), id); err != nil {
		return fmt.Errorf("replace services: %w", err)
	}
	if len(services) == 0 {
		return nil
	}
	query := "INSERT INTO incident_services (incident_id, service, position) VALUES "
	args := make([]any, 0, 3*len(services))
	for i, svc := range services {
		if i > 0 {
			query += ", "
		}
		query += "(?, ?, ?)"
		args = append(args, id, svc, i)
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(query), args...); err != nil {
		return fmt.Errorf("insert services: %w", err)
	}
	return nil
}

// upsertDeadlines writes the deadlines at the given positions of the
// incident's list, in one statement per power-of-two run of rows; the
// position (seq) identifies a deadline, since an incident can have several
// of a kind (one per reopening, one per paging step).
func (s *Store) upsertDeadlines(ctx context.Context, tx *sql.Tx, id arqir.IncidentID, all []arqir.Deadline, seqs []int) error {
	const cols = 8
	return chunks(len(seqs), func(off, n int) error {
		args := make([]any, 0, n*cols)
		for _, seq := range seqs[off : off+n] {
			d := all[seq]
			args = append(args, id, seq, d.Kind, micros(d.DueAt), nullMicros(d.MetAt), nullMicros(d.BreachedAt), nullMicros(d.CancelledAt), d.Step)
		}
		st, err := s.stmt(ctx, tx, upsertDeadlinesHead+valuesList(n, cols)+upsertDeadlinesTail)
		if err == nil {
			_, err = st.exec(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("write the deadlines of %s: %w", id, err)
		}
		return nil
	})
}

const (
	upsertDeadlinesHead = "INSERT INTO deadlines (incident_id, seq, kind, due_at, met_at, breached_at, cancelled_at, step) VALUES "
	upsertDeadlinesTail = ` ON CONFLICT (incident_id, seq) DO UPDATE
		SET due_at = excluded.due_at, met_at = excluded.met_at, breached_at = excluded.breached_at,
		cancelled_at = excluded.cancelled_at, step = excluded.step`
)

// changedDeadlines returns the positions of the deadlines of after that are
// new or differ from before. The life cycle only appends deadlines.
func changedDeadlines(before, after []arqir.Deadline) []int {
	var out []int
	for i, a := range after {
		if i >= len(before) || !sameDeadline(before[i], a) {
			out = append(out, i)
		}
	}
	return out
}

func allIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func sameDeadline(a, b arqir.Deadline) bool {
	return a.Kind == b.Kind && a.Step == b.Step && a.DueAt.Equal(b.DueAt) && sameTime(a.MetAt, b.MetAt) &&
		sameTime(a.BreachedAt, b.BreachedAt) && sameTime(a.CancelledAt, b.CancelledAt)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// insertEvents appends events to the incident's timeline, in order. With
// the batch's writeEvents it is the only code that writes timeline_events:
// the timeline is append-only.
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, id arqir.IncidentID, events []arqir.TimelineEvent) error {
	list := make([]incidentEvent, len(events))
	for i, e := range events {
		list[i] = incidentEvent{id, e}
	}
	return s.insertIncidentEvents(ctx, tx, list)
}

// incidentEvent is a timeline event of an incident.
type incidentEvent struct {
	id arqir.IncidentID
	ev arqir.TimelineEvent
}

// insertIncidentEvents appends events, of any incidents, in order, in one
// prepared statement per power-of-two chunk (ingest_stmt.go).
func (s *Store) insertIncidentEvents(ctx context.Context, tx *sql.Tx, events []incidentEvent) error {
	const cols = 7
	args := make([]any, 0, cols*min(len(events), maxChunk))
	return chunks(len(events), func(off, n int) error {
		args = args[:0]
		for _, x := range events[off : off+n] {
			e := x.ev
			data, err := encodeData(e.Data)
			if err != nil {
				return err
			}
			args = append(args, x.id, micros(storable(e.At)), e.Kind, e.Actor, string(e.Source), e.Message, data)
		}
		st, err := s.stmt(ctx, tx, insertEventsHead+valuesList(n, cols))
		if err == nil {
			_, err = st.exec(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("append timeline events: %w", err)
		}
		return nil
	})
}

const insertEventsHead = "INSERT INTO timeline_events (incident_id, at, kind, actor, source, message, data) VALUES "
