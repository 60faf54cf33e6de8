package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
)

const userColumns = "handle, name, email, slack_user_id, phone, time_zone, channels, created_at, updated_at, deleted_at"

// CreateUser adds a user; a handle is never handed out twice, not even
// after its user was deleted.
func (s *Store) CreateUser(ctx context.Context, in arqir.UserInput, _ arqir.Actor) (*arqir.User, error) {
	in = in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	u := arqir.NewUser(in, s.clock())
	channels, err := json.Marshal(u.NotificationChannels)
	if err != nil {
		return nil, fmt.Errorf("encode channels: %w", err)
	}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`),
			u.Handle, u.Name, u.Email, u.SlackUserID, u.Phone, u.TimeZone, string(channels), micros(u.CreatedAt), micros(u.UpdatedAt))
		return err
	})
	if s.d.IsUniqueViolation(err) {
		return nil, arqir.FieldErrorf(arqir.ECONFLICT, "handle", "the handle %q is taken (handles of deleted users stay reserved, so old shifts keep naming one person): pick another, e.g. %s2", u.Handle, u.Handle)
	} else if err != nil {
		return nil, fmt.Errorf("create user %s: %w", u.Handle, err)
	}
	return u, nil
}

// User returns a user, deleted ones included.
func (s *Store) User(ctx context.Context, handle string) (*arqir.User, error) {
	u, err := s.loadUser(ctx, s.db, strings.TrimSpace(handle))
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Users lists users by handle.
func (s *Store) Users(ctx context.Context, includeDeleted bool) ([]*arqir.User, error) {
	query := `SELECT ` + userColumns + ` FROM users`
	if !includeDeleted {
		query += ` WHERE deleted_at IS NULL`
	}
	out, err := queryAll(ctx, s.db, query+` ORDER BY handle`, scanUser)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// UpdateUser changes some fields of an active user.
func (s *Store) UpdateUser(ctx context.Context, handle string, p arqir.UserPatch, _ arqir.Actor) (*arqir.User, error) {
	var out *arqir.User
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		u, err := s.activeUser(ctx, tx, strings.TrimSpace(handle), "handle")
		if err != nil {
			return err
		}
		if err := u.Apply(p, s.clock()); err != nil {
			return err
		}
		channels, err := json.Marshal(u.NotificationChannels)
		if err != nil {
			return fmt.Errorf("encode channels: %w", err)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE users SET name = ?, email = ?, slack_user_id = ?, phone = ?, time_zone = ?, channels = ?, updated_at = ?
			WHERE handle = ?`), u.Name, u.Email, u.SlackUserID, u.Phone, u.TimeZone, string(channels), micros(u.UpdatedAt), u.Handle)
		if err != nil {
			return fmt.Errorf("update user %s: %w", u.Handle, err)
		}
		out = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUser marks a user deleted. A user who rotates in a schedule of
// the policy is kept unless forced: deleting them leaves their turns as
// gaps. Forced, rotations keep their places (nobody else's turns move)
// and the answers flag the user's turns as gaps.
func (s *Store) DeleteUser(ctx context.Context, handle string, force bool, _ arqir.Actor) (*arqir.User, error) {
	var out *arqir.User
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		u, err := s.activeUser(ctx, tx, strings.TrimSpace(handle), "handle")
		if err != nil {
			return err
		}
		if !force {
			rotations, err := s.rotationsOf(ctx, tx, u.Handle)
			if err != nil {
				return err
			}
			if len(rotations) > 0 {
				return arqir.FieldErrorf(arqir.ECONFLICT, "handle", "%s rotates in %s, so deleting them would leave their turns uncovered: take them out of those rotations first (arqir oncall participants --schedule %s … without %s), or delete them anyway with --force (API: ?force=true), which turns their turns into gaps flagged in the answers",
					u.Handle, strings.Join(rotations, ", "), strings.Fields(rotations[0])[0], u.Handle)
			}
		}
		now := s.clock()
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE users SET deleted_at = ?, updated_at = ? WHERE handle = ?`), micros(now), micros(now), u.Handle); err != nil {
			return fmt.Errorf("delete user %s: %w", u.Handle, err)
		}
		u.DeletedAt, u.UpdatedAt = &now, now
		out = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// rotationsOf names the policy's schedules (with the layer, for a schedule
// of several) in which handle rotates, in policy order. Rows of schedules
// or layers the policy no longer has do not count: nobody can be on call
// through them.
func (s *Store) rotationsOf(ctx context.Context, q querier, handle string) ([]string, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT DISTINCT schedule, layer FROM schedule_participants WHERE handle = ?`), handle)
	if err != nil {
		return nil, fmt.Errorf("find the rotations of %s: %w", handle, err)
	}
	defer rows.Close()
	in := map[[2]string]bool{}
	for rows.Next() {
		var schedule, layer string
		if err := rows.Scan(&schedule, &layer); err != nil {
			return nil, fmt.Errorf("find the rotations of %s: %w", handle, err)
		}
		in[[2]string{schedule, layer}] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find the rotations of %s: %w", handle, err)
	}
	var out []string
	for _, rule := range s.onCallRules().Schedules {
		for _, l := range rule.Layers {
			switch {
			case !in[[2]string{rule.ID, l.Name}]:
			case rule.Layered:
				out = append(out, fmt.Sprintf("%s (layer %s)", rule.ID, l.Name))
			default:
				out = append(out, rule.ID)
			}
		}
	}
	return out, nil
}

