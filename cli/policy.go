package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/policy"
)

func newPolicyCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "policy", Short: "Check, render and show the procedures-as-code policy"}

	check := &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a policy file offline; every problem is listed with its path and line",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := loadPolicyFile(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: valid (version %s, %s)\n", args[0], p.Version(), p.Hash())
			return nil
		},
	}

	render := &cobra.Command{
		Use:   "render [FILE]",
		Short: "Print the procedures as Markdown (the built-in ARQ policy when FILE is omitted)",
		Args:  argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := policy.Default()
			if len(args) == 1 {
				var err error
				if p, err = loadPolicyFile(args[0]); err != nil {
					return err
				}
			}
			_, err := fmt.Fprint(cmd.OutOrStdout(), p.Render())
			return err
		},
	}

	def := &cobra.Command{
		Use:   "default",
		Short: "Print the built-in policy YAML (a starting point for your own)",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(policy.DefaultYAML())
			return err
		},
	}
	cmd.AddCommand(check, render, def, newPolicyShowCommand())
	return cmd
}

// loadPolicyFile reads and validates a policy; problems exit with code 2.
func loadPolicyFile(path string) (*policy.Policy, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("read policy: %v", err)
	}
	p, err := policy.Load(src)
	var le *policy.LoadError
	if errors.As(err, &le) {
		var b strings.Builder
		fmt.Fprintf(&b, "%s has %d problem(s):", path, len(le.Problems))
		for _, pr := range le.Problems {
			fmt.Fprintf(&b, "\n  %s", pr)
		}
		return nil, usagef("%s", b.String())
	}
	return p, err
}
