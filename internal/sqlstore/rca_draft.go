package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// The RCA hook of the resolve path. Every change that resolves an incident
// — Resolve, and ingest resolving it when its alerts all resolved — calls
// openRCA in its own transaction, with the incident row locked, before the
// planner is asked: the RCA, its P1 deadline and the timeline event that
// announces it commit with the resolution, and the planner sees the
// deadline it may remind of.

// defaultRCAWithin is the P1 deadline when the rules name none: the
// procedures' 24 hours.
const defaultRCAWithin = 24 * time.Hour

// SetRCADrafter installs what pre-fills the sections of an RCA when its
// incident resolves; nil leaves each of the policy's sections empty for
// people to write. Safe for concurrent use.
func (s *Store) SetRCADrafter(d arqir.RCADrafter) {
	if d == nil {
		s.drafter.Store(nil)
		return
	}
	s.drafter.Store(&d)
}

func (s *Store) currentDrafter() arqir.RCADrafter {
	if p := s.drafter.Load(); p != nil {
		return *p
	}
	return nil
}

// postIncidentRules returns the post-incident part of the installed rules,
// or zero rules (24 h, no sections, no categories) before any are.
func (s *Store) postIncidentRules() arqir.PostIncidentRules {
	if r := s.rules.Load(); r != nil {
		return r.PostIncident
	}
	return arqir.PostIncidentRules{}
}

// resolvedBy reports whether a change's events resolve the incident.
func resolvedBy(events []arqir.TimelineEvent) bool {
	for _, e := range events {
		if e.Kind == arqir.EventResolved {
			return true
		}
	}
	return false
}

// rcaSources reads, only when a drafter is installed, what it needs
// besides the incident: the timeline with the change's own events, and the
// incident's alerts, both as the resolving transaction sees them.
type rcaSources struct {
	timeline func() ([]arqir.TimelineEvent, error)
	alerts   func() ([]*arqir.Alert, error)
}

// storedSources reads the timeline and alerts from tx, the change's
// pending events appended to the timeline.
func (s *Store) storedSources(ctx context.Context, tx *sql.Tx, id arqir.IncidentID, pending []arqir.TimelineEvent) rcaSources {
	return rcaSources{
		timeline: func() ([]arqir.TimelineEvent, error) {
			stored, err := s.timelineOf(ctx, tx, id)
			return append(stored, pending...), err
		},
		alerts: func() ([]*arqir.Alert, error) { return s.alertsOf(ctx, tx, id) },
	}
}

// openRCA gives an incident that this change resolved its RCA: the first
// resolution creates it, drafted; a later one (after a reopening) keeps it,
// redrafts only the sections nobody edited, moves its due time and wants
// the meeting held again. Either way the incident gets a pending rca
// deadline, and the returned event says when the meeting is due.
func (s *Store) openRCA(ctx context.Context, tx *sql.Tx, inc *arqir.Incident, src rcaSources, now time.Time) ([]arqir.TimelineEvent, error) {
	if inc.ResolvedAt == nil {
		return nil, nil
	}
	rules := s.postIncidentRules()
	within := rules.RCAWithin
	if within <= 0 {
		within = defaultRCAWithin
	}
	due := storable(inc.ResolvedAt.Add(within))
	r, err := s.loadRCA(ctx, tx, inc.ID)
	if err != nil {
		return nil, err
	}
	drafted, err := s.draftSections(inc, src, rules)
	if err != nil {
		return nil, fmt.Errorf("draft the RCA of %s: %w", inc.ID, err)
	}
	again := r != nil
	if !again {
		r = &arqir.RCA{IncidentID: inc.ID, State: arqir.RCADraft, Attendees: []string{}, Feedback: []arqir.RCAFeedback{}, CreatedAt: now}
		r.Sections = drafted
	} else {
		r.Sections = mergeSections(r.Sections, drafted)
		r.HeldAt = nil // the fix that was reviewed did not hold: review the new one
		// A published RCA described a fix that did not hold: it goes back
		// to review, so the new meeting can be recorded and the record
		// is not changed behind its readers' backs.
		if r.State == arqir.RCAPublished {
			r.State, r.PublishedAt = arqir.RCAInReview, nil
		}
	}
	r.DueAt, r.UpdatedAt = due, now
	r.Version++
	if err := s.writeRCA(ctx, tx, r, !again); err != nil {
		return nil, err
	}
	inc.Deadlines = append(inc.Deadlines, arqir.Deadline{Kind: arqir.DeadlineRCA, DueAt: due})
	msg := fmt.Sprintf("RCA draft created; meeting due by %s", due.Format(time.RFC3339))
	if again {
		msg = fmt.Sprintf("RCA kept from the earlier resolution, sections people edited unchanged; meeting due again by %s", due.Format(time.RFC3339))
	}
	return []arqir.TimelineEvent{{At: now, Kind: arqir.EventRCACreated, Actor: arqir.SystemActor.Name, Source: arqir.SystemActor.Source,
		Message: msg, Data: map[string]string{"due_at": due.Format(time.RFC3339Nano), "again": fmt.Sprint(again)}}}, nil
}

