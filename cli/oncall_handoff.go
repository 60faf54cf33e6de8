package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newOnCallHandoffCommand(f *clientFlags) *cobra.Command {
	var schedule, notes string
	cmd := &cobra.Command{
		Use:   "handoff [--schedule S] --notes TEXT",
		Short: "Write handoff notes for the next engineer (O5); without --notes, show the notes so far",
		Long: `Write handoff notes for the next engineer (O5): ongoing issues, what you tried,
what to watch. They go into the handoff report both engineers receive at the
handoff. The engineer on call now writes them (their token's name is their
user handle), or an admin. arqir asks for them two hours before the handoff.`,
		Example: `  arqir oncall handoff --notes "INC-7 still flapping; the DB failover is scheduled for Tuesday"
  arqir oncall handoff --schedule secondary`,
		Args: argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if strings.TrimSpace(notes) != "" {
				n, err := c.AddHandoffNote(ctx, schedule, notes)
				if err != nil {
					return err
				}
				if f.json {
					return printJSON(out, n)
				}
				_, err = fmt.Fprintf(out, "Noted for the next handoff of %s. It goes into the report both engineers receive.\n", schedule)
				return err
			}
			if cmd.Flags().Changed("notes") {
				return usagef("--notes is empty: write what the next engineer needs to know")
			}
			list, err := c.HandoffNotes(ctx, schedule)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(out, list)
			}
			if len(list) == 0 {
				_, err := fmt.Fprintf(out, "No handoff notes for %s yet. Write them with arqir oncall handoff --schedule %s --notes \"…\"\n", schedule, schedule)
				return err
			}
			for _, n := range list {
				fmt.Fprintf(out, "%s, %s:\n  %s\n", n.Author, stamp(n.At), strings.ReplaceAll(n.Text, "\n", "\n  "))
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&schedule, "schedule", "primary", "the schedule")
	cmd.Flags().StringVar(&notes, "notes", "", "the note to add")
	return cmd
}

func newOnCallHandoffsCommand(f *clientFlags) *cobra.Command {
	var schedule string
	var limit int
	cmd := &cobra.Command{
		Use:   "handoffs [--schedule S]",
		Short: "List a schedule's handoff reports, newest first",
		Args:  argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			list, err := c.Handoffs(ctx, schedule, limit)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, list)
			}
			if len(list) == 0 {
				_, err := fmt.Fprintf(out, "No handoff reports for %s yet: arqir makes one at every handoff.\n", schedule)
				return err
			}
			t := newTable(out)
			fmt.Fprintln(t, "ID\tHANDOFF\tFROM\tTO\tOPEN INCIDENTS\tNOTES")
			for _, r := range list {
				fmt.Fprintf(t, "%d\t%s\t%s\t%s\t%d\t%d\n", r.ID, local(r.At, zoneOf(r.Zone)), orDash(r.Outgoing), r.Incoming, len(r.OpenIncidents), len(r.Notes))
			}
			if err := t.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprintln(out, "\nRead one with arqir oncall handoff-report ID")
			return err
		}),
	}
	cmd.Flags().StringVar(&schedule, "schedule", "primary", "the schedule")
	cmd.Flags().IntVar(&limit, "limit", 20, "how many reports")
	return cmd
}

func newOnCallHandoffReportCommand(f *clientFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "handoff-report ID",
		Short: "Show a handoff report (O5)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			var id int64
			if _, err := fmt.Sscan(args[0], &id); err != nil || id <= 0 {
				return usagef("%q is not a report ID: list them with arqir oncall handoffs", args[0])
			}
			r, err := c.Handoff(ctx, id)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), r)
			}
			_, err = io.WriteString(cmd.OutOrStdout(), r.Text())
			return err
		}),
	}
}

func newOnCallInboxCommand(f *clientFlags) *cobra.Command {
	var user string
	var limit int
	cmd := &cobra.Command{
		Use:   "inbox [--user U]",
		Short: "Messages arqir delivered in-app to a user (handoff reports, notes prompts), newest first",
		Args:  argsUsage(cobra.NoArgs),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, _ []string) error {
			msgs, err := c.Inbox(ctx, user, limit)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, msgs)
			}
			if len(msgs) == 0 {
				_, err := fmt.Fprintln(out, "No messages.")
				return err
			}
			printMessages(out, msgs)
			return nil
		}),
	}
	cmd.Flags().StringVar(&user, "user", "", "whose inbox (default: your token's name)")
	cmd.Flags().IntVar(&limit, "limit", 20, "how many messages")
	return cmd
}

func printMessages(w io.Writer, msgs []*arqir.InAppMessage) {
	for i, m := range msgs {
		if i > 0 {
			fmt.Fprintln(w, strings.Repeat("-", 72))
		}
		fmt.Fprintf(w, "#%d  %s  to %s  [%s]\n%s\n\n%s", m.ID, stamp(m.CreatedAt), m.Recipient, m.Kind, m.Subject, m.Body)
		if !strings.HasSuffix(m.Body, "\n") {
			fmt.Fprintln(w)
		}
	}
}
