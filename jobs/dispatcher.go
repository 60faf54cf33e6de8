// Package jobs runs arqir's durable outbound work: it takes due
// notifications from the store's outbox, sends them through the notifier of
// their channel and records every outcome. The outbox rows are the queue;
// this package holds no state a crash could lose (docs/adr/0009).
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// Store is what the dispatcher needs from the database.
type Store interface {
	arqir.NotificationService
	Incident(ctx context.Context, id arqir.IncidentID) (*arqir.Incident, error)
	Contacts(ctx context.Context, at time.Time) (*arqir.ContactDirectory, error)
	User(ctx context.Context, handle string) (*arqir.User, error)
	WhoIsOnCall(ctx context.Context, schedule string, at time.Time) ([]*arqir.OnCallAnswer, error)
	SetActionItemTrackerURL(ctx context.Context, id int64, url string) error
}

// Resolver turns a notification addressed to a person or role into one
// intent per channel that person is reached on (escalate.Resolve).
type Resolver func(n *arqir.Notification, c arqir.Contact, channels []string) ([]arqir.NotificationIntent, error)

// Config configures a Dispatcher.
type Config struct {
	Store    Store            // required
	Registry *notify.Registry // required
	Resolve  Resolver         // required
	Now      func() time.Time
	Logger   *slog.Logger
	// Lease is how long a claim lasts: a send still running after it is
	// presumed dead and taken over (counted ambiguous). Default 30s; it must
	// exceed SendTimeout.
	Lease time.Duration
	// SendTimeout bounds one provider call. Default 10s.
	SendTimeout time.Duration
	// MaxAttempts bounds retries of retryable failures. Default 6; the
	// escalation chain is the outer retry.
	MaxAttempts int
	// Backoff is the first retry delay, doubled per attempt with jitter up
	// to MaxBackoff. Defaults 2s and 2m.
	Backoff, MaxBackoff time.Duration
	// Workers is how many sends run at once. Default 8.
	Workers int
	// Batch is how many notifications one claim takes: at most Workers, so
	// that every claimed notification is sent at once and its lease never
	// lapses while it waits in our own queue. Default Workers.
	Batch int
	// Limits are per-channel send rates (per second) with a burst of the
	// same size; a channel without one is unlimited. Providers rate-limit
	// (Slack: about 1 message per second per channel), and honouring that
	// locally beats collecting 429s.
	Limits map[string]float64
	// AckLink returns the acknowledge link of a page, or "" (api serves it).
	AckLink func(n *arqir.Notification) string
	// Idle bounds how long Run sleeps when nothing is due, so work queued
	// by another replica is found. Default 1s.
	Idle time.Duration
}

// Dispatcher sends due notifications. Any number may run against one
// database: claims are fenced in the store.
type Dispatcher struct {
	cfg    Config
	limits map[string]*rate.Limiter
	wake   chan struct{}
	sem    chan struct{}
}

