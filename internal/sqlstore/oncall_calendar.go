package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// calendarPrefix marks a calendar feed token, so people and secret
// scanners can tell it from an API token.
const calendarPrefix = "cal_"

const feedColumns = "id, schedule, handle, created_at, created_by, revoked_at"

// CreateCalendarFeed stores a feed and returns its token; only the token's
// SHA-256 is kept.
func (s *Store) CreateCalendarFeed(ctx context.Context, t arqir.CalendarTarget, a arqir.Actor) (string, *arqir.CalendarFeed, error) {
	if err := t.Validate(); err != nil {
		return "", nil, err
	}
	f := &arqir.CalendarFeed{Schedule: strings.TrimSpace(t.Schedule), User: strings.TrimSpace(t.User), CreatedAt: s.clock(), CreatedBy: a.Name}
	if f.Schedule != "" {
		if _, err := s.scheduleRule(f.Schedule); err != nil {
			return "", nil, err
		}
	} else if _, err := s.activeUser(ctx, s.db, f.User, "user"); err != nil {
		return "", nil, err
	}
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("create calendar feed: read random bytes: %w", err)
	}
	secret := calendarPrefix + strings.ToLower(secretEncoding.EncodeToString(raw))
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO calendar_feeds (schedule, handle, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			f.Schedule, f.User, hashSecret(secret), micros(f.CreatedAt), f.CreatedBy).Scan(&f.ID)
	})
	if err != nil {
		return "", nil, fmt.Errorf("create calendar feed: %w", err)
	}
	return secret, f, nil
}

// CalendarFeeds lists every feed, oldest first, never tokens.
func (s *Store) CalendarFeeds(ctx context.Context) ([]*arqir.CalendarFeed, error) {
	out, err := queryAll(ctx, s.db, `SELECT `+feedColumns+` FROM calendar_feeds ORDER BY id`, scanFeed)
	if err != nil {
		return nil, fmt.Errorf("list calendar feeds: %w", err)
	}
	return out, nil
}

// RevokeCalendarFeed stops a feed; revoking twice keeps the first time.
func (s *Store) RevokeCalendarFeed(ctx context.Context, id int64) error {
	return s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE calendar_feeds SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`), micros(s.clock()), id); err != nil {
			return fmt.Errorf("revoke calendar feed %d: %w", id, err)
		}
		var one int
		err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM calendar_feeds WHERE id = ?`), id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return arqir.FieldErrorf(arqir.ENOTFOUND, "id", "there is no calendar feed %d: list them with arqir oncall calendars", id)
		}
		return err
	})
}

// CalendarContent returns what the feed shows over [from, to), by default
// (both zero) the subscription window around now. An unknown
// and a revoked token get the same answer, so the URL reveals nothing.
func (s *Store) CalendarContent(ctx context.Context, secret string, from, to time.Time) (*arqir.CalendarContent, error) {
	notFound := arqir.Errorf(arqir.ENOTFOUND, "no such calendar feed: it was revoked or never existed; ask for a new calendar URL (arqir oncall calendar)")
	if !strings.HasPrefix(secret, calendarPrefix) {
		return nil, notFound
	}
	f, err := scanFeed(s.db.QueryRowContext(ctx, s.q(`SELECT `+feedColumns+` FROM calendar_feeds WHERE hash = ?`), hashSecret(secret)))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && f.RevokedAt != nil) {
		return nil, notFound
	} else if err != nil {
		return nil, fmt.Errorf("read calendar feed: %w", err)
	}
	now := s.clock()
	if from.IsZero() && to.IsZero() {
		from, to = now.Add(-arqir.CalendarPast), now.Add(arqir.CalendarFuture)
	}
	from, to = storable(from), storable(to)
	if !to.After(from) || to.Sub(from) > rotation.MaxRange {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "to", "a calendar covers at most 366 days, ending after it starts")
	}
	rules := s.onCallRules()
	c := &arqir.CalendarContent{Feed: f, Generated: now, Zone: time.UTC, Shifts: []arqir.Shift{}, Names: map[string]string{}, Titles: map[string]string{}}
	for _, r := range rules.Schedules {
		c.Titles[r.ID] = r.Title
	}
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		selected := rules.Schedules
		if f.Schedule != "" {
			rule, ok := rules.Schedule(f.Schedule)
			if !ok {
				selected = nil // the policy dropped the schedule: an empty calendar
			} else {
				selected, c.Zone, c.Gaps = []arqir.ScheduleRule{rule}, rule.Zone(), true
			}
		}
		users, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		for h, u := range users {
			c.Names[h] = u.Name
		}
		if u, ok := users[f.User]; ok && f.User != "" {
			if loc, err := time.LoadLocation(u.TimeZone); err == nil {
				c.Zone = loc
			}
		}
		for _, rule := range selected {
			st, err := s.loadSchedule(ctx, tx, rule, users, from, to)
			if err != nil {
				return err
			}
			shifts, err := st.shifts(from, to)
			if err != nil {
				continue // a schedule arqir cannot evaluate shows nothing
			}
			for _, sh := range shifts {
				if f.User == "" || sh.User == f.User {
					c.Shifts = append(c.Shifts, sh)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func scanFeed(sc scanner) (*arqir.CalendarFeed, error) {
	var (
		f       arqir.CalendarFeed
		created int64
		revoked sql.NullInt64
	)
	if err := sc.Scan(&f.ID, &f.Schedule, &f.User, &created, &f.CreatedBy, &revoked); err != nil {
		return nil, err
	}
	f.CreatedAt, f.RevokedAt = fromMicros(created), fromNullMicros(revoked)
	return &f, nil
}
