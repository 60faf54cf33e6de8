// Package apitest provides an in-memory arqir.Store, a fake
// api.PolicyManager and a running API server for the tests of the api,
// client and cli packages (the way net/http/httptest serves net/http).
//
// The store applies the real life-cycle transitions of the root package
// (arqir.NewIncident, Incident.Acknowledge, …), so the rules the tests see
// are the real ones; only persistence is faked. Real databases are tested by
// the storage conformance suite, not here.
package apitest

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// Epoch is where the store's clock starts: a fixed time keeps printed output
// and deadlines the same on every run.
var Epoch = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// Store is an in-memory arqir.Store. Every change runs on a copy of the
// incident and is kept only if it succeeds, like a transaction, so a
// refused request leaves no trace.
type Store struct {
	mu        sync.Mutex
	now       time.Time
	rules     arqir.Rules
	nextID    arqir.IncidentID
	incidents map[arqir.IncidentID]*arqir.Incident
	events    []arqir.TimelineEvent
	tokens    []*storedToken
	policies  []*arqir.PolicyRecord

	// Fail, when set, makes every call fail with it, to test how internal
	// errors are answered and logged.
	Fail error
}

type storedToken struct {
	token  arqir.Token
	secret string
}

var _ arqir.Store = (*Store)(nil)

// NewStore returns an empty store holding incidents to the given rules.
func NewStore(rules arqir.Rules) *Store {
	return &Store{now: Epoch, rules: rules, incidents: map[arqir.IncidentID]*arqir.Incident{}}
}

// Now is the store's clock.
func (s *Store) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// Advance moves the store's clock forward.
func (s *Store) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

// Dump is the whole state as JSON, for tests that check a refused request
// changed nothing. It leaves out when tokens were last used, which every
// authenticated request, refused or not, updates.
func (s *Store) Dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]arqir.IncidentID, 0, len(s.incidents))
	for id := range s.incidents {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	incs := make([]*arqir.Incident, len(ids))
	for i, id := range ids {
		incs[i] = s.incidents[id]
	}
	toks := make([]arqir.Token, len(s.tokens))
	for i, t := range s.tokens {
		toks[i] = t.token
		toks[i].LastUsedAt = nil
	}
	b, err := json.Marshal(map[string]any{"incidents": incs, "events": s.events, "tokens": toks, "policies": s.policies})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// SetRules implements arqir.Store.
func (s *Store) SetRules(r arqir.Rules) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = r
}

// Ping implements arqir.Store.
func (s *Store) Ping(context.Context) error { return s.Fail }

// Close implements arqir.Store.
func (s *Store) Close() error { return nil }

// Declare implements arqir.IncidentService with arqir.NewIncident.
func (s *Store) Declare(_ context.Context, d arqir.Declaration, a arqir.Actor) (*arqir.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	inc, events, err := arqir.NewIncident(d, s.rules, a, s.now)
	if err != nil {
		return nil, err
	}
	s.nextID++
	inc.ID = s.nextID
	s.incidents[inc.ID] = inc
	s.append(inc.ID, events)
	return clone(inc), nil
}

// Incident implements arqir.IncidentService.
func (s *Store) Incident(_ context.Context, id arqir.IncidentID) (*arqir.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	inc, ok := s.incidents[id]
	if !ok {
		return nil, notFound(id)
	}
	return clone(inc), nil
}

// Incidents implements arqir.IncidentService: newest first; the cursor is
// the ID of the last incident of the previous page.
func (s *Store) Incidents(_ context.Context, f arqir.IncidentFilter) (*arqir.IncidentPage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	if f.Limit == 0 {
		f.Limit = 50
	} else if f.Limit < 1 || f.Limit > 500 {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit %d: use 1 to 500", f.Limit)
	}
	before := s.nextID + 1
	if f.Cursor != "" {
		n, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil {
			return nil, arqir.FieldErrorf(arqir.EINVALID, "cursor", "cursor %q is not one this server gave", f.Cursor)
		}
		before = arqir.IncidentID(n)
	}
	page := &arqir.IncidentPage{Incidents: []*arqir.Incident{}}
	for id := before - 1; id > 0; id-- {
		inc, ok := s.incidents[id]
		if !ok || !matches(inc, f) {
			continue
		}
		if len(page.Incidents) == f.Limit {
			page.Next = strconv.FormatInt(int64(page.Incidents[len(page.Incidents)-1].ID), 10)
			break
		}
		page.Incidents = append(page.Incidents, clone(inc))
	}
	return page, nil
}

func matches(inc *arqir.Incident, f arqir.IncidentFilter) bool {
	switch {
	case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, inc.Status),
		len(f.Severities) > 0 && !slices.Contains(f.Severities, inc.Severity),
		f.Service != "" && !slices.Contains(inc.Services, f.Service),
		f.Open != nil && *f.Open != inc.Status.Open(),
		f.From != nil && inc.DeclaredAt.Before(*f.From),
		f.To != nil && !inc.DeclaredAt.Before(*f.To),
		f.Query != "" && !strings.Contains(strings.ToLower(inc.Title), strings.ToLower(f.Query)):
		return false
	}
	return true
}