// New returns a dispatcher; it panics on a wiring mistake.
func New(cfg Config) *Dispatcher {
	if cfg.Store == nil || cfg.Registry == nil || cfg.Resolve == nil {
		panic("jobs.New: Store, Registry and Resolve are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 10 * time.Second
	}
	if cfg.Lease <= cfg.SendTimeout {
		cfg.Lease = 3 * cfg.SendTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 6
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 2 * time.Second
	}
	if cfg.MaxBackoff < cfg.Backoff {
		cfg.MaxBackoff = 2 * time.Minute
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.Batch <= 0 || cfg.Batch > cfg.Workers {
		cfg.Batch = cfg.Workers
	}
	if cfg.Idle <= 0 {
		cfg.Idle = time.Second
	}
	d := &Dispatcher{cfg: cfg, limits: map[string]*rate.Limiter{}, wake: make(chan struct{}, 1), sem: make(chan struct{}, cfg.Workers)}
	for ch, perSec := range cfg.Limits {
		burst := max(1, int(perSec))
		d.limits[ch] = rate.NewLimiter(rate.Limit(perSec), burst)
	}
	return d
}

// Wake makes a sleeping Run look for work now (something was just queued).
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run dispatches until ctx ends. Each worker slot sends on its own: a
// provider that hangs holds its slots for at most SendTimeout while the
// others keep claiming and sending, so one slow gateway cannot hold every
// other page back. When nothing is due it sleeps until the next
// notification is due, a Wake, a freed slot, or Idle, whichever comes first.
func (d *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	freed := make(chan struct{}, 1)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-d.wake:
		case <-freed:
		}
		free := cap(d.sem) - len(d.sem)
		sleep := d.cfg.Idle
		if free > 0 {
			batch, err := d.cfg.Store.ClaimNotifications(ctx, d.cfg.Now(), d.cfg.Lease, free)
			if err != nil && ctx.Err() == nil {
				d.cfg.Logger.Error("claim notifications", "err", err)
			}
			for _, n := range batch {
				d.sem <- struct{}{} // never blocks: at most free were claimed
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := d.deliver(ctx, n); err != nil && ctx.Err() == nil {
						d.cfg.Logger.Error("dispatch notification", "notification", n.ID, "err", err)
					}
					<-d.sem
					select {
					case freed <- struct{}{}:
					default:
					}
				}()
			}
			if len(batch) == free {
				sleep = 0 // every slot got work: there is probably more
			}
		}
		if sleep > 0 {
			if next, err := d.cfg.Store.NextNotificationAt(ctx); err == nil && next != nil {
				// A floor: a due row another replica holds locked must not
				// make this loop spin.
				sleep = min(sleep, max(5*time.Millisecond, next.Sub(d.cfg.Now())))
			}
		}
		if free == 0 {
			sleep = d.cfg.Idle // a freed slot wakes the loop before this
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(sleep)
	}
}

// RunOnce claims one batch of due notifications, sends them (Workers at a
// time) and records every outcome; it returns how many it claimed. Tests with
// a fake clock call it directly: it waits for every send it started.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	batch, err := d.cfg.Store.ClaimNotifications(ctx, d.cfg.Now(), d.cfg.Lease, d.cfg.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim notifications: %w", err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, n := range batch {
		select {
		case d.sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return len(batch), ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer func() { <-d.sem; wg.Done() }()
			if err := d.deliver(ctx, n); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return len(batch), errors.Join(errs...)
}

// Drain runs RunOnce until nothing is due at the clock's now: what a test
// with a fake clock calls after moving it.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := d.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// deliver sends one claimed notification and records the outcome. A
// recording that fails because the claim was lost (another replica took
// over after our lease lapsed) is not an error of ours: theirs counts.
func (d *Dispatcher) deliver(ctx context.Context, n *arqir.Notification) error {
	res := d.attempt(ctx, n)
	err := d.cfg.Store.FinishNotification(ctx, n.ID, n.Attempts, res, d.cfg.Now())
	if arqir.ErrorCode(err) == arqir.ECONFLICT {
		d.cfg.Logger.Warn("notification claim lost before its result was recorded", "notification", n.ID, "key", n.Key)
		return nil
	}
	if err != nil {
		return fmt.Errorf("record notification %d: %w", n.ID, err)
	}
	return nil
}

