package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/evaluate"
	"github.com/arqir/arqir/policy"
	"github.com/arqir/arqir/promapi"
)

// The built-in rule evaluator, for users without Alertmanager: every active
// integration of kind evaluator with a prometheus_url setting has the
// policy's detection rules (D1–D4, those with an expr) evaluated against
// that Prometheus-compatible query API every interval setting. The
// decisions (pending → firing → resolved, the for duration) are the pure
// evaluate package's; this file does the I/O: query, then feed the events
// through the one alert path, AlertService.Ingest, as that integration.
//
// `serve --evaluate-url` makes sure such an integration exists (created on
// the first start, found again by its URL later), and its flags win over
// the stored interval. A failed query is logged once per outage, counted in
// arqir_evaluator_errors_total, and changes nothing: no alert is invented
// or resolved for want of data. State lives in memory; on the first
// evaluation of an integration its firing alerts are read back from the
// store, so a condition that cleared while arqir was down still resolves.
// Every replica evaluates (ADR 0006): the dedup keys make their alerts the
// same alerts.

// Evaluator defaults and bounds.
const (
	DefaultEvaluateInterval = 30 * time.Second
	evaluatorTick           = 250 * time.Millisecond // how often the loop looks for due integrations
	evaluatorRelist         = 5 * time.Second        // how often the loop re-reads the integrations
	evaluatorName           = "prometheus-evaluator" // the integration --evaluate-url creates
	maxQueryTimeout         = 30 * time.Second
)

// evaluator is the runner; all fields after mu are guarded by it.
type evaluator struct {
	app         *App
	errors      *prometheus.CounterVec
	evaluations prometheus.Counter

	// flagID is the integration --evaluate-url runs under, 0 without the
	// flag; flagClient and the config's interval replace its settings.
	flagID     int64
	flagClient *promapi.Client

	mu       sync.Mutex
	runs     map[int64]*evalRun
	listedAt time.Time
}

// evalRun is one evaluator integration being evaluated.
type evalRun struct {
	in       *arqir.Integration
	client   *promapi.Client
	base     string // the URL for links, without credentials
	interval time.Duration
	next     time.Time                 // due from then
	restored bool                      // its firing alerts were read back
	states   map[string]evaluate.State // by rule id
	failing  bool                      // the last evaluation had an error (logged once)
}

// initEvaluator registers the evaluator's metrics and, with --evaluate-url,
// finds or creates its integration. Returns EINVALID for bad flags.
func (a *App) initEvaluator(ctx context.Context, reg prometheus.Registerer) error {
	e := &evaluator{
		app:  a,
		runs: map[int64]*evalRun{},
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arqir_evaluator_errors_total",
			Help: "Failures of the built-in rule evaluator, by stage: query (Prometheus unreachable or refusing the query), ingest (storing the alerts), restore (reading firing alerts back after a start).",
		}, []string{"stage"}),
		evaluations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "arqir_evaluator_rule_evaluations_total",
			Help: "Detection rules the built-in evaluator queried and evaluated successfully.",
		}),
	}
	for _, stage := range []string{"query", "ingest", "restore"} {
		e.errors.WithLabelValues(stage) // export zeros, so alerts on the rate work from the start
	}
	reg.MustRegister(e.errors, e.evaluations)
	a.evaluator = e
	if a.cfg.EvaluateURL == "" {
		return nil
	}
	client, err := checkEvaluateConfig(&a.cfg)
	if err != nil {
		return err
	}
	in, err := e.flagIntegration(ctx, client.String())
	if err != nil {
		return fmt.Errorf("the integration of --evaluate-url: %w", err)
	}
	e.flagID, e.flagClient = in.ID, client
	a.cfg.Logger.Info("built-in evaluator", "integration", in.Name, "id", in.ID, "prometheus", client.String(), "interval", a.cfg.EvaluateInterval, "service", in.Service)
	return nil
}

// checkEvaluateConfig checks the evaluator's flags and fills in the default
// interval; New calls it before opening the database. Returns EINVALID.
func checkEvaluateConfig(cfg *Config) (*promapi.Client, error) {
	if cfg.EvaluateURL == "" {
		return nil, nil
	}
	if cfg.EvaluateInterval == 0 {
		cfg.EvaluateInterval = DefaultEvaluateInterval
	}
	if cfg.EvaluateInterval < time.Second || cfg.EvaluateInterval > time.Hour {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "evaluate_interval", "--evaluate-interval %s: give a duration from 1s to 1h, e.g. 30s", cfg.EvaluateInterval)
	}
	client, err := promapi.New(cfg.EvaluateURL, nil)
	if err != nil {
		return nil, arqir.FieldErrorf(arqir.EINVALID, "evaluate_url", "--evaluate-url: %s", err)
	}
	return client, nil
}

