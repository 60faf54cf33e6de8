package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir/policy"
)

func newRulesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "rules", Short: "The policy's detection rules (D1–D4) for monitoring tools"}
	cmd.AddCommand(newRulesExportCommand())
	return cmd
}

func newRulesExportCommand() *cobra.Command {
	var format, policyFile, forOverride, output string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the detection rules as a Prometheus rule file",
		Long: `Write the policy's detection rules (D1–D4: CPU, memory, error rate, p95
latency) as a Prometheus alerting rule file: one rule per detection rule with
its expr compared with its threshold, its for, and the labels that route the
alerts back to the rule in arqir (severity, rule). Load the file in
Prometheus (rule_files) and send its alerts to arqir through Alertmanager's
webhook (arqir integration create --kind alertmanager).

The policy is --policy FILE, else the built-in ARQ policy. Rules without an
expr are left out and named on stderr.

  arqir rules export --format prometheus > /etc/prometheus/arqir-rules.yml
  promtool check rules /etc/prometheus/arqir-rules.yml`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "prometheus" {
				return usagef("--format %q: use prometheus (the only format so far)", format)
			}
			p := policy.Default()
			if policyFile != "" {
				var err error
				if p, err = loadPolicyFile(policyFile); err != nil {
					return err
				}
			}
			var opts policy.PrometheusOptions
			if forOverride != "" {
				d, err := policy.ParseDuration(forOverride)
				if err != nil || d < 0 {
					return usagef("--for-override %q: give a duration like 10s or 1m", forOverride)
				}
				opts.ForOverride = &d
			}
			out, skipped := p.PrometheusRules(opts)
			for _, id := range skipped {
				fmt.Fprintf(cmd.ErrOrStderr(), "arqir: rule %s is left out: it has no expr; add expr: <PromQL> to it in the policy\n", id)
			}
			if output == "" || output == "-" {
				_, err := cmd.OutOrStdout().Write(out)
				return err
			}
			if err := os.WriteFile(output, out, 0o644); err != nil {
				return fmt.Errorf("write the rule file: %w", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "prometheus", "rule file format: prometheus")
	f.StringVar(&policyFile, "policy", os.Getenv("ARQIR_POLICY"), "policy YAML to export (env ARQIR_POLICY; default the built-in ARQ policy)")
	f.StringVar(&forOverride, "for-override", "", "replace the for of every rule that has one, e.g. 10s for a demo or a test")
	f.StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	return cmd
}
