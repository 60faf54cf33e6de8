package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// Declare opens an incident under the installed rules; the incident, its
// deadlines and its first timeline events commit together.
func (s *Store) Declare(ctx context.Context, d arqir.Declaration, a arqir.Actor) (*arqir.Incident, error) {
	rules, err := s.currentRules()
	if err != nil {
		return nil, fmt.Errorf("declare: %w", err)
	}
	// The caller's times are stored to the microsecond like the clock's.
	d.DetectedAt, d.ImpactStartedAt = storablePtr(d.DetectedAt), storablePtr(d.ImpactStartedAt)
	now := s.clock()
	inc, events, err := arqir.NewIncident(d, rules, a, now)
	if err != nil {
		return nil, fmt.Errorf("declare: %w", err)
	}
	normalize(inc)
	if err := s.inTx(ctx, nil, func(tx *sql.Tx) error { return s.insertIncident(ctx, tx, inc, events, now) }); err != nil {
		return nil, fmt.Errorf("declare %q: %w", inc.Title, err)
	}
	return inc, nil
}

// Acknowledge records who took the incident and meets its response deadline.
func (s *Store) Acknowledge(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.Acknowledge(c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("acknowledge %s: %w", id, err)
	}
	return inc, nil
}

// ChangeSeverity sets a severity of the installed rules and re-targets an
// unmet response deadline.
func (s *Store) ChangeSeverity(ctx context.Context, id arqir.IncidentID, severity, reason string, c arqir.Change) (*arqir.Incident, error) {
	rules, err := s.currentRules()
	if err != nil {
		return nil, fmt.Errorf("change the severity of %s: %w", id, err)
	}
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.ChangeSeverity(rules, severity, reason, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("change the severity of %s: %w", id, err)
	}
	return inc, nil
}

// ChangeStatus moves an open incident between open statuses.
func (s *Store) ChangeStatus(ctx context.Context, id arqir.IncidentID, status arqir.Status, note string, c arqir.Change) (*arqir.Incident, error) {
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.ChangeStatus(status, note, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("change the status of %s: %w", id, err)
	}
	return inc, nil
}

// AssignRoles sets the commander and responders.
func (s *Store) AssignRoles(ctx context.Context, id arqir.IncidentID, r arqir.RoleChange, c arqir.Change) (*arqir.Incident, error) {
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.AssignRoles(r, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("assign roles on %s: %w", id, err)
	}
	return inc, nil
}

// AddNote appends a note to the timeline.
func (s *Store) AddNote(ctx context.Context, id arqir.IncidentID, text string, c arqir.Change) (*arqir.Incident, error) {
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.AddNote(text, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("add a note to %s: %w", id, err)
	}
	return inc, nil
}

// TickChecklist marks a checklist item done.
func (s *Store) TickChecklist(ctx context.Context, id arqir.IncidentID, item string, c arqir.Change) (*arqir.Incident, error) {
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.TickChecklist(item, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("tick %s on %s: %w", item, id, err)
	}
	return inc, nil
}

// Resolve closes the incident.
func (s *Store) Resolve(ctx context.Context, id arqir.IncidentID, r arqir.Resolution, c arqir.Change) (*arqir.Incident, error) {
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.Resolve(r, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", id, err)
	}
	return inc, nil
}

// Reopen moves a resolved incident back to INVESTIGATING.
func (s *Store) Reopen(ctx context.Context, id arqir.IncidentID, reason string, c arqir.Change) (*arqir.Incident, error) {
	rules, err := s.currentRules()
	if err != nil {
		return nil, err
	}
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.Reopen(rules, reason, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("reopen %s: %w", id, err)
	}
	return inc, nil
}

// PostUpdate records a structured status update (C2): it meets the pending
// update deadlines and arms the next one under the installed rules.
func (s *Store) PostUpdate(ctx context.Context, id arqir.IncidentID, u arqir.StatusUpdate, c arqir.Change) (*arqir.Incident, error) {
	rules, err := s.currentRules()
	if err != nil {
		return nil, fmt.Errorf("post an update to %s: %w", id, err)
	}
	inc, err := s.mutate(ctx, id, c, s.clock(), func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.PostUpdate(rules, u, c.Actor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("post an update to %s: %w", id, err)
	}
	return inc, nil
}
