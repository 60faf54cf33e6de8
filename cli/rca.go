package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
)

// newRCACommand groups the RCA commands (P1, P2, I4): the root cause
// analysis every resolved incident gets, its sections, its review meeting,
// the participants' feedback and its export.
func newRCACommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rca",
		Short: "Read, edit, review, publish and export the RCA of a resolved incident (through the API)",
		Long: `The root cause analysis of a resolved incident: arqir creates it when the
incident resolves, with the policy's sections pre-filled and the review
meeting due within the policy's deadline (24 h, P1). People edit the
sections, schedule and hold the meeting, give feedback, and move it from
draft to in_review to published; a published RCA is reopened to change it.

Exit codes: 0 success; 1 the server failed or could not be reached; 2 bad
usage or a request the server refused (its message is printed).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown rca command %q: see arqir rca --help", args[0])
			}
			return cmd.Help()
		},
	}
	f := addClientFlags(cmd)
	cmd.AddCommand(
		newRCAShowCommand(f),
		newRCAListCommand(f),
		f.addRCAVersionFlag(newRCAEditCommand(f)),
		f.addRCAVersionFlag(newRCAStateCommand(f, "submit", arqir.RCAInReview, "Submit the RCA for review (draft → in_review)")),
		f.addRCAVersionFlag(newRCAStateCommand(f, "publish", arqir.RCAPublished, "Publish the reviewed RCA (in_review → published)")),
		f.addRCAVersionFlag(newRCAStateCommand(f, "reopen", arqir.RCAInReview, "Reopen a published RCA to change it (published → in_review; --reason required)")),
		f.addRCAVersionFlag(newRCAScheduleCommand(f)),
		f.addRCAVersionFlag(newRCAHeldCommand(f)),
		newRCAFeedbackCommand(f),
		newRCAExportCommand(f),
	)
	return cmd
}

// addRCAVersionFlag registers --if-version on a command that changes an
// RCA: the change is refused (exit 2) if someone changed the RCA since.
func (f *clientFlags) addRCAVersionFlag(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().IntVar(&f.version, "if-version", 0, "apply the change only if the RCA is still at this version (see arqir rca show)")
	return cmd
}

// printRCAChanged prints an RCA a command changed: the JSON with --json,
// else the one-line summary.
func (f *clientFlags) printRCAChanged(w io.Writer, r *arqir.RCA, format string, args ...any) error {
	if f.json {
		return printJSON(w, r)
	}
	_, err := fmt.Fprintf(w, format+"\n", args...)
	return err
}

// rcaStateWords is how a state reads in sentences.
func rcaStateWords(s arqir.RCAState) string { return strings.ReplaceAll(string(s), "_", " ") }
