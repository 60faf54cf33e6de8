package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// slots counts the notifications in flight: claimed and not yet recorded.
// The claim loop claims only for free slots, so every claimed notification
// starts sending at once and its lease never lapses in our own queue. The
// committer frees a slot when it records a result, and takes one for each
// per-channel notification a resolution claimed in the same transaction;
// those are sent at once too, so the count may exceed the size for a
// moment, and the loop then claims nothing until results are recorded.
type slots struct {
	mu    sync.Mutex
	size  int
	used  int
	freed chan struct{} // signalled when slots are released
}

func newSlots(size int) *slots { return &slots{size: size, freed: make(chan struct{}, 1)} }

// free returns how many notifications may be claimed now.
func (s *slots) free() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return max(0, s.size-s.used)
}

func (s *slots) take(n int) {
	s.mu.Lock()
	s.used += n
	s.mu.Unlock()
}

func (s *slots) release(n int) {
	if n == 0 {
		return
	}
	s.mu.Lock()
	s.used -= n
	s.mu.Unlock()
	select {
	case s.freed <- struct{}{}:
	default:
	}
}

// Run dispatches until ctx ends, then waits for the sends it started to
// end and their results to be recorded. Every free slot is claimed for in
// one transaction and each claimed notification is sent on its own: a
// provider that hangs holds its slots for at most SendTimeout while the
// others keep claiming and sending, so one slow gateway cannot hold every
// other page back. Results are recorded in batches as they come
// (committer.go), which frees their slots together, so the next claim is
// again one transaction for many. When nothing is due it sleeps until the
// next notification is due, a Wake, a freed slot, or Idle, whichever comes
// first.
func (d *Dispatcher) Run(ctx context.Context) {
	rec := d.startCommitter(ctx)
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		rec.stop()
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	// slotBound says whether due work may have been left in the queue for
	// want of free slots: the last claim filled every free slot, or there
	// was none. Only then is a freed slot worth a claim. Otherwise the last
	// claim took all that was due, and what is queued since wakes the loop
	// (Wake) or falls due on the timer. Under load results are recorded a
	// few hundred times a second, and a claim after each, nearly always
	// empty, was most of the claim transactions: on SQLite each took the one
	// writer lock from ingest, on PostgreSQL five round trips.
	slotBound := true
	wakeAt := time.Now() // when the timer fires
	for {
		claim := true
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-d.wake:
		case <-d.slots.freed:
			claim = slotBound
		}
		free := min(d.slots.free(), d.cfg.Batch)
		sleep := d.cfg.Idle
		if free > 0 && claim {
			batch, err := d.cfg.Store.ClaimNotifications(ctx, d.cfg.Now(), d.cfg.Lease, free)
			if err != nil && ctx.Err() == nil {
				d.cfg.Logger.Error("claim notifications", "err", err)
			}
			d.slots.take(len(batch))
			for _, n := range batch {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := d.deliver(ctx, rec, n); err != nil {
						d.cfg.Logger.Error("dispatch notification", "notification", n.ID, "err", err)
					}
				}()
			}
			slotBound = len(batch) == free || err != nil // a failed claim is tried again on a freed slot too
			if len(batch) == free {
				sleep = 0 // every slot got work: there is probably more
			}
		}
		if free == 0 {
			slotBound = true
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
		at := time.Now().Add(sleep)
		if !claim && wakeAt.After(time.Now()) && !at.Before(wakeAt) {
			// A freed slot that claimed nothing only ever brings the timer
			// forward: freed slots coming faster than the timer, or a failed
			// lookup, must not push back a claim that is due.
			continue
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(sleep)
		wakeAt = at
	}
}

// RunOnce claims one batch of due notifications, sends them and records
// every outcome, sending at once what a page to a role resolved into; it
// returns how many notifications it handled (the claimed ones and those
// resolutions). Tests with a fake clock call it directly: it returns once
// every send it started is recorded.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	batch, err := d.cfg.Store.ClaimNotifications(ctx, d.cfg.Now(), d.cfg.Lease, d.cfg.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim notifications: %w", err)
	}
	if len(batch) == 0 {
		return 0, nil
	}
	rec := d.startCommitter(ctx)
	d.slots.take(len(batch))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total = len(batch)
		errs  []error
	)
	for _, n := range batch {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sent, err := d.deliver(ctx, rec, n)
			mu.Lock()
			total += sent
			errs = append(errs, err)
			mu.Unlock()
		}()
	}
	wg.Wait()
	rec.stop()
	return total, errors.Join(errs...)
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

// recorded turns the outcome of recording a result into the worker's
// error. A claim lost before its result was recorded (another replica took
// over after our lease lapsed) is not an error of ours: theirs counts.
func (d *Dispatcher) recorded(n *arqir.Notification, err error) error {
	if arqir.ErrorCode(err) == arqir.ECONFLICT {
		d.cfg.Logger.Warn("notification claim lost before its result was recorded", "notification", n.ID, "key", n.Key)
		return nil
	}
	if err != nil {
		return fmt.Errorf("record notification %d: %w (its claim lapses after %s and it is sent again, counted ambiguous)", n.ID, err, d.cfg.Lease)
	}
	return nil
}
