package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
)

func newServeCommand() *cobra.Command {
	var cfg app.Config
	var logFormat string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run arqir: API, scheduler and everything else, in one process",
		Long: `Run arqir. With no flags it keeps its data in ./arqir.db (SQLite), loads the
ARQ procedures as its policy and listens on http://127.0.0.1:8080. On the first
start it prints an admin token once.

Signals: SIGTERM/SIGINT shut down gracefully; SIGHUP re-applies --policy.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := newLogger(logFormat)
			if err != nil {
				return err
			}
			cfg.Logger, cfg.Out = logger, cmd.OutOrStdout()
			return serve(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", envOr("ARQIR_ADDR", "127.0.0.1:8080"), "listen address (env ARQIR_ADDR)")
	f.StringVar(&cfg.DB, "db", envOr("ARQIR_DB", "arqir.db"), "SQLite file or postgres:// URL (env ARQIR_DB)")
	f.StringVar(&cfg.PolicyFile, "policy", os.Getenv("ARQIR_POLICY"), "policy YAML to apply; refused with every problem listed if invalid (env ARQIR_POLICY)")
	f.DurationVar(&cfg.SweepInterval, "sweep-interval", time.Second, "how often due deadlines are checked")
	f.BoolVar(&cfg.MetricsRequireToken, "metrics-require-token", false, "require a bearer token on /metrics")
	f.StringVar(&cfg.PublicURL, "public-url", os.Getenv("ARQIR_PUBLIC_URL"), "URL monitoring tools reach arqir at, e.g. https://arqir.example.com; integration endpoint URLs start with it (env ARQIR_PUBLIC_URL; default: each request's host)")
	f.StringVar(&cfg.EvaluateURL, "evaluate-url", os.Getenv("ARQIR_EVALUATE_URL"), "run the built-in rule evaluator (D1–D4) against this Prometheus-compatible API, e.g. http://127.0.0.1:9090, for setups without Alertmanager (env ARQIR_EVALUATE_URL)")
	f.DurationVar(&cfg.EvaluateInterval, "evaluate-interval", 30*time.Second, "how often the built-in evaluator queries, 1s to 1h")
	f.StringVar(&cfg.EvaluateService, "evaluate-service", os.Getenv("ARQIR_EVALUATE_SERVICE"), "service of the evaluator's alerts that have no service label, set when its integration is created (env ARQIR_EVALUATE_SERVICE)")
	f.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	f.DurationVar(&cfg.DispatchLease, "dispatch-lease", 30*time.Second, "how long a notification may be sending before another dispatcher takes it over (a crashed send is retried with the same idempotency key); longer than --dispatch-send-timeout")
	f.DurationVar(&cfg.DispatchSendTimeout, "dispatch-send-timeout", 10*time.Second, "how long one call to a provider (Slack, PagerDuty, SMTP, …) may take before it counts as failed and is retried")
	notifyFlags(f, &cfg.Notify)
	return cmd
}

func serve(ctx context.Context, cfg app.Config) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg)
	var pe *app.PolicyError
	if errors.As(err, &pe) {
		return &usageError{msg: pe.Error()}
	} else if arqir.ErrorCode(err) == arqir.EINVALID {
		return &usageError{msg: arqir.ErrorMessage(err)}
	} else if err != nil {
		return err
	}
	if err := a.Start(ctx); err != nil {
		a.Close()
		return err
	}
	fmt.Fprintf(cfg.Out, "arqir is running at %s  (API %s/api/v1, health %s/healthz)\n", a.URL(), a.URL(), a.URL())

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			a.ReloadPolicy(ctx)
		case <-ctx.Done():
			cfg.Logger.Info("shutting down")
			return a.Close()
		}
	}
}

func newLogger(format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, nil)), nil
	}
	return nil, usagef("--log-format %q: use text or json", format)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
