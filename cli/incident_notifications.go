package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/client"
)

func newIncidentNotificationsCommand(f *clientFlags) *cobra.Command {
	var states []string
	cmd := &cobra.Command{
		Use:   "notifications INC-42 [--state STATE]...",
		Short: "Print an incident's notification log: what was sent, what would have been, and each delivery state",
		Long: `Print an incident's notification log, oldest first: every page, escalation,
channel message and update, with its delivery state (queued, sending,
delivered, failed, expired, cancelled), the attempts made and the reason.
Messages on channel in_app were kept in arqir because no provider is
configured: they show what would have been sent.`,
		Example: `  arqir incident notifications INC-42
  arqir incident notifications INC-42 --state failed --state expired`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			notes, err := c.Notifications(ctx, args[0], states...)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				if notes == nil {
					notes = []*arqir.Notification{}
				}
				return printJSON(out, struct {
					Notifications []*arqir.Notification `json:"notifications"`
				}{notes})
			}
			if len(notes) == 0 {
				which := ""
				if len(states) > 0 {
					which = strings.Join(states, " or ") + " "
				}
				name := args[0]
				if id, err := arqir.ParseIncidentID(name); err == nil {
					name = id.String()
				}
				_, err := fmt.Fprintf(out, "No %snotifications for %s.\n", which, name)
				return err
			}
			tw := newTable(out)
			fmt.Fprintln(tw, "TIME\tPURPOSE\tSTEP\tRECIPIENT\tCHANNEL\tSTATE\tATTEMPTS\tREASON")
			for _, n := range notes {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", stamp(n.CreatedAt), n.Purpose, notificationStep(n),
					orDash(notificationRecipient(n)), orDash(n.Channel), n.State, notificationAttempts(n), orDash(oneLine(n.Reason)))
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().StringSliceVar(&states, "state", nil, "only notifications in this state: queued, sending, delivered, failed, expired or cancelled (repeatable)")
	return cmd
}

// notificationStep is the paging step, or "-" for what is not a page.
func notificationStep(n *arqir.Notification) string {
	if n.Step == 0 {
		return "-"
	}
	return strconv.Itoa(n.Step)
}

// notificationRecipient says whom it reached, else whom the policy named,
// with the address when there is one.
func notificationRecipient(n *arqir.Notification) string {
	who := n.Recipient
	if who == "" {
		who = n.Target
	}
	if n.Address != "" && !strings.Contains(who, n.Address) {
		who += " <" + n.Address + ">"
	}
	return who
}

// notificationAttempts counts the provider calls, and the ambiguous ones
// (the only source of duplicates).
func notificationAttempts(n *arqir.Notification) string {
	s := strconv.Itoa(n.Attempts)
	if n.Ambiguous > 0 {
		s += fmt.Sprintf(" (%d ambiguous)", n.Ambiguous)
	}
	return s
}

// oneLine keeps a table row on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
