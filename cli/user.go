package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// newUserCommand groups the user commands: the people who go on call,
// fill contact roles and get notified. Changes need an admin token.
func newUserCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "user",
		Aliases: []string{"users"},
		Short:   "Add, list, show, update and remove users (through the API of a running arqir serve)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown user command %q: see arqir user --help", args[0])
			}
			return cmd.Help()
		},
	}
	f := addClientFlags(cmd)
	cmd.AddCommand(newUserAddCommand(f), newUserListCommand(f), newUserShowCommand(f), newUserUpdateCommand(f), newUserRemoveCommand(f), newUserPasswordCommand())
	return cmd
}

func newUserAddCommand(f *clientFlags) *cobra.Command {
	var req client.UserRequest
	cmd := &cobra.Command{
		Use:   "add HANDLE --name NAME [flags]",
		Short: "Add a user; the handle is their id in rotations, overrides and contacts",
		Example: `  arqir user add ada --name "Ada Lovelace" --email ada@example.com --time-zone Europe/London
  arqir user add bob --name Bob --slack-user-id U024BE7LH --phone +14155550123 --channel slack --channel phone`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			req.Handle = args[0]
			u, err := c.CreateUser(ctx, req)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), u)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Added user %s (%s), time zone %s. Put them on call with arqir oncall participants --schedule primary %s …\n", u.Handle, u.Name, u.TimeZone, u.Handle)
			return err
		}),
	}
	userFlags(cmd, &req.Name, &req.Email, &req.SlackUserID, &req.Phone, &req.TimeZone, &req.NotificationChannels)
	return cmd
}

// userFlags registers the flags of a user's fields.
func userFlags(cmd *cobra.Command, name, email, slack, phone, tz *string, channels *[]string) {
	fl := cmd.Flags()
	fl.StringVar(name, "name", "", "the person's name (required to add)")
	fl.StringVar(email, "email", "", "email address")
	fl.StringVar(slack, "slack-user-id", "", "Slack member ID, e.g. U024BE7LH")
	fl.StringVar(phone, "phone", "", "phone in E.164 form, e.g. +14155550123")
	fl.StringVar(tz, "time-zone", "", "IANA time zone, e.g. America/New_York (default UTC)")
	fl.StringArrayVar(channels, "channel", nil, "a notification channel, in order of preference (repeat): slack, email, sms, phone")
}

func newUserListCommand(f *clientFlags) *cobra.Command {
	var deleted bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			users, err := c.Users(ctx, deleted)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, users)
			}
			if len(users) == 0 {
				_, err := fmt.Fprintln(out, "No users yet. Add one with arqir user add HANDLE --name NAME.")
				return err
			}
			t := newTable(out)
			fmt.Fprintln(t, "HANDLE\tNAME\tEMAIL\tPHONE\tTIME ZONE\tCHANNELS\tSTATE")
			for _, u := range users {
				state := "active"
				if u.Deleted() {
					state = "deleted " + stamp(*u.DeletedAt)
				}
				fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Handle, u.Name, orDash(u.Email), orDash(u.Phone), u.TimeZone, listOrDash(u.NotificationChannels), state)
			}
			return t.Flush()
		}),
	}
	cmd.Flags().BoolVar(&deleted, "deleted", false, "include deleted users")
	return cmd
}

func newUserShowCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "show HANDLE",
		Short: "Show a user and their next shifts",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			u, err := c.User(ctx, args[0])
			if err != nil {
				return err
			}
			var shifts []arqir.Shift
			if !u.Deleted() {
				if shifts, err = c.UserShifts(ctx, u.Handle, time.Time{}, 5); err != nil {
					return err
				}
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, struct {
					User   *arqir.User   `json:"user"`
					Shifts []arqir.Shift `json:"shifts"`
				}{u, shifts})
			}
			printUser(out, u)
			fmt.Fprintln(out, "\nNext shifts")
			printShifts(out, shifts, zoneOf(u.TimeZone), "  ")
			return nil
		}),
	}
}

func printUser(w io.Writer, u *arqir.User) {
	row := func(k, v string) { fmt.Fprintf(w, "  %-16s%s\n", k, v) }
	fmt.Fprintf(w, "%s  %s\n\n", u.Handle, u.Name)
	row("Email:", orDash(u.Email))
	row("Slack:", orDash(u.SlackUserID))
	row("Phone:", orDash(u.Phone))
	row("Time zone:", u.TimeZone)
	row("Channels:", listOrDash(u.NotificationChannels))
	if u.Deleted() {
		row("Deleted:", stamp(*u.DeletedAt))
	}
}

func newUserUpdateCommand(f *clientFlags) *cobra.Command {
	var name, email, slack, phone, tz string
	var channels []string
	cmd := &cobra.Command{
		Use:     "update HANDLE [flags]",
		Short:   "Change some fields of a user (only the flags given)",
		Example: `  arqir user update ada --phone +442071838750 --channel phone --channel slack`,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			var p client.UserPatch
			fl := cmd.Flags()
			set := func(flag string, v *string) *string {
				if fl.Changed(flag) {
					return v
				}
				return nil
			}
			p.Name, p.Email, p.SlackUserID, p.Phone, p.TimeZone = set("name", &name), set("email", &email), set("slack-user-id", &slack), set("phone", &phone), set("time-zone", &tz)
			if fl.Changed("channel") {
				p.NotificationChannels = &channels
			}
			if p == (client.UserPatch{}) {
				return usagef("nothing to change: pass at least one of --name, --email, --slack-user-id, --phone, --time-zone, --channel")
			}
			u, err := c.UpdateUser(ctx, args[0], p)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), u)
			}
			printUser(cmd.OutOrStdout(), u)
			return nil
		}),
	}
	userFlags(cmd, &name, &email, &slack, &phone, &tz, &channels)
	return cmd
}

func newUserRemoveCommand(f *clientFlags) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "remove HANDLE [--force]",
		Aliases: []string{"delete", "rm"},
		Short:   "Remove a user; one who rotates in a schedule only with --force, leaving flagged gaps",
		Long: `Remove a user. Someone who still rotates in a schedule is refused, naming the
schedules: take them out of the rotation first (arqir oncall participants),
or pass --force, and their turns become gaps flagged in the answers until
the rotation is reassigned.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			u, err := c.DeleteUser(ctx, args[0], force)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), u)
			}
			msg := "Removed %s (%s).\n"
			if force {
				msg = "Removed %s (%s). Any turns of theirs in rotations are gaps now: check arqir oncall schedules and reassign with arqir oncall participants.\n"
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), msg, u.Handle, strings.TrimSpace(u.Name))
			return err
		}),
	}
	cmd.Flags().BoolVar(&force, "force", false, "remove the user even if they rotate in a schedule; their turns become flagged gaps")
	return cmd
}
