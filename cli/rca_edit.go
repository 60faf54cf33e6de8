package cli

import (
	"context"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

// maxSectionFile bounds what --file reads: the server refuses sections
// far smaller, and a wrong file (a binary, a log) should not be sent whole.
const maxSectionFile = 4 << 20

func newRCAEditCommand(f *clientFlags) *cobra.Command {
	var body, file string
	cmd := &cobra.Command{
		Use:   "edit INC-42 SECTION (--body TEXT | --file FILE)",
		Short: "Replace the text of one RCA section (Markdown)",
		Long: `Replace the text of one section of the RCA, e.g. root_cause_analysis.
The sections are the policy's (see arqir rca show). --file - reads standard
input. A published RCA is reopened first (arqir rca reopen).`,
		Example: `  arqir rca edit INC-42 root_cause_analysis --body "The pool was sized for last year's traffic."
  arqir rca edit INC-42 contributing_factors --file factors.md`,
		Args: argsUsage(cobra.ExactArgs(2)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			bodySet, fileSet := cmd.Flags().Changed("body"), cmd.Flags().Changed("file")
			switch {
			case bodySet && fileSet:
				return usagef("--body and --file exclude each other: pass one of them")
			case !bodySet && !fileSet:
				return usagef("say what the section says: pass --body TEXT or --file FILE (--file - reads standard input)")
			case fileSet:
				text, err := readSectionFile(cmd.InOrStdin(), file)
				if err != nil {
					return err
				}
				body = text
			}
			r, err := c.EditRCASection(ctx, args[0], args[1], body, f.ifVersion()...)
			if err != nil {
				return err
			}
			return f.printRCAChanged(cmd.OutOrStdout(), r, "Updated section %s of the RCA of %s (version %d).", args[1], r.IncidentID, r.Version)
		}),
	}
	cmd.Flags().StringVar(&body, "body", "", "the section's new text (Markdown)")
	cmd.Flags().StringVar(&file, "file", "", "read the section's new text from this file (- for standard input)")
	return cmd
}

// readSectionFile reads --file, or standard input for "-".
func readSectionFile(stdin io.Reader, name string) (string, error) {
	r := stdin
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return "", usagef("--file: %v", err)
		}
		defer fh.Close()
		r = fh
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSectionFile+1))
	if err != nil {
		return "", usagef("--file %s: %v", name, err)
	}
	if len(b) > maxSectionFile {
		return "", usagef("--file %s is over %d MiB: an RCA section is a few pages at most; link longer material", name, maxSectionFile>>20)
	}
	return string(b), nil
}
