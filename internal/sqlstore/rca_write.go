package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arqir/arqir"
)

// maxRCABody bounds one section of an RCA: five times a note, enough for
// a long timeline, short enough that one request cannot bloat the page.
const maxRCABody = arqir.MaxTextLen * 5

// rcaChange changes an RCA in memory (reading what it needs in tx) and returns the events of its
// incident's timeline that record it and the notifications it sends. It
// may change the incident too (RecordRCAMeeting meets its deadline).
type rcaChange func(tx *sql.Tx, r *arqir.RCA, inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, []arqir.NotificationIntent, error)

// changeRCA applies a change to an RCA in one transaction: the incident
// row is locked first (every RCA writer, the resolve path included, takes
// that lock, so it serialises them), the RCA's version is checked against
// c.ExpectedVersion, and the events go through the incident's change path,
// so the planner sees them. A refused change rolls back and changes nothing.
func (s *Store) changeRCA(ctx context.Context, id arqir.IncidentID, c arqir.Change, fn rcaChange) (*arqir.RCA, error) {
	var out *arqir.RCA
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		inc, err := s.loadIncident(ctx, tx, id, true)
		if err != nil {
			return err
		}
		r, err := s.mustRCA(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.ExpectedVersion != 0 && c.ExpectedVersion != r.Version {
			return arqir.Errorf(arqir.ECONFLICT, "the RCA of %s changed since version %d (it is now version %d): reload it and apply your change again", id, c.ExpectedVersion, r.Version)
		}
		// The same instant changeLoaded stamps the events with: the RCA and
		// the timeline agree, and neither goes back in time.
		now := s.clock()
		if now.Before(inc.UpdatedAt) {
			now = inc.UpdatedAt
		}
		var intents []arqir.NotificationIntent
		inc, err = s.changeLoaded(ctx, tx, inc, now, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
			events, in, err := fn(tx, r, inc, now)
			intents = in
			return events, err
		})
		if err != nil {
			return err
		}
		r.Version, r.UpdatedAt = r.Version+1, now
		if err := s.writeRCA(ctx, tx, r, false); err != nil {
			return err
		}
		if len(intents) > 0 {
			queued, err := s.applyPlans(ctx, tx, []planned{{inc: inc, plan: arqir.Plan{Notify: intents}, now: now}})
			if err != nil {
				return err
			}
			if err := s.insertEvents(ctx, tx, id, queued[0]); err != nil {
				return err
			}
		}
		r.Overdue = inc.ResolvedAt != nil && r.HeldAt == nil && !r.DueAt.After(now)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// refusePublished refuses to change a published RCA: it is the record
// people read, changed only by reopening it, which the timeline shows.
func refusePublished(r *arqir.RCA) error {
	if r.State == arqir.RCAPublished {
		return arqir.Errorf(arqir.EUNPROCESSABLE, "the RCA of %s is published: reopen it with arqir rca reopen %s --reason \"…\" before changing it", r.IncidentID, r.IncidentID)
	}
	return nil
}

// rcaEvent is a timeline event of an RCA change.
func rcaEvent(a arqir.Actor, now time.Time, kind, msg string, data map[string]string) arqir.TimelineEvent {
	return arqir.TimelineEvent{At: now, Kind: kind, Actor: a.Name, Source: a.Source, Message: msg, Data: data}
}

// EditRCASection replaces the body of one section and records who wrote it.
func (s *Store) EditRCASection(ctx context.Context, id arqir.IncidentID, section, body string, c arqir.Change) (*arqir.RCA, error) {
	r, err := s.changeRCA(ctx, id, c, func(_ *sql.Tx, r *arqir.RCA, _ *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, []arqir.NotificationIntent, error) {
		if err := refusePublished(r); err != nil {
			return nil, nil, err
		}
		name := strings.TrimSpace(section)
		i := slices.IndexFunc(r.Sections, func(sec arqir.RCASection) bool { return strings.EqualFold(sec.ID, name) })
		if i < 0 {
			ids := make([]string, len(r.Sections))
			for j, sec := range r.Sections {
				ids[j] = sec.ID
			}
			return nil, nil, arqir.FieldErrorf(arqir.ENOTFOUND, "section", "the RCA of %s has no section %q: use one of %s", id, name, strings.Join(ids, ", "))
		}
		body = strings.TrimSpace(body)
		if len(body) > maxRCABody {
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "body", "the %s section is %d bytes; keep it under %d bytes and link longer material", r.Sections[i].ID, len(body), maxRCABody)
		} else if !utf8.ValidString(body) {
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "body", "the %s section is not valid UTF-8 text", r.Sections[i].ID)
		}
		sec := &r.Sections[i]
		sec.Body, sec.EditedBy, sec.EditedAt = body, c.Actor.Name, &now
		return []arqir.TimelineEvent{rcaEvent(c.Actor, now, arqir.EventRCAChanged, fmt.Sprintf("RCA section %q edited", sec.Title),
			map[string]string{"section": sec.ID})}, nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("edit the RCA of %s: %w", id, err)
	}
	return r, nil
}

