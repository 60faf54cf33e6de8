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

// newContactsCommand shows the contacts directory (X1) and assigns users to
// its roles.
func newContactsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "contacts",
		Aliases: []string{"contact"},
		Short:   "The contacts directory (X1): who fills each role now; assign users to roles",
		Long: `The contacts directory of the procedures (X1). Each role shows the user an
admin assigned to it, else the person the policy names, else [not set] —
arqir never invents a contact. The on-call lead is whoever is primary on call
now. Assign a user to a role with arqir contacts assign ROLE USER (admin).`,
		Args: argsUsage(cobra.NoArgs),
	}
	f := addClientFlags(cmd)
	cmd.RunE = f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
		dir, err := c.Contacts(ctx, time.Time{})
		if err != nil {
			return err
		}
		if f.json {
			return printJSON(cmd.OutOrStdout(), dir)
		}
		printContacts(cmd.OutOrStdout(), dir)
		return nil
	})
	assign := &cobra.Command{
		Use:     "assign ROLE USER",
		Short:   "Make a user fill a contact role of the policy, e.g. cto",
		Example: `  arqir contacts assign vp_engineering ada`,
		Args:    argsUsage(cobra.ExactArgs(2)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			a, err := c.AssignContact(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), a)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s is now %s in the contacts directory.\n", a.User, a.Role)
			return err
		}),
	}
	unassign := &cobra.Command{
		Use:   "unassign ROLE",
		Short: "Clear a role's assignment: the policy's details (or [not set]) apply again",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			if err := c.UnassignContact(ctx, args[0]); err != nil {
				return err
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "Cleared the assignment of %s.\n", args[0])
			return err
		}),
	}
	cmd.AddCommand(assign, unassign)
	return cmd
}

func printContacts(w io.Writer, d *arqir.ContactDirectory) {
	set := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return arqir.NotSet
		}
		return s
	}
	t := newTable(w)
	fmt.Fprintln(t, "ROLE\tWHO\tEMAIL\tPHONE\tFROM")
	var notes []string
	for _, c := range d.People {
		name := arqir.NotSet
		if c.Set() {
			name = who(c.User, c.Name)
			if c.User == "" {
				name = c.Name
			}
		}
		from := c.Source
		if c.Schedule != "" {
			from = "on call in " + c.Schedule
		}
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\n", c.Title, set(name), set(c.Email), set(c.Phone), from)
		if !c.Set() && c.Note != "" {
			notes = append(notes, c.Title+": "+c.Note)
		}
	}
	_ = t.Flush()
	fmt.Fprintf(w, "\nEscalation email:  %s\nWar room:          %s\nIncident channel:  %s\n", set(d.EscalationEmail), set(d.WarRoom), set(d.IncidentChannel))
	if len(d.Groups) > 0 {
		fmt.Fprintln(w, "\nGroups")
		for _, g := range d.Groups {
			var members []string
			for _, m := range g.Members {
				members = append(members, m.Title)
			}
			fmt.Fprintf(w, "  %s: %s\n", g.Title, set(strings.Join(members, ", ")))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nTo fill")
		for _, n := range notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
}
