package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/arqir/arqir"
)

// memStore is an outbox in memory with the store's claim and fencing
// rules, enough to test the dispatcher's decisions; the real claim fencing
// is tested by the conformance suite on both databases. Every method
// honours its context, as the databases do.
type memStore struct {
	mu       sync.Mutex
	n        []*arqir.Notification
	finished []arqir.Delivery
	users    map[string]*arqir.User
	contacts map[string]arqir.Contact
	oncall   string
	// contactErr fails Contact, as a database error would.
	contactErr error
	// The incident's state, as SendState answers it.
	status arqir.Status
	acked  string // who acknowledged, "" if nobody

	claims     int // ClaimNotifications calls
	sendStates int // SendState calls
	whoCalls   int // WhoIsOnCall calls
	// whoGate, when set, holds every WhoIsOnCall until it is closed.
	whoGate chan struct{}
	batches [][]int64 // the IDs of each FinishNotifications call
	singles []int64   // the IDs of each FinishNotification call
	// batchErr fails every FinishNotifications call; singleErr fails
	// FinishNotification of these IDs.
	batchErr  error
	singleErr map[int64]error
	// resolved runs, with the lock held, after a resolution is recorded.
	resolved func()
}

func newMemStore() *memStore {
	return &memStore{users: map[string]*arqir.User{}, contacts: map[string]arqir.Contact{}, status: arqir.StatusInvestigating}
}

func (s *memStore) Notifications(context.Context, arqir.NotificationFilter) ([]*arqir.Notification, error) {
	return nil, nil
}

func (s *memStore) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*arqir.Notification, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.claims++
	var out []*arqir.Notification
	for _, n := range s.n {
		if n.State == arqir.NotificationQueued && !n.NotBefore.After(now) && len(out) < limit {
			n.State, n.Attempts = arqir.NotificationSending, n.Attempts+1
			until := now.Add(lease)
			n.ClaimedUntil = &until
			cp := *n
			out = append(out, &cp)
		}
	}
	return out, nil
}

func (s *memStore) FinishNotification(ctx context.Context, id int64, attempt int, d arqir.Delivery, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.singles = append(s.singles, id)
	if err := s.singleErr[id]; err != nil {
		return err
	}
	_, err := s.finish(id, attempt, d, now, 0)
	return err
}

func (s *memStore) FinishNotifications(ctx context.Context, results []arqir.NotificationResult, now time.Time, lease time.Duration) ([]arqir.FinishOutcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for _, r := range results {
		ids = append(ids, r.ID)
	}
	s.batches = append(s.batches, ids)
	if s.batchErr != nil {
		return nil, s.batchErr
	}
	out := make([]arqir.FinishOutcome, len(results))
	for i, r := range results {
		out[i].Claimed, out[i].Err = s.finish(r.ID, r.Attempt, r.Delivery, now, lease)
	}
	return out, nil
}

// finish records one result, fenced by its attempt; with a lease the
// per-channel notifications of a resolution are returned claimed.
func (s *memStore) finish(id int64, attempt int, d arqir.Delivery, now time.Time, lease time.Duration) ([]*arqir.Notification, error) {
	var n *arqir.Notification
	for _, m := range s.n {
		if m.ID == id {
			n = m
		}
	}
	if n == nil {
		return nil, arqir.Errorf(arqir.ENOTFOUND, "no notification %d", id)
	}
	if n.State != arqir.NotificationSending || n.Attempts != attempt {
		return nil, arqir.Errorf(arqir.ECONFLICT, "claim lost")
	}
	// As the store: an acknowledgement that committed first stops a
	// retry or a resolution.
	if d.State == arqir.NotificationQueued || len(d.Resolved) > 0 {
		if why := arqir.PageStopped(n.Purpose, s.status, s.acked != "", s.acked); why != "" {
			d = arqir.Delivery{State: arqir.NotificationCancelled, Reason: why}
		}
	}
	s.finished = append(s.finished, d)
	n.State, n.Reason, n.ClaimedUntil = d.State, d.Reason, nil
	if d.State == arqir.NotificationQueued {
		n.NotBefore = d.RetryAt
		if d.Deferred {
			n.Attempts--
		}
	}
	var claimed []*arqir.Notification
	for i, in := range d.Resolved {
		c := &arqir.Notification{ID: id*100 + int64(i), IncidentID: n.IncidentID, Key: in.Key, Purpose: in.Purpose,
			Target: in.Target, Channel: in.Channel, Address: in.Address, State: arqir.NotificationQueued, NotBefore: now, Parent: id}
		if lease > 0 {
			until := now.Add(lease)
			c.State, c.Attempts, c.ClaimedUntil = arqir.NotificationSending, 1, &until
			cp := *c
			claimed = append(claimed, &cp)
		}
		s.n = append(s.n, c)
	}
	if len(d.Resolved) > 0 && s.resolved != nil {
		s.resolved()
	}
	return claimed, nil
}

// byID returns the notification with the ID, or nil.
func (s *memStore) byID(id int64) *arqir.Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.n {
		if n.ID == id {
			return n
		}
	}
	return nil
}

func (s *memStore) SendState(ctx context.Context, id arqir.IncidentID) (*arqir.SendState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sendStates++
	return &arqir.SendState{Status: s.status, Acknowledged: s.acked != "", AcknowledgedBy: s.acked, Refs: map[string]string{"slack_ts": "1.2"}}, nil
}

func (s *memStore) NextNotificationAt(context.Context) (*time.Time, error)       { return nil, nil }
func (s *memStore) SetActionItemTrackerURL(context.Context, int64, string) error { return nil }

func (s *memStore) Contact(_ context.Context, role string, _ time.Time) (arqir.Contact, error) {
	if s.contactErr != nil {
		return arqir.Contact{}, s.contactErr
	}
	if c, ok := s.contacts[role]; ok {
		return c, nil
	}
	return arqir.Contact{}, arqir.Errorf(arqir.ENOTFOUND, "the policy has no contact role %q", role)
}

func (s *memStore) User(_ context.Context, h string) (*arqir.User, error) {
	if u, ok := s.users[h]; ok {
		return u, nil
	}
	return nil, arqir.Errorf(arqir.ENOTFOUND, "no user %s", h)
}

func (s *memStore) WhoIsOnCall(_ context.Context, schedule string, at time.Time) ([]*arqir.OnCallAnswer, error) {
	s.mu.Lock()
	s.whoCalls++
	gate := s.whoGate
	s.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if s.oncall == "" {
		return []*arqir.OnCallAnswer{{Schedule: schedule, Assigned: true, Shift: arqir.Shift{Gap: true}}}, nil
	}
	return []*arqir.OnCallAnswer{{Schedule: schedule, Assigned: true, Shift: arqir.Shift{User: s.oncall}}}, nil
}