// flagIntegration returns the active evaluator integration of the URL
// (without credentials, as settings are never secret), creating it on the
// first start.
func (e *evaluator) flagIntegration(ctx context.Context, base string) (*arqir.Integration, error) {
	find := func() (*arqir.Integration, error) {
		all, err := e.app.Store.Integrations(ctx)
		if err != nil {
			return nil, err
		}
		for _, in := range all {
			if in.Active() && in.Kind == arqir.KindEvaluator && in.Setting(arqir.SettingPrometheusURL) == base {
				return in, nil
			}
		}
		return nil, nil
	}
	in, err := find()
	if err != nil || in != nil {
		if in != nil && e.app.cfg.EvaluateService != "" && in.Service != e.app.cfg.EvaluateService {
			e.app.cfg.Logger.Warn("--evaluate-service differs from the service of the evaluator's integration, which stays; to change it, revoke the integration and start again",
				"integration", in.Name, "id", in.ID, "service", in.Service, "flag", e.app.cfg.EvaluateService)
		}
		return in, err
	}
	n := arqir.NewIntegration{
		Name:     evaluatorName,
		Kind:     arqir.KindEvaluator,
		Service:  e.app.cfg.EvaluateService,
		Settings: map[string]string{arqir.SettingPrometheusURL: base, arqir.SettingInterval: e.app.cfg.EvaluateInterval.String()},
	}
	for attempt := 0; attempt < 2; attempt++ {
		_, in, err = e.app.Store.CreateIntegration(ctx, n)
		if arqir.ErrorCode(err) != arqir.ECONFLICT {
			return in, err
		}
		// Another replica made it just now, or the name is taken by an
		// evaluator of another URL: look again, then use a name of this URL.
		if in, err = find(); in != nil || err != nil {
			return in, err
		}
		sum := sha256.Sum256([]byte(base))
		n.Name = evaluatorName + "-" + hex.EncodeToString(sum[:4])
	}
	return nil, err
}

// startEvaluator runs the evaluator loop until ctx ends.
func (a *App) startEvaluator(ctx context.Context) {
	a.stopped.Add(1)
	go func() {
		defer a.stopped.Done()
		t := time.NewTicker(evaluatorTick)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				a.evaluator.due(ctx, false) // errors are logged and counted per integration
			}
		}
	}()
}

// Evaluate runs every evaluator integration that is due at the clock's now,
// re-reading the integrations first; the loop of Start calls it on its own.
// It returns the evaluation errors, which are also logged and counted.
func (a *App) Evaluate(ctx context.Context) error {
	return a.evaluator.due(ctx, true)
}

// due evaluates the integrations due at now.
func (e *evaluator) due(ctx context.Context, relist bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.app.cfg.Now()
	if relist || e.listedAt.IsZero() || now.Sub(e.listedAt) >= evaluatorRelist || now.Before(e.listedAt) {
		if err := e.relist(ctx); err != nil {
			return fmt.Errorf("list the evaluator integrations: %w", err)
		}
		e.listedAt = now
	}
	var errs []error
	for _, run := range e.runs {
		if now.Before(run.next) {
			continue
		}
		run.next = now.Add(run.interval)
		err := e.evaluate(ctx, run, now)
		switch {
		case err != nil && !run.failing:
			e.app.cfg.Logger.Warn("built-in evaluator failed; alerts of its rules stay as they are until it works again", "integration", run.in.Name, "id", run.in.ID, "err", err)
		case err == nil && run.failing:
			e.app.cfg.Logger.Info("built-in evaluator works again", "integration", run.in.Name, "id", run.in.ID)
		}
		run.failing = err != nil
		if err != nil {
			errs = append(errs, fmt.Errorf("integration %d (%s): %w", run.in.ID, run.in.Name, err))
		}
	}
	return errors.Join(errs...)
}

// relist brings the runs in line with the active evaluator integrations
// that have a Prometheus to query; a revoked one stops at once.
func (e *evaluator) relist(ctx context.Context) error {
	all, err := e.app.Store.Integrations(ctx)
	if err != nil {
		return err
	}
	keep := map[int64]bool{}
	for _, in := range all {
		base := in.Setting(arqir.SettingPrometheusURL)
		if !in.Active() || in.Kind != arqir.KindEvaluator || base == "" {
			continue
		}
		keep[in.ID] = true
		if run, ok := e.runs[in.ID]; ok {
			run.in = in
			continue
		}
		run := &evalRun{in: in, base: base, states: map[string]evaluate.State{}}
		if in.ID == e.flagID {
			run.client, run.interval = e.flagClient, e.app.cfg.EvaluateInterval
		} else {
			if run.client, err = promapi.New(base, nil); err != nil {
				e.app.cfg.Logger.Error("evaluator integration has an unusable prometheus_url; revoke it and create it again", "integration", in.Name, "id", in.ID, "err", err)
				continue
			}
			run.interval, _ = time.ParseDuration(in.Setting(arqir.SettingInterval)) // checked when stored
			run.interval = max(run.interval, time.Second)
		}
		e.runs[in.ID] = run
	}
	for id := range e.runs {
		if !keep[id] {
			delete(e.runs, id)
		}
	}
	return nil
}

