package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
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

// Contact resolves one contact role at an instant exactly as Contacts
// would, reading only what that role needs: its assignment and the user it
// names, or the schedule of the on-call lead and the users it names. A
// page to a role resolves the role when it is due, so this is on the
// dispatcher's path.
func (s *Store) Contact(ctx context.Context, role string, at time.Time) (arqir.Contact, error) {
	rules := s.onCallRules()
	p, ok := rules.Contacts.Person(strings.TrimSpace(role))
	if !ok {
		ids := make([]string, len(rules.Contacts.People))
		for i, x := range rules.Contacts.People {
			ids[i] = x.ID
		}
		return arqir.Contact{}, arqir.FieldErrorf(arqir.ENOTFOUND, "role", "the policy has no contact role %q: use one of %s", role, orNone(ids))
	}
	if at.IsZero() {
		at = s.clock()
	}
	at = storable(at)
	var c arqir.Contact
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if p.Schedule != "" {
			c, err = s.onCallContact(ctx, tx, rules, nil, p, at)
			return err
		}
		handle, users, err := s.assignedUser(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		c = resolveContact(p, handle, users)
		return nil
	})
	if err != nil {
		return arqir.Contact{}, fmt.Errorf("resolve contact %s: %w", p.ID, err)
	}
	return c, nil
}

// assignedUser reads the handle assigned to a role ("" when none) and, in
// an index of its own, the user it names when there is one.
func (s *Store) assignedUser(ctx context.Context, tx *sql.Tx, role string) (string, people, error) {
	st, err := s.stmt(ctx, tx, `SELECT handle FROM contact_assignments WHERE role = ?`)
	if err != nil {
		return "", nil, fmt.Errorf("read the assignment of %s: %w", role, err)
	}
	var handle string
	if err := st.queryRow(ctx, role).Scan(&handle); errors.Is(err, sql.ErrNoRows) {
		return "", people{}, nil
	} else if err != nil {
		return "", nil, fmt.Errorf("read the assignment of %s: %w", role, err)
	}
	users, err := s.usersNamed(ctx, tx, []string{handle})
	return handle, users, err
}

// usersNamed reads the users with these handles, deleted ones included,
// by handle; a handle nobody has is left out.
func (s *Store) usersNamed(ctx context.Context, tx *sql.Tx, handles []string) (people, error) {
	out := people{}
	if len(handles) == 0 {
		return out, nil
	}
	vals := make([]any, len(handles))
	for i, h := range handles {
		vals[i] = h
	}
	for chunk := range slices.Chunk(vals, maxChunk) {
		p := padded(chunk)
		st, err := s.stmt(ctx, tx, `SELECT `+userColumns+` FROM users WHERE handle IN (`+placeholders(len(p))+`)`)
		if err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
		rows, err := st.query(ctx, p...)
		if err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("read users: %w", err)
			}
			out[u.Handle] = u
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
	}
	return out, nil
}

// onCallContact fills a role from whoever is on call in its schedule. A
// nil users reads only the users the schedule names (participants and
// overrides): all that deciding who is on call, and naming them, needs.
func (s *Store) onCallContact(ctx context.Context, tx *sql.Tx, rules arqir.OnCallRules, users people, p arqir.ContactPersonRule, at time.Time) (arqir.Contact, error) {
	c := arqir.Contact{ID: p.ID, Title: p.Title, Schedule: p.Schedule, Source: arqir.ContactNotSet}
	rule, ok := rules.Schedule(p.Schedule)
	if !ok {
		c.Note = fmt.Sprintf("not set: the policy fills %s from schedule %s, which it does not define", p.ID, p.Schedule)
		return c, nil
	}
	named := users == nil
	if named {
		users = people{}
	}
	st, err := s.loadSchedule(ctx, tx, rule, users, at, at)
	if err != nil {
		return c, err
	}
	if named {
		if st.users, err = s.usersNamed(ctx, tx, st.handles()); err != nil {
			return c, err
		}
	}
	sh := st.shiftAt(at)
	if sh.Gap {
		c.Note = "not set: nobody is on call in " + p.Schedule + " now"
		if len(sh.Notes) > 0 {
			c.Note += " (" + strings.Join(sh.Notes, "; ") + ")"
		}
		return c, nil
	}
	c.Source = arqir.ContactOnCall
	if u, ok := st.users[sh.User]; ok {
		fromUser(&c, u)
	} else {
		c.User, c.Name = sh.User, sh.User
	}
	return c, nil
}

// shiftAt is the shift of the answer at t (st.answer(t).Shift) without
// looking for the next one, which a contact does not show.
func (st *scheduleState) shiftAt(t time.Time) arqir.Shift {
	sched, err := st.build()
	if err != nil {
		problem := arqir.ErrorMessage(err)
		return arqir.Shift{Schedule: st.rule.ID, Gap: true, Parts: []arqir.ShiftPart{}, Notes: []string{problem}}
	}
	sh, _ := rotation.OnCall(sched, t)
	return st.shift(sh)
}

// handles lists the users a schedule's state names: its participants and
// the people of its overrides.
func (st *scheduleState) handles() []string {
	var out []string
	for _, l := range st.layers {
		for _, h := range l.participants {
			if !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	for _, o := range st.overrides {
		for _, h := range []string{o.User, o.Replaces} {
			if h != "" && !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	return out
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