// attempt decides the delivery of one notification.
func (d *Dispatcher) attempt(ctx context.Context, n *arqir.Notification) arqir.Delivery {
	if n.Channel == "" {
		if inc, err := d.cfg.Store.Incident(ctx, n.IncidentID); err == nil {
			if why := arqir.PageStopped(n.Purpose, inc.Status, inc.AcknowledgedAt != nil, inc.AcknowledgedBy); why != "" {
				return arqir.Delivery{State: arqir.NotificationCancelled, Reason: why}
			}
		}
		return d.resolve(ctx, n)
	}
	notifier, configured := d.cfg.Registry.For(n.Channel)
	if notifier == nil {
		return arqir.Delivery{State: arqir.NotificationFailed, Reason: fmt.Sprintf("no %s provider is configured and there is no in-app log", n.Channel)}
	}
	if lim := d.limits[n.Channel]; lim != nil && configured {
		wctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
		err := lim.Wait(wctx)
		cancel()
		if err != nil {
			return arqir.Delivery{State: arqir.NotificationQueued, Deferred: true, RetryAt: d.cfg.Now().Add(time.Second), Reason: fmt.Sprintf("%s send rate limit reached; queued again", n.Channel)}
		}
	}
	job := &notify.Job{Notification: n, IdempotencyKey: n.Key}
	inc, err := d.cfg.Store.Incident(ctx, n.IncidentID)
	if err != nil {
		return d.retry(n, &notify.Error{Retryable: true, Err: fmt.Errorf("read %s: %w", n.IncidentID, err)})
	}
	// Checked again right before the provider call: an acknowledgement that
	// committed after this notification was claimed still stops it.
	if why := arqir.PageStopped(n.Purpose, inc.Status, inc.AcknowledgedAt != nil, inc.AcknowledgedBy); why != "" {
		return arqir.Delivery{State: arqir.NotificationCancelled, Reason: why}
	}
	job.Refs = inc.Refs
	// Only a notification to one person carries the one-click acknowledge
	// link: never a shared mailing list or a channel.
	if d.cfg.AckLink != nil && pageLike(n.Purpose) && n.Parent != 0 {
		m := n.Message
		m.AckURL = d.cfg.AckLink(n)
		cp := *n
		cp.Message = m
		job.Notification = &cp
	}
	sctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
	receipt, err := notifier.Notify(sctx, job)
	cancel()
	if err != nil {
		return d.retry(n, notify.AsError(err))
	}
	res := arqir.Delivery{State: arqir.NotificationDelivered, ProviderRef: receipt.Ref, Refs: receipt.Refs}
	if it := n.Message.ActionItem; n.Purpose == arqir.PurposeTrackerSync && it != nil && configured {
		// The issue link belongs to the action item, not the incident.
		res.Refs = nil
		if receipt.Ref != "" && it.TrackerURL != receipt.Ref {
			if err := d.cfg.Store.SetActionItemTrackerURL(ctx, it.ID, receipt.Ref); err != nil {
				d.cfg.Logger.Error("record the issue of an action item", "action_item", it.ID, "err", err)
			}
		}
	}
	if !configured {
		res.Reason = fmt.Sprintf("no %s provider is configured: kept in the in-app log", n.Channel)
	}
	return res
}

// retry turns a failed send into a retry or a failure.
func (d *Dispatcher) retry(n *arqir.Notification, e *notify.Error) arqir.Delivery {
	reason := e.Error()
	if !e.Retryable {
		return arqir.Delivery{State: arqir.NotificationFailed, Reason: reason, Ambiguous: e.Ambiguous}
	}
	if n.Attempts >= d.cfg.MaxAttempts {
		return arqir.Delivery{State: arqir.NotificationFailed, Reason: fmt.Sprintf("gave up after %d attempts: %s", n.Attempts, reason), Ambiguous: e.Ambiguous}
	}
	wait := d.backoff(n.Attempts)
	if e.RetryAfter > wait {
		wait = e.RetryAfter // the provider said when: never before
	}
	return arqir.Delivery{State: arqir.NotificationQueued, RetryAt: d.cfg.Now().Add(wait), Reason: reason, Ambiguous: e.Ambiguous}
}

// backoff is the delay before retry number attempt: exponential with full
// jitter in its upper half, so a provider recovering from an outage is not
// hit by every replica at the same instant.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	b := d.cfg.Backoff
	for i := 1; i < attempt && b < d.cfg.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.cfg.MaxBackoff)
	return b/2 + time.Duration(rand.Int64N(int64(b/2)+1))
}

// pageLike says whether a notification asks a person to act, so it carries
// an acknowledge link.
func pageLike(purpose string) bool {
	return purpose == arqir.PurposePage || purpose == arqir.PurposeEscalation || purpose == arqir.PurposeUpdateReminder
}
