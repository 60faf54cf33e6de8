package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// Contacts resolves the contacts directory (X1) at an instant: assigned
// user, else the policy's own details, else "not set" — never invented.
// The on-call lead is whoever is on call in its schedule then.
func (s *Store) Contacts(ctx context.Context, at time.Time) (*arqir.ContactDirectory, error) {
	rules := s.onCallRules()
	c := rules.Contacts
	if at.IsZero() {
		at = s.clock()
	}
	at = storable(at)
	dir := &arqir.ContactDirectory{At: at, People: []arqir.Contact{}, Groups: []arqir.ContactGroup{},
		EscalationEmail: c.EscalationEmail, WarRoom: c.WarRoom, IncidentChannel: c.IncidentChannel}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		assigned, err := s.contactAssignments(ctx, tx)
		if err != nil {
			return err
		}
		users, err := s.userIndex(ctx, tx)
		if err != nil {
			return err
		}
		byID := map[string]arqir.Contact{}
		for _, p := range c.People {
			var contact arqir.Contact
			if p.Schedule != "" {
				contact, err = s.onCallContact(ctx, tx, rules, users, p, at)
				if err != nil {
					return err
				}
			} else {
				contact = resolveContact(p, assigned[p.ID], users)
			}
			byID[p.ID] = contact
			dir.People = append(dir.People, contact)
		}
		for _, g := range c.Groups {
			group := arqir.ContactGroup{ID: g.ID, Title: g.Title, Members: []arqir.Contact{}}
			for _, m := range g.Members {
				if contact, ok := byID[m]; ok {
					group.Members = append(group.Members, contact)
				}
			}
			dir.Groups = append(dir.Groups, group)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dir, nil
}

// resolveContact fills a role from its assignment, else the policy.
func resolveContact(p arqir.ContactPersonRule, handle string, users people) arqir.Contact {
	c := arqir.Contact{ID: p.ID, Title: p.Title}
	if u, ok := users[handle]; ok && !u.Deleted() {
		c.Source = arqir.ContactAssigned
		fromUser(&c, u)
		return c
	}
	if p.Name != "" || p.Email != "" || p.Phone != "" {
		c.Source, c.Name, c.Email, c.Phone = arqir.ContactPolicy, p.Name, p.Email, p.Phone
		return c
	}
	c.Source = arqir.ContactNotSet
	c.Note = fmt.Sprintf("not set: assign a user with arqir contacts assign %s USER, or fill in the person under contacts.people (id %s) in the policy", p.ID, p.ID)
	if handle != "" {
		c.Note = fmt.Sprintf("not set: the assigned user %s was deleted; assign another with arqir contacts assign %s USER", handle, p.ID)
	}
	return c
}

// onCallContact fills a role from whoever is on call in its schedule.
func (s *Store) onCallContact(ctx context.Context, tx *sql.Tx, rules arqir.OnCallRules, users people, p arqir.ContactPersonRule, at time.Time) (arqir.Contact, error) {
	c := arqir.Contact{ID: p.ID, Title: p.Title, Schedule: p.Schedule, Source: arqir.ContactNotSet}
	rule, ok := rules.Schedule(p.Schedule)
	if !ok {
		c.Note = fmt.Sprintf("not set: the policy fills %s from schedule %s, which it does not define", p.ID, p.Schedule)
		return c, nil
	}
	st, err := s.loadSchedule(ctx, tx, rule, users, at, at)
	if err != nil {
		return c, err
	}
	a := st.answer(at)
	if !a.OnCall() {
		c.Note = "not set: nobody is on call in " + p.Schedule + " now"
		if len(a.Shift.Notes) > 0 {
			c.Note += " (" + strings.Join(a.Shift.Notes, "; ") + ")"
		}
		return c, nil
	}
	c.Source = arqir.ContactOnCall
	if u, ok := st.users[a.Shift.User]; ok {
		fromUser(&c, u)
	} else {
		c.User, c.Name = a.Shift.User, a.Shift.User
	}
	return c, nil
}

func fromUser(c *arqir.Contact, u *arqir.User) {
	c.User, c.Name, c.Email, c.Phone, c.SlackUserID = u.Handle, u.Name, u.Email, u.Phone, u.SlackUserID
}

// AssignContact makes a user fill a contact role.
func (s *Store) AssignContact(ctx context.Context, role, handle string, a arqir.Actor) (*arqir.ContactAssignment, error) {
	role, handle = strings.TrimSpace(role), strings.TrimSpace(handle)
	c := s.onCallRules().Contacts
	p, ok := c.Person(role)
	if !ok {
		for _, g := range c.Groups {
			if g.ID == role {
				return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "role", "%s is a group (%s): assign users to its members instead: %s", role, g.Title, orNone(g.Members))
			}
		}
		ids := make([]string, len(c.People))
		for i, x := range c.People {
			ids[i] = x.ID
		}
		return nil, arqir.FieldErrorf(arqir.ENOTFOUND, "role", "the policy has no contact role %q: use one of %s", role, orNone(ids))
	}
	if p.Schedule != "" {
		return nil, arqir.FieldErrorf(arqir.EUNPROCESSABLE, "role", "%s is whoever is on call in %s: change it with arqir oncall participants or arqir oncall override, not by assignment", role, p.Schedule)
	}
	out := &arqir.ContactAssignment{Role: role, User: handle, AssignedAt: s.clock(), AssignedBy: a.Name}
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if err := s.knownUsers(ctx, tx, "user", handle); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO contact_assignments (role, handle, assigned_at, assigned_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (role) DO UPDATE SET handle = excluded.handle, assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by`),
			role, handle, micros(out.AssignedAt), out.AssignedBy)
		if err != nil {
			return fmt.Errorf("assign %s to %s: %w", handle, role, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UnassignContact removes a role's assignment.
func (s *Store) UnassignContact(ctx context.Context, role string, _ arqir.Actor) error {
	role = strings.TrimSpace(role)
	return s.inTx(ctx, nil, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM contact_assignments WHERE role = ?`), role)
		if err != nil {
			return fmt.Errorf("unassign %s: %w", role, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("unassign %s: %w", role, err)
		} else if n == 0 {
			return arqir.FieldErrorf(arqir.ENOTFOUND, "role", "nobody is assigned to %q: see the directory with arqir contacts", role)
		}
		return nil
	})
}

// contactAssignments reads role → handle.
func (s *Store) contactAssignments(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, handle FROM contact_assignments`)
	if err != nil {
		return nil, fmt.Errorf("read contact assignments: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var r, h string
		if err := rows.Scan(&r, &h); err != nil {
			return nil, fmt.Errorf("read contact assignments: %w", err)
		}
		out[r] = h
	}
	return out, rows.Err()
}