// rcaMoves are the state moves an RCA allows (arqir.RCAService).
var rcaMoves = map[arqir.RCAState][]arqir.RCAState{
	arqir.RCADraft:     {arqir.RCAInReview},
	arqir.RCAInReview:  {arqir.RCAPublished, arqir.RCADraft},
	arqir.RCAPublished: {arqir.RCAInReview},
}

// SetRCAState moves an RCA along draft → in_review → published, back from
// review to draft, or reopens a published one for review with a reason.
func (s *Store) SetRCAState(ctx context.Context, id arqir.IncidentID, to arqir.RCAState, reason string, c arqir.Change) (*arqir.RCA, error) {
	r, err := s.changeRCA(ctx, id, c, func(_ *sql.Tx, r *arqir.RCA, _ *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, []arqir.NotificationIntent, error) {
		from, why := r.State, strings.TrimSpace(reason)
		switch {
		case rcaMoves[to] == nil:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "state", "unknown RCA state %q: use draft, in_review or published", to)
		case to == from:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "state", "the RCA of %s is already %s", id, to)
		case !slices.Contains(rcaMoves[from], to):
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "state", "the RCA of %s is %s and cannot move to %s: an RCA goes draft → in_review → published (in review it can go back to draft; published, it is reopened to in_review)", id, from, to)
		case from == arqir.RCAPublished && why == "":
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "reason", "say why the published RCA of %s is reopened", id)
		case len(why) > arqir.MaxTextLen:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "reason", "reason is over %d bytes", arqir.MaxTextLen)
		}
		r.State = to
		switch {
		case to == arqir.RCAPublished:
			r.PublishedAt = &now
		case from == arqir.RCAPublished:
			r.PublishedAt = nil
		}
		msg := fmt.Sprintf("RCA %s → %s", from, to)
		if why != "" {
			msg += ": " + why
		}
		return []arqir.TimelineEvent{rcaEvent(c.Actor, now, arqir.EventRCAChanged, msg, map[string]string{"from": string(from), "to": string(to)})}, nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("move the RCA of %s to %s: %w", id, to, err)
	}
	return r, nil
}

// AddRCAFeedback records a participant's view of the response (I4); a
// second from the same author replaces the first.
func (s *Store) AddRCAFeedback(ctx context.Context, id arqir.IncidentID, f arqir.RCAFeedback, c arqir.Change) (*arqir.RCA, error) {
	r, err := s.changeRCA(ctx, id, c, func(_ *sql.Tx, r *arqir.RCA, _ *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, []arqir.NotificationIntent, error) {
		if err := refusePublished(r); err != nil {
			return nil, nil, err
		}
		f.Author, f.WentWell, f.ToImprove = strings.TrimSpace(f.Author), strings.TrimSpace(f.WentWell), strings.TrimSpace(f.ToImprove)
		if f.Author == "" {
			f.Author = c.Actor.Name
		}
		switch {
		case f.Author == "" || len(f.Author) > arqir.MaxNameLen:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "author", "name the participant giving the feedback, in at most %d bytes", arqir.MaxNameLen)
		case f.Rating < 1 || f.Rating > 5:
			return nil, nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "rating", "rating %d is out of range: rate the response from 1 (poor) to 5 (excellent)", f.Rating)
		case len(f.WentWell) > arqir.MaxTextLen || len(f.ToImprove) > arqir.MaxTextLen:
			return nil, nil, arqir.Errorf(arqir.EUNPROCESSABLE, "went_well and to_improve must each be under %d bytes", arqir.MaxTextLen)
		}
		f.At = now
		verb := "given"
		if i := slices.IndexFunc(r.Feedback, func(x arqir.RCAFeedback) bool { return x.Author == f.Author }); i >= 0 {
			r.Feedback[i], verb = f, "replaced"
		} else {
			r.Feedback = append(r.Feedback, f)
		}
		return []arqir.TimelineEvent{rcaEvent(c.Actor, now, arqir.EventRCAChanged, fmt.Sprintf("RCA feedback from %s %s: %d/5", f.Author, verb, f.Rating),
			map[string]string{"feedback": f.Author, "rating": fmt.Sprint(f.Rating)})}, nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("add feedback to the RCA of %s: %w", id, err)
	}
	return r, nil
}
