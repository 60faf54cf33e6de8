// Package jobs runs arqir's durable outbound work: it takes due
// notifications from the store's outbox, sends them through the notifier of
// their channel and records every outcome. The outbox rows are the queue;
// this package holds no state a crash could lose (docs/adr/0009).
//
// The files: dispatcher.go (configuration), run.go (the claim loop and
// its slots), committer.go (results recorded in batches), deliver.go (one
// send), resolve.go (a role resolved to the person who fills it),
// shared.go (lookups shared by the pages resolving at once).
package jobs

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// Store is what the dispatcher needs from the database.
type Store interface {
	arqir.NotificationService
	Contact(ctx context.Context, role string, at time.Time) (arqir.Contact, error)
	User(ctx context.Context, handle string) (*arqir.User, error)
	WhoIsOnCall(ctx context.Context, schedule string, at time.Time) ([]*arqir.OnCallAnswer, error)
	SetActionItemTrackerURL(ctx context.Context, id int64, url string) error
}

// Resolver turns a notification addressed to a person or role into one
// intent per channel that person is reached on (escalate.Resolve).
type Resolver func(n *arqir.Notification, c arqir.Contact, channels []string) ([]arqir.NotificationIntent, error)

// DefaultWorkers is the default number of claimed notifications in flight.
// A slot is held from the claim until the result is recorded, so it bounds
// how many provider calls run at once: providers answer in 50–500 ms, and
// 8 slots at 250 ms would cap a replica at 32 sends/s whatever the
// database can do; 64 allow 256/s. Claims and results are batched (one
// transaction for all free slots, one for up to 64 results), so more
// slots cost no more transactions: they make each one carry more. In an
// alert storm on SQLite (bench/pageload rate, 2 200 notifications/s) 32
// slots finished 600–900/s, 64 and 128 kept up, and 64 gave the pages
// the lower latency (a page waits for the slots freed by one recorded
// batch, and smaller batches commit sooner). Each channel's rate limit
// (Config.Limits) still bounds what one provider sees.
const DefaultWorkers = 64

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
	// Workers is how many claimed notifications may be in flight (sending
	// or waiting for their result to be recorded). Default DefaultWorkers.
	Workers int
	// Batch is how many notifications one claim takes at most: never more
	// than Workers, so that every claimed notification is sent at once and
	// its lease never lapses while it waits in our own queue. Default
	// Workers.
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
	slots  *slots
	// Lookups of resolve.go, shared by the pages resolving at once.
	oncall   shared[[]*arqir.OnCallAnswer]
	users    shared[*arqir.User]
	contacts shared[arqir.Contact]
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
		cfg.Workers = DefaultWorkers
	}
	if cfg.Batch <= 0 || cfg.Batch > cfg.Workers {
		cfg.Batch = cfg.Workers
	}
	if cfg.Idle <= 0 {
		cfg.Idle = time.Second
	}
	d := &Dispatcher{cfg: cfg, limits: map[string]*rate.Limiter{}, wake: make(chan struct{}, 1), slots: newSlots(cfg.Workers)}
	for ch, perSec := range cfg.Limits {
		burst := max(1, int(perSec))
		d.limits[ch] = rate.NewLimiter(rate.Limit(perSec), burst)
	}
	return d
}

// Wake makes a sleeping Run look for work now (something was just queued).
// It never blocks: the store calls it after its commits.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}