// Acknowledge implements arqir.IncidentService.
func (s *Store) Acknowledge(_ context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
	return s.change(id, c, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.Acknowledge(c.Actor, now)
	})
}

// ChangeSeverity implements arqir.IncidentService.
func (s *Store) ChangeSeverity(_ context.Context, id arqir.IncidentID, severity, reason string, c arqir.Change) (*arqir.Incident, error) {
	return s.change(id, c, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.ChangeSeverity(s.rules, severity, reason, c.Actor, now)
	})
}

// ChangeStatus implements arqir.IncidentService.
func (s *Store) ChangeStatus(_ context.Context, id arqir.IncidentID, status arqir.Status, note string, c arqir.Change) (*arqir.Incident, error) {
	return s.change(id, c, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.ChangeStatus(status, note, c.Actor, now)
	})
}

// AssignRoles implements arqir.IncidentService.
func (s *Store) AssignRoles(_ context.Context, id arqir.IncidentID, r arqir.RoleChange, c arqir.Change) (*arqir.Incident, error) {
	return s.change(id, c, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.AssignRoles(r, c.Actor, now)
	})
}

// AddNote implements arqir.IncidentService.
func (s *Store) AddNote(_ context.Context, id arqir.IncidentID, text string, c arqir.Change) (*arqir.Incident, error) {
	return s.change(id, c, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.AddNote(text, c.Actor, now)
	})
}

// TickChecklist implements arqir.IncidentService.
func (s *Store) TickChecklist(_ context.Context, id arqir.IncidentID, item string, c arqir.Change) (*arqir.Incident, error) {
	return s.change(id, c, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.TickChecklist(item, c.Actor, now)
	})
}

// Resolve implements arqir.IncidentService.
func (s *Store) Resolve(_ context.Context, id arqir.IncidentID, r arqir.Resolution, c arqir.Change) (*arqir.Incident, error) {
	return s.change(id, c, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.Resolve(r, c.Actor, now)
	})
}

// Reopen implements arqir.IncidentService.
func (s *Store) Reopen(_ context.Context, id arqir.IncidentID, reason string, c arqir.Change) (*arqir.Incident, error) {
	return s.change(id, c, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
		return inc.Reopen(s.rules, reason, c.Actor, now)
	})
}

// change applies one transition to a copy of the incident and keeps it only
// if the transition succeeds, bumping the version.
func (s *Store) change(id arqir.IncidentID, c arqir.Change, apply func(*arqir.Incident, time.Time) ([]arqir.TimelineEvent, error)) (*arqir.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	cur, ok := s.incidents[id]
	if !ok {
		return nil, notFound(id)
	}
	if c.ExpectedVersion != 0 && c.ExpectedVersion != cur.Version {
		return nil, arqir.Errorf(arqir.ECONFLICT, "%s changed since version %d (it is at version %d): reload it and retry", id, c.ExpectedVersion, cur.Version)
	}
	next := clone(cur)
	events, err := apply(next, s.now)
	if err != nil {
		return nil, err
	}
	next.Version++
	next.UpdatedAt = s.now
	s.incidents[id] = next
	s.append(id, events)
	return clone(next), nil
}

// Timeline implements arqir.IncidentService.
func (s *Store) Timeline(_ context.Context, id arqir.IncidentID) ([]arqir.TimelineEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	if _, ok := s.incidents[id]; !ok {
		return nil, notFound(id)
	}
	out := []arqir.TimelineEvent{}
	for _, e := range s.events {
		if e.IncidentID == id {
			out = append(out, e)
		}
	}
	return out, nil
}

// SweepDeadlines implements arqir.IncidentService.
func (s *Store) SweepDeadlines(_ context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, inc := range s.incidents {
		if events := inc.BreachDue(now); len(events) > 0 {
			inc.Version++
			s.append(id, events)
			n += len(events)
		}
	}
	return n, nil
}

// Stats implements arqir.IncidentService.
func (s *Store) Stats(context.Context) (*arqir.IncidentStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return nil, s.Fail
	}
	st := &arqir.IncidentStats{OpenBySeverity: map[string]int{}}
	for _, inc := range s.incidents {
		if inc.Status.Open() {
			st.OpenBySeverity[inc.Severity]++
		}
	}
	for _, e := range s.events {
		if e.Kind == arqir.EventDeadlineBreached {
			st.BreachesTotal++
		}
	}
	return st, nil
}

func (s *Store) append(id arqir.IncidentID, events []arqir.TimelineEvent) {
	for _, e := range events {
		e.ID = int64(len(s.events) + 1)
		e.IncidentID = id
		s.events = append(s.events, e)
	}
}

func notFound(id arqir.IncidentID) error {
	return arqir.Errorf(arqir.ENOTFOUND, "there is no incident %s: list them with arqir incident list", id)
}

// clone copies an incident deeply enough that the copy's transitions (which
// replace slices' elements and pointers) never touch the original.
func clone(inc *arqir.Incident) *arqir.Incident {
	c := *inc
	c.Services = slices.Clone(inc.Services)
	c.Responders = slices.Clone(inc.Responders)
	c.Checklist = slices.Clone(inc.Checklist)
	c.Deadlines = slices.Clone(inc.Deadlines)
	return &c
}
