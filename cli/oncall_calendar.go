package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newOnCallCalendarCommand(f *clientFlags) *cobra.Command {
	var schedule, user string
	var list bool
	var revoke int64
	cmd := &cobra.Command{
		Use:   "calendar --schedule S | --user U | --list | --revoke ID",
		Short: "Make a calendar (iCal) URL of a schedule or a person to subscribe to; list or revoke them",
		Example: `  arqir oncall calendar --schedule primary
  arqir oncall calendar --user ada
  arqir oncall calendar --revoke 3`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			switch {
			case list:
				feeds, err := c.Calendars(ctx)
				if err != nil {
					return err
				}
				if f.json {
					return printJSON(out, feeds)
				}
				t := newTable(out)
				fmt.Fprintln(t, "ID\tSHOWS\tCREATED\tBY\tREVOKED")
				for _, feed := range feeds {
					shows := "schedule " + feed.Schedule
					if feed.User != "" {
						shows = "user " + feed.User
					}
					fmt.Fprintf(t, "%d\t%s\t%s\t%s\t%s\n", feed.ID, shows, stamp(feed.CreatedAt), feed.CreatedBy, stampOr(feed.RevokedAt, "-"))
				}
				return t.Flush()
			case revoke != 0:
				if err := c.RevokeCalendar(ctx, revoke); err != nil {
					return err
				}
				_, err := fmt.Fprintf(out, "Revoked calendar %d: its URL answers 404 from now on.\n", revoke)
				return err
			case (schedule == "") == (user == ""):
				return usagef("a calendar shows one schedule or one person: pass --schedule or --user (or --list, --revoke ID)")
			}
			feed, url, err := c.CreateCalendar(ctx, schedule, user)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(out, map[string]any{"feed": feed, "url": url})
			}
			_, err = fmt.Fprintf(out, "Calendar %d (%s). Subscribe to this URL in Google Calendar (Other calendars → From URL), Outlook or Apple Calendar:\n\n    %s\n\n"+
				"The URL is the credential and is shown only now; revoke it with arqir oncall calendar --revoke %d\n", feed.ID, feed.Name(), url, feed.ID)
			return err
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&schedule, "schedule", "", "a schedule's calendar")
	fl.StringVar(&user, "user", "", "a person's calendar, across schedules")
	fl.BoolVar(&list, "list", false, "list the calendars made (never their URLs)")
	fl.Int64Var(&revoke, "revoke", 0, "revoke the calendar with this ID")
	return cmd
}
