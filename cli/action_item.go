package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/arqir/arqir"
)

// newActionItemCommand groups the action item commands (P3, P4, I6, T6):
// follow-up work from an incident, categorised, owned and due.
func newActionItemCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "action-item",
		Aliases: []string{"action-items", "ai"},
		Short:   "File, list and close the action items of incidents (through the API)",
		Long: `Action items are the follow-up work of an incident: each has a category of
the policy (P3: prevention, detection, response, documentation), an owner
and a due date (P4). Overdue ones remind their owner. --export files one as
a GitHub issue too, when arqir is configured for GitHub (T6).

Exit codes: 0 success; 1 the server failed or could not be reached; 2 bad
usage or a request the server refused (its message is printed).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown action-item command %q: see arqir action-item --help", args[0])
			}
			return cmd.Help()
		},
	}
	f := addClientFlags(cmd)
	cmd.AddCommand(
		newActionItemAddCommand(f),
		newActionItemListCommand(f),
		newActionItemShowCommand(f),
		f.addItemVersionFlag(newActionItemCloseCommand(f, "done", arqir.ActionItemDone, "Mark an action item done (closes its GitHub issue as completed)")),
		f.addItemVersionFlag(newActionItemCloseCommand(f, "cancel", arqir.ActionItemCancelled, "Cancel an action item (closes its GitHub issue as not planned)")),
		f.addItemVersionFlag(newActionItemUpdateCommand(f)),
	)
	return cmd
}

// addItemVersionFlag registers --if-version on a command that changes an
// action item: the change is refused (exit 2) if someone changed it since.
func (f *clientFlags) addItemVersionFlag(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().IntVar(&f.version, "if-version", 0, "apply the change only if the action item is still at this version (see arqir action-item show)")
	return cmd
}

// dueFlagNames lets --due-on, the API's name, work as --due, so a refusal
// naming the field due_on points at a flag that exists.
func dueFlagNames(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	if name == "due-on" {
		name = "due"
	}
	return pflag.NormalizedName(name)
}

// parseItemID reads an action item ID argument.
func parseItemID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("%q is not an action item ID: use its number, e.g. 12 (see arqir action-item list)", s)
	}
	return id, nil
}

// printItemChanged prints an action item a command changed: the JSON with
// --json, else the one-line summary.
func (f *clientFlags) printItemChanged(w io.Writer, it *arqir.ActionItem, format string, args ...any) error {
	if f.json {
		return printJSON(w, it)
	}
	_, err := fmt.Fprintf(w, format+"\n", args...)
	return err
}

// dueOn writes a due date as the calendar day it is.
func dueOn(it *arqir.ActionItem) string { return it.DueOn.UTC().Format("2006-01-02") }
