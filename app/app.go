// Package app wires arqir together: configuration, the database, the active
// policy, the HTTP server and the scheduler. It is the only package that
// knows every adapter; tests start the real program through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/api"
	"github.com/arqir/arqir/ingest"
	"github.com/arqir/arqir/ingest/httpingest"
	"github.com/arqir/arqir/jobs"
	"github.com/arqir/arqir/policy"
)

// Config is everything `arqir serve` can be told.
type Config struct {
	Addr       string // listen address; default 127.0.0.1:8080
	DB         string // SQLite path or postgres:// URL; default arqir.db
	PolicyFile string // a policy to apply at start (and on SIGHUP); empty keeps the stored one

	SweepInterval       time.Duration // how often due deadlines are swept; default 1s
	MetricsRequireToken bool          // /metrics needs a token too
	// PublicURL is where people and monitoring tools reach arqir, e.g.
	// https://arqir.example.com (behind a proxy, the proxy's URL). The
	// endpoint URLs shown for integrations start with it; empty builds
	// them from each request's Host and X-Forwarded-Proto.
	PublicURL string
	// IngestSources replace the registry's ingest source of the same kind;
	// tests use it for a CloudWatch source that trusts a local SNS.
	IngestSources []ingest.Source
	// EvaluateURL, when set, runs the built-in rule evaluator against this
	// Prometheus-compatible query API under an evaluator integration it
	// creates on the first start (app/evaluator.go).
	EvaluateURL string
	// EvaluateInterval is how often the evaluator queries; default 30s.
	EvaluateInterval time.Duration
	// EvaluateService is the service of the evaluator integration's alerts
	// that carry no service label; empty: none.
	EvaluateService string

	// Notify configures the providers notifications go out through
	// (app/notify.go); empty, everything goes to the in-app log.
	Notify NotifyConfig
	// ManualDispatch runs no background dispatcher: tests with a fake clock
	// call Dispatch after moving it.
	ManualDispatch bool
	// DispatchLease is how long a claimed notification may be sending
	// before another dispatcher takes it over; default 30s.
	DispatchLease time.Duration
	// DispatchSendTimeout bounds one provider call; default 10s.
	DispatchSendTimeout time.Duration

	Logger *slog.Logger     // default: JSON to stderr
	Now    func() time.Time // the clock; default time.Now (tests pass a fake)
	Out    io.Writer        // where the first-run banner goes; default stdout
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.DB == "" {
		c.DB = "arqir.db"
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Out == nil {
		c.Out = os.Stdout
	}
}

// App is a running arqir server.
type App struct {
	cfg      Config
	Store    arqir.Store
	Policies *Policies
	Handler  http.Handler

	evaluator *evaluator // the built-in rule evaluator (app/evaluator.go)

	dispatcher *jobs.Dispatcher // sends notifications (app/paging.go)
	// deadlinesChanged wakes the scheduler after a write that may have
	// added a deadline, so it can wake when that one is due.
	deadlinesChanged chan struct{}
	ackKey           []byte // signs acknowledge links

	listener net.Listener
	server   *http.Server
	stop     context.CancelFunc // ends the scheduler
	stopped  sync.WaitGroup
}

// New opens the database, makes the policy current and builds the handler.
// It does not listen yet: call Start or Run.
func New(ctx context.Context, cfg Config) (*App, error) {
	cfg.defaults()
	publicURL, err := CheckPublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	cfg.PublicURL = publicURL
	if _, err := checkEvaluateConfig(&cfg); err != nil {
		return nil, err
	}
	if err := checkDispatchConfig(cfg); err != nil {
		return nil, err
	}
	store, err := OpenStore(ctx, cfg.DB, cfg.Now)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, Store: store, deadlinesChanged: make(chan struct{}, 1)}
	if err := a.init(ctx); err != nil {
		store.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) init(ctx context.Context) error {
	var err error
	if a.Policies, err = loadPolicies(ctx, a.Store, a.cfg.PublicURL, a.cfg.Notify.WebhookURL != ""); err != nil {
		return err
	}
	if a.cfg.PolicyFile != "" {
		if err := a.applyPolicyFile(ctx); err != nil {
			return err
		}
	}
	if err := a.firstRun(ctx); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := a.initEvaluator(ctx, reg); err != nil {
		return err
	}
	if err := a.initPaging(ctx); err != nil {
		return err
	}
	apiHandler := api.New(api.Config{
		Store:                  a.Store,
		Policies:               a.Policies,
		Logger:                 a.cfg.Logger,
		Registry:               reg,
		MetricsRequireToken:    a.cfg.MetricsRequireToken,
		Ready:                  a.Store.Ping,
		PublicURL:              a.cfg.PublicURL,
		AckLinkKey:             a.ackKey,
		SlackSigningSecret:     a.cfg.Notify.SlackSigningSecret,
		PagerDutyWebhookSecret: a.cfg.Notify.PagerDutyWebhookSecret,
		GitHubWebhookSecret:    a.cfg.Notify.GitHubWebhookSecret,
	})
	ingestHandler := httpingest.New(httpingest.Config{
		Integrations: a.Store,
		Alerts:       a.Store,
		Sources:      a.cfg.IngestSources,
		Logger:       a.cfg.Logger,
		Registry:     reg,
		Now:          a.cfg.Now,
	})
	a.Handler = a.wakeOnWrite(a.withWeb(Mount(apiHandler, ingestHandler)))
	return nil
}

// Mount serves inbound alerts under /ingest/ and everything else from the
// API handler: the one HTTP surface of `arqir serve`.
func Mount(apiHandler, ingestHandler http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(httpingest.Prefix, ingestHandler)
	mux.Handle("/", apiHandler)
	return mux
}

// applyPolicyFile applies --policy. An invalid file is refused with every
// problem listed; the stored policy stays active.
func (a *App) applyPolicyFile(ctx context.Context) error {
	src, err := os.ReadFile(a.cfg.PolicyFile)
	if err != nil {
		return &PolicyError{File: a.cfg.PolicyFile, Problems: []api.PolicyProblem{{Message: "cannot read it: " + err.Error()}}}
	}
	rec, created, problems, err := a.Policies.Apply(ctx, src, "serve --policy "+a.cfg.PolicyFile)
	if err != nil {
		return err
	} else if len(problems) > 0 {
		return &PolicyError{File: a.cfg.PolicyFile, Problems: problems}
	}
	if created {
		a.cfg.Logger.Info("policy applied", "file", a.cfg.PolicyFile, "revision", rec.Revision, "version", rec.Version, "hash", rec.Hash)
	}
	return nil
}

// PolicyError lists why a policy file was refused.
type PolicyError struct {
	File     string
	Problems []api.PolicyProblem
}

func (e *PolicyError) Error() string {
	msg := fmt.Sprintf("policy %s has %d problem(s); nothing was applied:", e.File, len(e.Problems))
	for _, p := range e.Problems {
		msg += "\n  " + policy.Problem{Path: p.Path, Line: p.Line, Message: p.Message}.String()
	}
	return msg
}

// firstRun prints an admin token once, on a database that never had one,
// and then the password of an admin who can sign in to the web UI, on a
// database where nobody can (app/firstrun_login.go).
func (a *App) firstRun(ctx context.Context) error {
	n, err := a.Store.CountTokens(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		secret, _, err := a.Store.CreateToken(ctx, "admin", arqir.RoleAdmin)
		switch {
		case arqir.ErrorCode(err) == arqir.ECONFLICT:
			// another replica starting at the same time made it and printed it
		case err != nil:
			return fmt.Errorf("create the first admin token: %w", err)
		default:
			fmt.Fprintf(a.cfg.Out, "\nFirst start: created an admin API token. It is shown only this once:\n\n    %s\n\n"+
				"Use it with:  export ARQIR_TOKEN=%s\n"+
				"Make more with:  arqir token create --role responder --name <who>\n\n", secret, secret)
		}
	}
	return a.firstLogin(ctx)
}

// Start listens and serves in the background; the scheduler runs until ctx ends.
func (a *App) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (is another arqir running? choose another --addr): %w", a.cfg.Addr, err)
	}
	a.listener = ln
	if a.cfg.PublicURL == "" {
		a.Policies.setBaseURL(a.URL())
	}
	a.server = &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.cfg.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := a.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.cfg.Logger.Error("http server stopped", "err", err)
		}
	}()
	ctx, a.stop = context.WithCancel(ctx)
	a.stopped.Add(1)
	go func() {
		defer a.stopped.Done()
		a.schedule(ctx)
	}()
	a.startEvaluator(ctx)
	if !a.cfg.ManualDispatch {
		a.stopped.Add(1)
		go func() {
			defer a.stopped.Done()
			a.dispatcher.Run(ctx)
		}()
	}
	a.cfg.Logger.Info("arqir serving", "url", a.URL(), "db", redactURL(a.cfg.DB), "policy_revision", a.Policies.Active().Revision, "policy_version", a.Policies.Active().Version)
	return nil
}

