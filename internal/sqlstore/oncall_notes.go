package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// AddHandoffNote records a note for the schedule's next handoff report.
// Only the engineer on call now writes them (or an admin for them): the
// notes are the outgoing engineer's context for the next one.
func (s *Store) AddHandoffNote(ctx context.Context, schedule, text string, author arqir.Actor, admin bool) (*arqir.HandoffNote, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(schedule))
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "text", "the note is empty: write what the next engineer needs to know (ongoing issues, what you tried, what to watch)")
	case len(text) > arqir.MaxTextLen:
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "text", "the note is over %d bytes: keep it to what the next engineer needs, and link to the rest", arqir.MaxTextLen)
	}
	now := s.clock()
	n := &arqir.HandoffNote{Schedule: rule.ID, Author: author.Name, Text: text, At: now}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		users, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		st, err := s.loadSchedule(ctx, tx, rule, users, now, now)
		if err != nil {
			return err
		}
		a := st.answer(now)
		if !admin && (!a.OnCall() || a.Shift.User != author.Name) {
			who := "nobody"
			if a.OnCall() {
				who = a.Shift.User
			}
			return arqir.Errorf(arqir.EFORBIDDEN, "handoff notes for %s are written by the engineer on call now (%s) or by an admin; your token is %q: ask them, or an admin, to write it", rule.ID, who, author.Name)
		}
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO handoff_notes (schedule, author, text, at) VALUES (?, ?, ?, ?) RETURNING id`),
			n.Schedule, n.Author, n.Text, micros(n.At)).Scan(&n.ID)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// HandoffNotes lists the notes written during the current shift (the
// notes the next report will carry); in a gap, those of the last week.
func (s *Store) HandoffNotes(ctx context.Context, schedule string) ([]arqir.HandoffNote, error) {
	rule, err := s.scheduleRule(strings.TrimSpace(schedule))
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var out []arqir.HandoffNote
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		users, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		st, err := s.loadSchedule(ctx, tx, rule, users, now, now)
		if err != nil {
			return err
		}
		since := now.Add(-7 * 24 * time.Hour)
		if sched, err := st.build(); err == nil {
			if sh, on := rotation.OnCall(sched, now); on {
				since = sh.Start
			}
		}
		out, err = s.notesBetween(ctx, tx, rule.ID, since, now)
		return err
	})
	return out, err
}

// notesBetween reads a schedule's notes written in [from, to], oldest first.
func (s *Store) notesBetween(ctx context.Context, q querier, schedule string, from, to time.Time) ([]arqir.HandoffNote, error) {
	out, err := queryAll(ctx, q, s.q(`SELECT id, schedule, author, text, at FROM handoff_notes
		WHERE schedule = ? AND at >= ? AND at <= ? ORDER BY at, id`),
		func(sc scanner) (arqir.HandoffNote, error) {
			var (
				n  arqir.HandoffNote
				at int64
			)
			if err := sc.Scan(&n.ID, &n.Schedule, &n.Author, &n.Text, &at); err != nil {
				return n, err
			}
			n.At = fromMicros(at)
			return n, nil
		}, schedule, micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("read handoff notes of %s: %w", schedule, err)
	}
	return out, nil
}