// loadUser reads one user. Returns ENOTFOUND.
func (s *Store) loadUser(ctx context.Context, q querier, handle string) (*arqir.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, s.q(`SELECT `+userColumns+` FROM users WHERE handle = ?`), handle))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, arqir.FieldErrorf(arqir.ENOTFOUND, "handle", "there is no user %q: list them with arqir user list", handle)
	} else if err != nil {
		return nil, fmt.Errorf("read user %s: %w", handle, err)
	}
	return u, nil
}

// activeUser reads a user who is not deleted. An unknown or deleted user
// is ENOTFOUND, reported on field.
func (s *Store) activeUser(ctx context.Context, q querier, handle, field string) (*arqir.User, error) {
	u, err := s.loadUser(ctx, q, handle)
	if arqir.ErrorCode(err) == arqir.ENOTFOUND {
		return nil, arqir.FieldErrorf(arqir.ENOTFOUND, field, "%s", arqir.ErrorMessage(err))
	} else if err != nil {
		return nil, err
	}
	if u.Deleted() {
		return nil, arqir.FieldErrorf(arqir.ENOTFOUND, field, "user %q was deleted on %s: list the current users with arqir user list", handle, u.DeletedAt.Format("2006-01-02"))
	}
	return u, nil
}

// knownUsers checks that every handle names an active user; a name that
// does not is EUNPROCESSABLE on field (the request was well-formed but
// names someone arqir does not know).
func (s *Store) knownUsers(ctx context.Context, q querier, field string, handles ...string) error {
	for _, h := range handles {
		if _, err := s.activeUser(ctx, q, h, field); err != nil {
			if arqir.ErrorCode(err) == arqir.ENOTFOUND {
				return arqir.FieldErrorf(arqir.EUNPROCESSABLE, field, "%s: add the user first (arqir user add %s --name …) or pick another", arqir.ErrorMessage(err), h)
			}
			return err
		}
	}
	return nil
}

// userIndex reads every user by handle, deleted ones included: the names
// and deletions that answers show.
func (s *Store) userIndex(ctx context.Context, q querier) (people, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+` FROM users`)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	defer rows.Close()
	out := people{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
		out[u.Handle] = u
	}
	return out, rows.Err()
}

func scanUser(sc scanner) (*arqir.User, error) {
	var (
		u                arqir.User
		channels         string
		created, updated int64
		deleted          sql.NullInt64
	)
	if err := sc.Scan(&u.Handle, &u.Name, &u.Email, &u.SlackUserID, &u.Phone, &u.TimeZone, &channels, &created, &updated, &deleted); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(channels), &u.NotificationChannels); err != nil {
		return nil, fmt.Errorf("decode channels of %s: %w", u.Handle, err)
	}
	if u.NotificationChannels == nil {
		u.NotificationChannels = []string{}
	}
	u.CreatedAt, u.UpdatedAt, u.DeletedAt = fromMicros(created), fromMicros(updated), fromNullMicros(deleted)
	return &u, nil
}
