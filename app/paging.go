package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/escalate"
	"github.com/arqir/arqir/jobs"
	"github.com/arqir/arqir/rca"
)

// ackLinkLife is how long the acknowledge link in a page works: long enough
// for a page read late, short enough that an old e-mail is not a key forever.
const ackLinkLife = 24 * time.Hour

// initPaging builds the notifier registry and the dispatcher; the planner is
// installed with each policy (Policies.swap).
func (a *App) initPaging(ctx context.Context) error {
	reg, err := a.cfg.Notify.registry()
	if err != nil {
		return err
	}
	if a.ackKey, err = a.Store.ServerSecret(ctx, "ack-links"); err != nil {
		return err
	}
	a.Store.SetRCADrafter(rca.Draft)
	a.dispatcher = jobs.New(jobs.Config{
		Store:       a.Store,
		Registry:    reg,
		Resolve:     escalate.Resolve,
		Now:         a.cfg.Now,
		Logger:      a.cfg.Logger,
		Limits:      a.cfg.Notify.limits(),
		AckLink:     a.ackLink,
		Lease:       a.cfg.DispatchLease,
		SendTimeout: a.cfg.DispatchSendTimeout,
	})
	// The store wakes the dispatcher right after every commit that queued
	// a notification due at once (an ingest batch, an API change, a
	// deadline breach by the scheduler, any goroutine of this process), so
	// the first page leaves milliseconds after the alert is durable rather
	// than at the next poll. The dispatcher exists before the hook, which
	// may fire as soon as it is installed.
	if h, ok := a.Store.(queuedHooker); ok {
		h.SetQueuedHook(a.dispatcher.Wake)
	}
	return nil
}

// queuedHooker is a store that says when it queued notifications due at
// once (both SQL stores do).
type queuedHooker interface{ SetQueuedHook(fn func()) }

// ackLink is the one-click acknowledge link of a page (api serves /ack/).
func (a *App) ackLink(n *arqir.Notification) string {
	// The same base as the links in messages: --public-url, else the
	// policy's paging.base_url, else where this server listens.
	base := a.cfg.PublicURL
	if base == "" {
		base = strings.TrimRight(a.Policies.Rules().Paging.BaseURL, "/")
	}
	if base == "" {
		base = a.URL()
	}
	if base == "" {
		return ""
	}
	return base + "/ack/" + arqir.SignAckLink(a.ackKey, n.IncidentID, n.ID, a.cfg.Now().Add(ackLinkLife))
}

// Dispatch sends every notification due at the clock's now and returns how
// many it handled: what tests with a fake clock call after moving it.
func (a *App) Dispatch(ctx context.Context) (int, error) { return a.dispatcher.Drain(ctx) }

// wakeOnWrite wakes the dispatcher and the scheduler after every request
// that may have queued a notification or added a deadline. The store's
// queued hook (initPaging) already woke the dispatcher for work due at
// once; this wake also makes it see a notification queued for a moment
// before its next poll (the planner's "in 10 minutes unless
// acknowledged"), and costs one look when there is none.
func (a *App) wakeOnWrite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead && a.dispatcher != nil {
			a.dispatcher.Wake()
			select {
			case a.deadlinesChanged <- struct{}{}:
			default:
			}
		}
	})
}

// planner returns the planner for a policy's rules.
func planner(r arqir.Rules) arqir.Planner {
	return escalate.New(r.Paging).WithPostIncident(r.PostIncident)
}

// checkDispatchConfig refuses a lease a send could outlive: another replica
// would take the notification over while it is still being sent.
func checkDispatchConfig(cfg Config) error {
	send := cfg.DispatchSendTimeout
	if send == 0 {
		send = 10 * time.Second
	}
	switch {
	case send < 0:
		return arqir.FieldErrorf(arqir.EINVALID, "dispatch-send-timeout", "the send timeout %s is negative", send)
	case cfg.DispatchLease < 0 || (cfg.DispatchLease > 0 && cfg.DispatchLease <= send):
		return arqir.FieldErrorf(arqir.EINVALID, "dispatch-lease", "--dispatch-lease %s must be longer than a send may take (%s): a shorter lease lets another replica send the same page while this one still is", cfg.DispatchLease, send)
	}
	return nil
}
