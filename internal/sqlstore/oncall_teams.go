package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/arqir/arqir"
)

// CreateTeam adds a team with its first members.
func (s *Store) CreateTeam(ctx context.Context, in arqir.TeamInput, _ arqir.Actor) (*arqir.Team, error) {
	in = in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *arqir.Team
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := s.knownUsers(ctx, tx, "members", in.Members...); err != nil {
			return err
		}
		now := micros(s.clock())
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO teams (name, slack_channel, slack_user_group, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`),
			in.Name, in.SlackChannel, in.SlackUserGroup, now, now)
		if s.d.IsUniqueViolation(err) {
			return arqir.FieldErrorf(arqir.ECONFLICT, "name", "there is already a team %q: add members to it with arqir team member add %s USER, or pick another name", in.Name, in.Name)
		} else if err != nil {
			return fmt.Errorf("create team %s: %w", in.Name, err)
		}
		for i, m := range in.Members {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO team_members (team, handle, position) VALUES (?, ?, ?)`), in.Name, m, i); err != nil {
				return fmt.Errorf("add %s to team %s: %w", m, in.Name, err)
			}
		}
		out, err = s.loadTeam(ctx, tx, in.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Team returns a team with its active members.
func (s *Store) Team(ctx context.Context, name string) (*arqir.Team, error) {
	var out *arqir.Team
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.loadTeam(ctx, tx, strings.TrimSpace(name))
		return err
	})
	return out, err
}

// Teams lists teams by name.
func (s *Store) Teams(ctx context.Context) ([]*arqir.Team, error) {
	out := []*arqir.Team{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name FROM teams ORDER BY name`)
		if err != nil {
			return fmt.Errorf("list teams: %w", err)
		}
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return fmt.Errorf("list teams: %w", err)
			}
			names = append(names, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list teams: %w", err)
		}
		for _, n := range names {
			t, err := s.loadTeam(ctx, tx, n)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddTeamMember adds an active user at the end of the team.
func (s *Store) AddTeamMember(ctx context.Context, team, handle string, _ arqir.Actor) (*arqir.Team, error) {
	return s.changeTeam(ctx, team, handle, func(tx *sql.Tx, t *arqir.Team, handle string) error {
		if err := s.knownUsers(ctx, tx, "user", handle); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO team_members (team, handle, position)
			SELECT ?, ?, COALESCE(MAX(position), -1) + 1 FROM team_members WHERE team = ?
			ON CONFLICT (team, handle) DO NOTHING`), t.Name, handle, t.Name)
		if err != nil {
			return fmt.Errorf("add %s to team %s: %w", handle, t.Name, err)
		}
		return nil
	})
}

// RemoveTeamMember takes a user off a team.
func (s *Store) RemoveTeamMember(ctx context.Context, team, handle string, _ arqir.Actor) (*arqir.Team, error) {
	return s.changeTeam(ctx, team, handle, func(tx *sql.Tx, t *arqir.Team, handle string) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM team_members WHERE team = ? AND handle = ?`), t.Name, handle)
		if err != nil {
			return fmt.Errorf("remove %s from team %s: %w", handle, t.Name, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("remove %s from team %s: %w", handle, t.Name, err)
		} else if n == 0 {
			return arqir.FieldErrorf(arqir.ENOTFOUND, "user", "%s is not a member of team %s: its members are %s", handle, t.Name, orNone(t.Members))
		}
		return nil
	})
}

// changeTeam runs one membership change of a team in a transaction: it
// reads the team (ENOTFOUND), applies change, stamps the team and returns
// it as changed.
func (s *Store) changeTeam(ctx context.Context, team, handle string, change func(tx *sql.Tx, t *arqir.Team, handle string) error) (*arqir.Team, error) {
	team, handle = strings.TrimSpace(team), strings.TrimSpace(handle)
	var out *arqir.Team
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		t, err := s.loadTeam(ctx, tx, team)
		if err != nil {
			return err
		}
		if err := change(tx, t, handle); err != nil {
			return err
		}
		if err := s.touchTeam(ctx, tx, t.Name); err != nil {
			return err
		}
		out, err = s.loadTeam(ctx, tx, t.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) touchTeam(ctx context.Context, tx *sql.Tx, name string) error {
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE teams SET updated_at = ? WHERE name = ?`), micros(s.clock()), name); err != nil {
		return fmt.Errorf("update team %s: %w", name, err)
	}
	return nil
}

// loadTeam reads a team and its active members in order. Returns ENOTFOUND.
func (s *Store) loadTeam(ctx context.Context, q querier, name string) (*arqir.Team, error) {
	var (
		t                arqir.Team
		created, updated int64
	)
	err := q.QueryRowContext(ctx, s.q(`SELECT name, slack_channel, slack_user_group, created_at, updated_at FROM teams WHERE name = ?`), name).
		Scan(&t.Name, &t.SlackChannel, &t.SlackUserGroup, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, arqir.FieldErrorf(arqir.ENOTFOUND, "team", "there is no team %q: list them with arqir team list", name)
	} else if err != nil {
		return nil, fmt.Errorf("read team %s: %w", name, err)
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	rows, err := q.QueryContext(ctx, s.q(`SELECT m.handle FROM team_members m JOIN users u ON u.handle = m.handle
		WHERE m.team = ? AND u.deleted_at IS NULL ORDER BY m.position`), name)
	if err != nil {
		return nil, fmt.Errorf("read members of team %s: %w", name, err)
	}
	defer rows.Close()
	t.Members = []string{}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("read members of team %s: %w", name, err)
		}
		t.Members = append(t.Members, h)
	}
	return &t, rows.Err()
}

// orNone joins names, or says there are none.
func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