// URL is the base URL the server listens on.
func (a *App) URL() string {
	if a.listener == nil {
		return ""
	}
	return "http://" + a.listener.Addr().String()
}

// Close stops the scheduler and the server (letting requests in flight
// finish), then closes the database.
func (a *App) Close() error {
	if a.stop != nil {
		a.stop()
		a.stopped.Wait()
	}
	if a.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.server.Shutdown(ctx); err != nil {
			a.cfg.Logger.Warn("shutdown", "err", err)
		}
	}
	return a.Store.Close()
}

// Sweep runs one scheduler tick at the clock's now: picks up a policy
// applied elsewhere, breaches due deadlines, makes the on-call handoff
// reports and prompts that are due (app/oncall.go) and forgets old ingest
// request keys.
func (a *App) Sweep(ctx context.Context) (int, error) {
	if err := a.Policies.refresh(ctx); err != nil {
		a.cfg.Logger.Error("policy refresh", "err", err)
	}
	now := a.cfg.Now()
	// SweepDeadlines also forgets expired ingest request keys, a bounded
	// batch at a time (its tested contract): no second pass here.
	n, err := a.Store.SweepDeadlines(ctx, now)
	// Owners of overdue action items are reminded once a day (P4).
	_, itemsErr := a.Store.SweepActionItems(ctx, now)
	// A breach may have queued an escalation or a reminder.
	a.dispatcher.Wake()
	return n, errors.Join(err, a.sweepOnCall(ctx, now), itemsErr)
}

