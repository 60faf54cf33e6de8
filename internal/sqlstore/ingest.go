package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/arqir/arqir"
)

// Ingest applies the events of one inbound request durably and
// idempotently. The request is validated here, before it can join a batch,
// so that a bad request never enters one; then it is queued for the
// committer (ingest_committer.go), which applies it together with the other
// requests waiting at that moment in one transaction, and it returns after
// that transaction committed.
//
// If ctx ends first, Ingest returns its error, but the request may still
// commit: the sender retries with the same request key and is answered
// from the first result.
func (s *Store) Ingest(ctx context.Context, integrationID int64, requestKey string, events []arqir.AlertEvent) (*arqir.IngestResult, error) {
	return s.enqueueIngest(ctx, integrationID, nil, requestKey, events)
}

// IngestAs is Ingest for the integration as the caller authenticated it:
// the batch refuses the call if the integration it reads in its
// transaction was revoked or rotated since (ingest_checked.go).
func (s *Store) IngestAs(ctx context.Context, in *arqir.Integration, requestKey string, events []arqir.AlertEvent) (*arqir.IngestResult, error) {
	if in == nil {
		return nil, errors.New("ingest as an integration: no integration given")
	}
	return s.enqueueIngest(ctx, in.ID, in, requestKey, events)
}

// enqueueIngest is Ingest and IngestAs; checked is nil for Ingest.
func (s *Store) enqueueIngest(ctx context.Context, integrationID int64, checked *arqir.Integration, requestKey string, events []arqir.AlertEvent) (*arqir.IngestResult, error) {
	if err := arqir.ValidateRequestKey(requestKey); err != nil {
		return nil, err
	}
	if err := arqir.ValidateAlertEvents(events); err != nil {
		return nil, err
	}
	// The store keeps microseconds; normalising a copy keeps the caller's
	// events as they were. The copy's lists are the request's own, so that
	// the committer's new alerts take them as they are (NewAlertOwning):
	// copying them here takes the work off the one committer.
	evs := slices.Clone(events)
	for i := range evs {
		evs[i] = evs[i].Owned()
		if !evs[i].StartsAt.IsZero() {
			evs[i].StartsAt = storable(evs[i].StartsAt)
		}
		if !evs[i].EndsAt.IsZero() {
			evs[i].EndsAt = storable(evs[i].EndsAt)
		}
	}
	// So does encoding the lists here.
	enc := make([]alertJSON, len(evs))
	for i, ev := range evs {
		var err error
		if enc[i], err = encodeAlertJSON(ev.Labels, ev.Annotations, ev.Links); err != nil {
			return nil, err
		}
	}
	call := &ingestCall{ctx: ctx, integrationID: integrationID, checked: checked, key: requestKey, events: evs, enc: enc, done: make(chan struct{})}
	c := s.committer()
	if c == nil {
		return nil, errStoreClosed
	}
	select {
	case c.queue <- call:
	case <-c.quit:
		return nil, errStoreClosed
	case <-ctx.Done():
		return nil, fmt.Errorf("ingest into integration %d: %w", integrationID, ctx.Err())
	}
	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("ingest into integration %d: %w (the request may still commit: retry it with the same request key)", integrationID, ctx.Err())
	case <-c.stopped:
		select {
		case <-call.done:
		default:
			return nil, errStoreClosed
		}
	}
	if call.err != nil {
		return nil, fmt.Errorf("ingest into integration %d: %w", integrationID, call.err)
	}
	return call.res, nil
}

var errStoreClosed = errors.New("the store is closed: ingest was not applied")

// ingestCall is one Ingest request on its way through the committer.
type ingestCall struct {
	ctx           context.Context
	integrationID int64
	key           string
	events        []arqir.AlertEvent // lists owned: see Ingest
	enc           []alertJSON        // each event's lists, encoded
	done          chan struct{}      // closed when res or err is set
	// checked is the integration as the caller of IngestAs authenticated
	// it: its RotatedAt is the rotation that credential belongs to, which
	// the batch expects to find. nil for Ingest.
	checked *arqir.Integration

	res *arqir.IngestResult
	err error
}

// finish hands the outcome to the waiting caller.
func (c *ingestCall) finish(res *arqir.IngestResult, err error) {
	c.res, c.err = res, err
	close(c.done)
}