// evaluate runs every rule of the active policy for one integration.
func (e *evaluator) evaluate(ctx context.Context, run *evalRun, now time.Time) error {
	if !run.restored {
		if err := e.restore(ctx, run); err != nil {
			e.errors.WithLabelValues("restore").Inc()
			return fmt.Errorf("read its firing alerts back: %w", err)
		}
		run.restored = true
	}
	rules, _ := e.app.Policies.Policy().AlertingRules()
	timeout := min(max(run.interval, 5*time.Second), maxQueryTimeout)
	var errs []error
	seen := map[string]bool{}
	for _, pr := range rules {
		seen[pr.RuleID] = true
		r := evaluatorRule(pr, run.base)
		qctx, cancel := context.WithTimeout(ctx, timeout)
		samples, err := run.client.Query(qctx, pr.Expr, now)
		cancel()
		if err != nil {
			e.errors.WithLabelValues("query").Inc()
			errs = append(errs, fmt.Errorf("rule %s: %w", pr.RuleID, err))
			continue // no result is not "the condition is false": the state stays
		}
		e.evaluations.Inc()
		next, events := evaluate.Step(run.states[pr.RuleID], r, now, toSamples(samples))
		if len(events) > 0 {
			if _, err := e.app.Store.Ingest(ctx, run.in.ID, "", events); err != nil {
				e.errors.WithLabelValues("ingest").Inc()
				errs = append(errs, fmt.Errorf("rule %s: store %d alert(s): %w", pr.RuleID, len(events), err))
				if arqir.ErrorCode(err) != arqir.EUNPROCESSABLE {
					continue // keep the old state: the next evaluation emits the events again
				}
				// The store refuses these events for good (over a limit);
				// retrying cannot help, so move on.
			}
		}
		run.states[pr.RuleID] = next
	}
	for id := range run.states {
		if !seen[id] {
			delete(run.states, id) // the rule left the policy (or lost its expr)
		}
	}
	return errors.Join(errs...)
}

// restore reads the integration's firing alerts back into the rules'
// states, so that they resolve when their condition no longer holds.
func (e *evaluator) restore(ctx context.Context, run *evalRun) error {
	f := arqir.AlertFilter{Status: arqir.AlertFiring, IntegrationID: run.in.ID, Limit: 500}
	for {
		page, err := e.app.Store.Alerts(ctx, f)
		if err != nil {
			return err
		}
		for _, al := range page.Alerts {
			id := al.Labels[policy.LabelRule]
			if id == "" || !strings.HasPrefix(al.DedupKey, "evaluator:"+id+":") {
				continue
			}
			run.states[id] = run.states[id].Restore(al.DedupKey, al.Labels, al.StartedAt)
		}
		if page.Next == "" {
			return nil
		}
		f.Cursor = page.Next
	}
}

// evaluatorRule is a policy rule as the evaluate package runs it.
func evaluatorRule(pr policy.AlertingRule, base string) evaluate.Rule {
	ann := map[string]string{"description": pr.Description}
	if pr.Runbook != "" {
		ann["runbook"] = pr.Runbook
	}
	unit := pr.Unit
	return evaluate.Rule{
		ID:          pr.RuleID,
		Alert:       pr.Alert,
		Comparison:  string(pr.Comparison),
		Threshold:   pr.Threshold,
		For:         pr.For.Std(),
		Labels:      pr.Labels,
		Annotations: ann,
		Summary:     pr.Summary,
		FormatValue: func(v float64) string { return policy.ValueText(v, unit) },
		Links:       []string{graphLink(base, policy.ComparedExpr(pr.Expr, pr.Comparison, pr.Threshold))},
	}
}

// graphLink is the expression in the Prometheus UI, without credentials.
func graphLink(base, expr string) string {
	if u, err := url.Parse(base); err == nil {
		u.User = nil
		base = u.String()
	}
	return strings.TrimRight(base, "/") + "/graph?g0.expr=" + url.QueryEscape(expr) + "&g0.tab=1"
}

func toSamples(in []promapi.Sample) []evaluate.Sample {
	out := make([]evaluate.Sample, len(in))
	for i, s := range in {
		out[i] = evaluate.Sample{Labels: s.Labels, Value: s.Value}
	}
	return out
}
