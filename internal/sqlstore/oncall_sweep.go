package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// SweepOnCall makes the handoff reports (O5) of every handoff since the
// last sweep and prompts the engineers about to hand off for notes. It is
// driven by the scheduler's clock, never by a request. One schedule that
// fails does not stop the others; it is retried at the next tick.
func (s *Store) SweepOnCall(ctx context.Context, now time.Time) (arqir.OnCallSweep, error) {
	now = storable(now)
	rules := s.onCallRules()
	var res arqir.OnCallSweep
	if len(rules.Schedules) == 0 {
		return res, nil
	}
	users, err := s.userIndex(ctx, s.db)
	if err != nil {
		return res, fmt.Errorf("sweep on-call: %w", err)
	}
	var errs []error
	for _, rule := range rules.Schedules {
		if rule.Check() != nil {
			continue // the schedule's answers say why it cannot be evaluated
		}
		r, p, err := s.sweepSchedule(ctx, rules, rule, users, now)
		res.Reports += r
		res.Prompts += p
		if err != nil {
			if ctx.Err() != nil {
				return res, fmt.Errorf("sweep on-call: %w", ctx.Err())
			}
			errs = append(errs, fmt.Errorf("schedule %s: %w", rule.ID, err))
		}
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("sweep on-call: %w", errors.Join(errs...))
	}
	return res, nil
}

// sweepSchedule handles one schedule: handoffs in (swept_through, now],
// then prompts for handoffs in [now, now+prompt).
func (s *Store) sweepSchedule(ctx context.Context, rules arqir.OnCallRules, rule arqir.ScheduleRule, users people, now time.Time) (reports, prompts int, err error) {
	lead := rules.Prompt()
	var st *scheduleState
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		st, err = s.loadSchedule(ctx, tx, rule, users, now.Add(-rotation.MaxRange), now.Add(lead))
		return err
	})
	if err != nil || !st.exists {
		return 0, 0, err
	}
	sched, err := st.build()
	if err != nil {
		return 0, 0, err
	}
	if now.After(st.sweptThrough) {
		handoffs, err := dueHandoffs(sched, st.sweptThrough, now)
		if err != nil {
			return 0, 0, err
		}
		for _, h := range handoffs {
			created, err := s.recordHandoff(ctx, rules, st, sched, h)
			if err != nil {
				return reports, 0, fmt.Errorf("handoff at %s: %w", stampUTC(h.At), err)
			}
			if created {
				reports++
			}
		}
		err = s.inTx(ctx, nil, func(tx *sql.Tx) error { return s.sweptThrough(ctx, tx, rule.ID, now) })
		if err != nil {
			return reports, 0, err
		}
	}
	upcoming, err := rotation.Handoffs(sched, now, now.Add(lead))
	if err != nil {
		return reports, 0, err
	}
	for _, h := range upcoming {
		if h.Outgoing.User == "" {
			continue
		}
		created, err := s.promptForNotes(ctx, st, h)
		if err != nil {
			return reports, prompts, err
		}
		if created {
			prompts++
		}
	}
	return reports, prompts, nil
}

// dueHandoffs returns the handoffs of sched in (from, now]. A replica that
// was down for over a year reports the last year only.
func dueHandoffs(sched rotation.Schedule, from, now time.Time) ([]rotation.Handoff, error) {
	if !now.After(from) {
		return nil, nil
	}
	if now.Sub(from) >= rotation.MaxRange {
		from = now.Add(-rotation.MaxRange + 2*time.Microsecond)
	}
	return rotation.Handoffs(sched, from.Add(time.Microsecond), now.Add(time.Microsecond))
}

// sweptThrough records that the handoffs up to now are reported.
// Monotonic: a replica with an older now never moves it back.
func (s *Store) sweptThrough(ctx context.Context, tx *sql.Tx, schedule string, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE schedules SET swept_through = ? WHERE name = ? AND swept_through < ?`), micros(now), schedule, micros(now))
	if err != nil {
		return fmt.Errorf("record the sweep of %s: %w", schedule, err)
	}
	return nil
}

// recordHandoff stores the report of one handoff and delivers it to both
// engineers, in one transaction.
func (s *Store) recordHandoff(ctx context.Context, rules arqir.OnCallRules, st *scheduleState, sched rotation.Schedule, h rotation.Handoff) (bool, error) {
	report, err := s.buildReport(ctx, s.db, rules, st, sched, h)
	if err != nil {
		return false, err
	}
	created := false
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		created, err = s.storeHandoff(ctx, tx, report)
		return err
	})
	return created, err
}

// storeHandoff stores a report and delivers it to both engineers within
// tx. The report's unique (schedule, instant) makes a second sweep, a
// replica or a change recording the same handoff store nothing and
// deliver nothing; it reports whether this call stored it.
func (s *Store) storeHandoff(ctx context.Context, tx *sql.Tx, report *arqir.HandoffReport) (bool, error) {
	body, err := json.Marshal(report)
	if err != nil {
		return false, fmt.Errorf("encode the report: %w", err)
	}
	err = tx.QueryRowContext(ctx, s.q(`INSERT INTO handoff_reports (schedule, handoff_at, outgoing, incoming, report, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (schedule, handoff_at) DO NOTHING RETURNING id`),
		report.Schedule, micros(report.At), report.Outgoing, report.Incoming, string(body), micros(report.CreatedAt)).Scan(&report.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // made already, by an earlier sweep, a change or another replica
	} else if err != nil {
		return false, fmt.Errorf("store the report: %w", err)
	}
	text := report.Text()
	subject := report.Subject()
	for i, to := range []string{report.Outgoing, report.Incoming} {
		if to == "" || (i == 1 && to == report.Outgoing) {
			continue
		}
		m := &arqir.InAppMessage{Recipient: to, Kind: arqir.MessageHandoffReport, Subject: subject, Body: text,
			Schedule: report.Schedule, HandoffID: report.ID, CreatedAt: report.CreatedAt}
		if _, err := s.insertMessage(ctx, tx, m, fmt.Sprintf("handoff:%d:%s", report.ID, to)); err != nil {
			return false, err
		}
	}
	return true, nil
}

// promptForNotes asks the engineer handing off at h for notes, once.
func (s *Store) promptForNotes(ctx context.Context, st *scheduleState, h rotation.Handoff) (bool, error) {
	rule := st.rule
	incoming := h.Incoming.User
	if u, ok := st.users[incoming]; ok {
		incoming = u.DisplayName() + " (" + u.Handle + ")"
	}
	at := h.At.In(rule.Zone()).Format(arqir.ReportTimeLayout)
	m := &arqir.InAppMessage{
		Recipient: h.Outgoing.User,
		Kind:      arqir.MessageHandoffPrompt,
		Subject:   fmt.Sprintf("Handoff notes for %s due by %s", rule.Title, at),
		Body: fmt.Sprintf("You hand %s over to %s at %s. Write your handoff notes before then — ongoing issues, what you tried, what to watch:\n\n"+
			"    arqir oncall handoff --schedule %s --notes \"…\"\n\nThey go into the handoff report both of you receive.", rule.Title, incoming, at, rule.ID),
		Schedule:  rule.ID,
		CreatedAt: s.clock(),
	}
	created := false
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		var err error
		created, err = s.insertMessage(ctx, tx, m, fmt.Sprintf("prompt:%s:%d:%s", rule.ID, micros(h.At), h.Outgoing.User))
		return err
	})
	return created, err
}