func (a *App) schedule(ctx context.Context) {
	full := time.NewTicker(a.cfg.SweepInterval)
	defer full.Stop()
	// Between full ticks the scheduler also wakes when the next deadline is
	// due, so an escalation fires within milliseconds of its due time rather
	// than up to a tick late (delivery contract 4). Tests that drive the
	// clock themselves (ManualDispatch) sweep explicitly instead.
	first := time.Duration(0)
	if a.cfg.ManualDispatch {
		first = a.cfg.SweepInterval
	}
	due := time.NewTimer(first)
	defer due.Stop()
	failed := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.deadlinesChanged:
		case <-full.C:
			n, err := a.Sweep(ctx)
			if err != nil && ctx.Err() == nil {
				a.cfg.Logger.Error("deadline sweep", "err", err)
			} else if n > 0 {
				a.cfg.Logger.Warn("deadlines breached", "count", n)
			}
		case <-due.C:
			n, err := a.Store.SweepDeadlines(ctx, a.cfg.Now())
			if err != nil && ctx.Err() == nil {
				a.cfg.Logger.Error("deadline sweep", "err", err)
			} else if n > 0 {
				a.dispatcher.Wake()
			}
			failed = err != nil
		}
		if a.cfg.ManualDispatch {
			continue
		}
		// New deadlines come with writes (which signal deadlinesChanged)
		// and with sweeps; looking at least every second also catches
		// those of other replicas.
		sleep := min(a.cfg.SweepInterval, time.Second)
		// A deadline that could not be breached waits for the next full
		// tick: retrying it at once would spin.
		if next, err := a.Store.NextDeadlineAt(ctx); err == nil && next != nil && !failed {
			sleep = min(sleep, max(5*time.Millisecond, next.Sub(a.cfg.Now())+time.Millisecond))
		}
		if !due.Stop() {
			select {
			case <-due.C:
			default:
			}
		}
		due.Reset(sleep)
	}
}

// ReloadPolicy re-applies --policy (on SIGHUP); problems are logged and the
// active policy stays.
func (a *App) ReloadPolicy(ctx context.Context) {
	if a.cfg.PolicyFile == "" {
		a.cfg.Logger.Info("SIGHUP ignored: no --policy file to reload")
		return
	}
	if err := a.applyPolicyFile(ctx); err != nil {
		a.cfg.Logger.Error("policy reload refused; the active policy stays", "err", err)
	}
}
