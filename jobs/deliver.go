package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/notify"
)

// deliver sends one claimed notification and records the outcome. When it
// was a page to a role, the store returns the per-channel notifications
// the role resolved into already claimed for us (committer.go), and they
// are sent at once, concurrently, by this worker: no second claim and no
// wait behind the queue. It returns how many of those it handled.
func (d *Dispatcher) deliver(ctx context.Context, rec *committer, n *arqir.Notification) (int, error) {
	out := rec.record(n, d.attempt(ctx, n))
	err := d.recorded(n, out.Err)
	switch len(out.Claimed) {
	case 0:
		return 0, err
	case 1:
		sent, cerr := d.deliver(ctx, rec, out.Claimed[0])
		return 1 + sent, errors.Join(err, cerr)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sent = len(out.Claimed)
		errs = []error{err}
	)
	for _, c := range out.Claimed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := d.deliver(ctx, rec, c)
			mu.Lock()
			sent += k
			errs = append(errs, err)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return sent, errors.Join(errs...)
}

// attempt decides the delivery of one notification.
func (d *Dispatcher) attempt(ctx context.Context, n *arqir.Notification) arqir.Delivery {
	if ctx.Err() != nil {
		// Claimed but not attempted, because the dispatcher is stopping:
		// back to the queue at once, the attempt not counted, instead of
		// lapsing and being retried as ambiguous.
		return arqir.Delivery{State: arqir.NotificationQueued, Deferred: true, RetryAt: d.cfg.Now(), Reason: "the dispatcher stopped before sending; queued again"}
	}
	if n.Channel == "" {
		return d.resolveUnlessStopped(ctx, n)
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
	// The in-app log needs neither the incident's refs nor, for a notice
	// nothing stops, its state: the read is skipped.
	if configured || stoppable(n.Purpose) {
		st, err := d.cfg.Store.SendState(ctx, n.IncidentID)
		if err != nil {
			return d.retry(n, &notify.Error{Retryable: true, Err: fmt.Errorf("read the state of %s: %w", n.IncidentID, err)})
		}
		// Checked again right before the provider call: an acknowledgement
		// that committed after this notification was claimed (or after the
		// page it was resolved from) still stops it.
		if why := arqir.PageStopped(n.Purpose, st.Status, st.Acknowledged, st.AcknowledgedBy); why != "" {
			return arqir.Delivery{State: arqir.NotificationCancelled, Reason: why}
		}
		job.Refs = st.Refs
	}
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

// resolveUnlessStopped resolves a page to a role. It reads no incident
// state first: the store checks, in the transaction that records the
// resolution (or a retry), whether the incident was acknowledged or
// resolved, and cancels instead (delivery contract 5). Only a failure is
// recorded as is, so an acknowledgement that came first explains it.
func (d *Dispatcher) resolveUnlessStopped(ctx context.Context, n *arqir.Notification) arqir.Delivery {
	res := d.resolve(ctx, n)
	if res.State != arqir.NotificationFailed {
		return res
	}
	if st, err := d.cfg.Store.SendState(ctx, n.IncidentID); err == nil {
		if why := arqir.PageStopped(n.Purpose, st.Status, st.Acknowledged, st.AcknowledgedBy); why != "" {
			return arqir.Delivery{State: arqir.NotificationCancelled, Reason: why}
		}
	}
	return res
}

// stoppable says whether an acknowledgement or resolution can stop a
// notification of the purpose (arqir.PageStopped).
func stoppable(purpose string) bool {
	return arqir.PageStopped(purpose, arqir.StatusResolved, true, "") != ""
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