// draftSections asks the installed drafter for the sections, or lists the
// policy's sections with empty bodies when none is installed.
func (s *Store) draftSections(inc *arqir.Incident, src rcaSources, rules arqir.PostIncidentRules) ([]arqir.RCASection, error) {
	d := s.currentDrafter()
	if d == nil {
		out := make([]arqir.RCASection, len(rules.RCASections))
		for i, sec := range rules.RCASections {
			out[i] = arqir.RCASection{ID: sec.ID, Title: sec.Title}
		}
		return out, nil
	}
	timeline, err := src.timeline()
	if err != nil {
		return nil, err
	}
	alerts, err := src.alerts()
	if err != nil {
		return nil, err
	}
	// A copy: the incident is about to be written, whatever the drafter does.
	out := d(cloneIncident(inc), timeline, alerts, rules)
	for i := range out {
		out[i].EditedBy, out[i].EditedAt = "", nil // a draft is arqir's until someone edits it
	}
	return nonNil(out), nil
}

// mergeSections is the template's sections freshly drafted, except those
// people edited, which stay as they wrote them; an edited section the
// template no longer has is kept at the end rather than lost.
func mergeSections(old, drafted []arqir.RCASection) []arqir.RCASection {
	kept := map[string]arqir.RCASection{}
	for _, sec := range old {
		if sec.EditedBy != "" {
			kept[sec.ID] = sec
		}
	}
	out := make([]arqir.RCASection, 0, len(drafted)+len(kept))
	for _, d := range drafted {
		if sec, ok := kept[d.ID]; ok {
			out = append(out, sec)
			delete(kept, d.ID)
		} else {
			out = append(out, d)
		}
	}
	for _, sec := range old {
		if _, ok := kept[sec.ID]; ok {
			out = append(out, sec)
		}
	}
	return out
}

// timelineOf reads an incident's stored events, oldest first, in q.
func (s *Store) timelineOf(ctx context.Context, q querier, id arqir.IncidentID) ([]arqir.TimelineEvent, error) {
	events, err := queryAll(ctx, q, s.q(`SELECT id, incident_id, at, kind, actor, source, message, data
		FROM timeline_events WHERE incident_id = ? ORDER BY id`), scanEvent, id)
	if err != nil {
		return nil, fmt.Errorf("read the timeline of %s: %w", id, err)
	}
	return events, nil
}

// scanEvent reads one timeline event row.
func scanEvent(sc scanner) (arqir.TimelineEvent, error) {
	var (
		e    arqir.TimelineEvent
		at   int64
		data sql.NullString
	)
	if err := sc.Scan(&e.ID, &e.IncidentID, &at, &e.Kind, &e.Actor, &e.Source, &e.Message, &data); err != nil {
		return e, err
	}
	e.At = fromMicros(at)
	if data.Valid {
		if err := jsonUnmarshal(data.String, &e.Data); err != nil {
			return e, fmt.Errorf("decode data of event %d: %w", e.ID, err)
		}
	}
	return e, nil
}

// alertsOf reads the alerts of an incident, oldest first, in q.
func (s *Store) alertsOf(ctx context.Context, q querier, id arqir.IncidentID) ([]*arqir.Alert, error) {
	alerts, err := queryAll(ctx, q, s.q(`SELECT `+alertColumns+` FROM alerts WHERE incident_id = ? ORDER BY id`), scanAlert, id)
	if err != nil {
		return nil, fmt.Errorf("read the alerts of %s: %w", id, err)
	}
	return alerts, nil
}
