package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

// newTeamCommand groups the team commands. Changes need an admin token.
func newTeamCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "team",
		Aliases: []string{"teams"},
		Short:   "Add, list and show teams and their members (through the API of a running arqir serve)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown team command %q: see arqir team --help", args[0])
			}
			return cmd.Help()
		},
	}
	f := addClientFlags(cmd)
	member := &cobra.Command{
		Use:   "member",
		Short: "Add or remove team members",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown team member command %q: use add or remove", args[0])
			}
			return cmd.Help()
		},
	}
	member.AddCommand(newTeamMemberCommand(f, "add", "Put a user on a team"), newTeamMemberCommand(f, "remove", "Take a user off a team"))
	cmd.AddCommand(newTeamAddCommand(f), newTeamListCommand(f), newTeamShowCommand(f), member)
	return cmd
}

func newTeamAddCommand(f *clientFlags) *cobra.Command {
	var req client.TeamRequest
	cmd := &cobra.Command{
		Use:     "add NAME [flags]",
		Short:   "Add a team",
		Example: `  arqir team add payments --slack-channel "#payments" --slack-user-group payments-oncall --member ada --member bob`,
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			req.Name = args[0]
			t, err := c.CreateTeam(ctx, req)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), t)
			}
			printTeam(cmd.OutOrStdout(), t)
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&req.SlackChannel, "slack-channel", "", "the team's Slack channel, e.g. #payments")
	fl.StringVar(&req.SlackUserGroup, "slack-user-group", "", "the Slack user group that mentions the team, e.g. payments-oncall")
	fl.StringArrayVar(&req.Members, "member", nil, "a member's handle (repeat)")
	return cmd
}

func newTeamListCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List teams",
		Args:  argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			teams, err := c.Teams(ctx)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, teams)
			}
			if len(teams) == 0 {
				_, err := fmt.Fprintln(out, "No teams yet. Add one with arqir team add NAME --member HANDLE.")
				return err
			}
			t := newTable(out)
			fmt.Fprintln(t, "NAME\tMEMBERS\tSLACK CHANNEL\tSLACK GROUP")
			for _, tm := range teams {
				fmt.Fprintf(t, "%s\t%s\t%s\t%s\n", tm.Name, listOrDash(tm.Members), orDash(tm.SlackChannel), orDash(tm.SlackUserGroup))
			}
			return t.Flush()
		}),
	}
}

func newTeamShowCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a team",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			t, err := c.Team(ctx, args[0])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), t)
			}
			printTeam(cmd.OutOrStdout(), t)
			return nil
		}),
	}
}

// newTeamMemberCommand is "team member add|remove TEAM USER".
func newTeamMemberCommand(f *clientFlags, verb, short string) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " TEAM USER",
		Short: short,
		Args:  argsUsage(cobra.ExactArgs(2)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			change := c.AddTeamMember
			if verb == "remove" {
				change = c.RemoveTeamMember
			}
			t, err := change(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), t)
			}
			printTeam(cmd.OutOrStdout(), t)
			return nil
		}),
	}
}

func printTeam(w io.Writer, t *arqir.Team) {
	fmt.Fprintf(w, "%s\n  %-18s%s\n  %-18s%s\n  %-18s%s\n", t.Name, "Members:", listOrDash(t.Members),
		"Slack channel:", orDash(t.SlackChannel), "Slack user group:", orDash(t.SlackUserGroup))
}
