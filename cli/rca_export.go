package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/client"
)

func newRCAExportCommand(f *clientFlags) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "export INC-42 [--format markdown|html] [-o FILE]",
		Short: "Export the RCA, with the incident's action items, as Markdown or HTML",
		Example: `  arqir rca export INC-42 > INC-42-rca.md
  arqir rca export INC-42 --format html -o INC-42-rca.html`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: f.apiRunE(func(ctx context.Context, c *client.Client, cmd *cobra.Command, args []string) error {
			switch strings.ToLower(format) {
			case "markdown", "md":
				format = client.FormatMarkdown
			case "html":
				format = client.FormatHTML
			default:
				return usagef("--format %q: use markdown or html", format)
			}
			doc, _, err := c.ExportRCA(ctx, args[0], format)
			if err != nil {
				return err
			}
			if output == "" || output == "-" {
				_, err := cmd.OutOrStdout().Write(doc)
				return err
			}
			if err := os.WriteFile(output, doc, 0o644); err != nil {
				return &exitError{code: ExitFailure, err: fmt.Errorf("write %s: %w", output, err)}
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Wrote the RCA of %s to %s (%d bytes).\n", strings.ToUpper(args[0]), output, len(doc))
			return err
		}),
	}
	cmd.Flags().StringVar(&format, "format", "markdown", "markdown or html")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}
