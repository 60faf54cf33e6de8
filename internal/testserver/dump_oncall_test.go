package testserver_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/internal/testserver"
)

// Every on-call table shows in the dump too: people, teams, contacts,
// rotations, overrides, calendars, notes, ticks, reports and messages.
func TestUnchangedCatchesEveryOnCallChange(t *testing.T) {
	t.Parallel()
	actor := arqir.Actor{Name: "admin", Source: arqir.SourceAPI}
	ada := arqir.Actor{Name: "ada", Source: arqir.SourceCLI}
	changes := map[string]func(ctx context.Context, s arqir.Store, now time.Time) error{
		"user created": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			_, err := s.CreateUser(ctx, arqir.UserInput{Handle: "carol", Name: "Carol"}, actor)
			return err
		},
		"user deleted": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			_, err := s.DeleteUser(ctx, "bob", true, actor)
			return err
		},
		"team member added": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			_, err := s.AddTeamMember(ctx, "payments", "bob", actor)
			return err
		},
		"contact assigned": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			_, err := s.AssignContact(ctx, "cto", "bob", actor)
			return err
		},
		"participants changed": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			_, err := s.SetParticipants(ctx, "secondary", arqir.Participants{Users: []string{"bob"}}, actor)
			return err
		},
		"override added": func(ctx context.Context, s arqir.Store, now time.Time) error {
			_, err := s.AddOverride(ctx, "primary", arqir.OverrideInput{User: "bob", Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)}, actor)
			return err
		},
		"override removed": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			return s.RemoveOverride(ctx, "primary", 1, actor)
		},
		"calendar revoked": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			return s.RevokeCalendarFeed(ctx, 1)
		},
		"handoff note": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			_, err := s.AddHandoffNote(ctx, "primary", "watch the DB", ada, false)
			return err
		},
		"post-shift tick": func(ctx context.Context, s arqir.Store, _ time.Time) error {
			ans, err := s.WhoIsOnCall(ctx, "primary", time.Time{})
			if err != nil {
				return err
			}
			_, err = s.TickPostShift(ctx, "primary", ans[0].Shift.Start, "1", ada)
			return err
		},
		"handoff report and messages": func(ctx context.Context, s arqir.Store, now time.Time) error {
			_, err := s.SweepOnCall(ctx, now.Add(6*time.Hour)) // past Monday 09:00 in New York
			return err
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := testserver.New(t) // Monday 3 March 2025, 04:00 in New York
			ctx := t.Context()
			for _, h := range []string{"ada", "bob"} {
				if _, err := srv.Store.CreateUser(ctx, arqir.UserInput{Handle: h, Name: h}, actor); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := srv.Store.CreateTeam(ctx, arqir.TeamInput{Name: "payments", Members: []string{"ada"}}, actor); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Store.SetParticipants(ctx, "primary", arqir.Participants{Users: []string{"ada", "bob"}}, actor); err != nil {
				t.Fatal(err)
			}
			now := srv.Now()
			if _, err := srv.Store.AddOverride(ctx, "primary", arqir.OverrideInput{User: "bob", Start: now.Add(24 * time.Hour), End: now.Add(25 * time.Hour)}, actor); err != nil {
				t.Fatal(err)
			}
			if _, _, err := srv.Store.CreateCalendarFeed(ctx, arqir.CalendarTarget{Schedule: "primary"}, actor); err != nil {
				t.Fatal(err)
			}
			before := srv.Dump(t)
			if err := change(ctx, srv.Store, now); err != nil {
				t.Fatal(err)
			}
			rec := &recorder{TB: t}
			srv.Unchanged(rec, before)
			if !strings.Contains(rec.errors, "the database changed") {
				t.Errorf("Unchanged missed it; it said %q", rec.errors)
			}
		})
	}
}
