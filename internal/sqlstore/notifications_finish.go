package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/arqir/arqir"
)

// FinishNotification records the result of attempt number attempt of a
// claimed notification: FinishNotifications with this one result and no
// lease, whose outcome is the error.
func (s *Store) FinishNotification(ctx context.Context, id int64, attempt int, d arqir.Delivery, now time.Time) error {
	out, err := s.FinishNotifications(ctx, []arqir.NotificationResult{{ID: id, Attempt: attempt, Delivery: d}}, now, 0)
	if err != nil {
		return fmt.Errorf("finish notification %d: %w", id, err)
	}
	return out[0].Err
}

// FinishNotifications records results in one write transaction. Each is
// fenced: only the attempt that holds the claim (the notification is
// sending and its attempts counter is still the result's Attempt) may
// record one; any other gets ECONFLICT in its outcome (ENOTFOUND for an
// unknown notification, EINVALID for a delivery in no known end state, a
// second result for one notification in the batch ECONFLICT) and changes
// nothing, while the others are recorded. With each result the
// transaction appends the outcome to the incident's timeline, inserts the
// per-channel notifications a role was resolved into (claimed by the
// caller until now+lease when lease is positive, else queued), and, for a
// delivery that teaches something (arqir.DeliveryTeaches), applies it
// through the incident's change path, planner included; other deliveries
// leave the incident alone. A negative lease is EINVALID. Under
// PostgreSQL a batch that deadlocks with another is tried once more, then
// one result per transaction.
func (s *Store) FinishNotifications(ctx context.Context, results []arqir.NotificationResult, now time.Time, lease time.Duration) ([]arqir.FinishOutcome, error) {
	if lease < 0 {
		return nil, arqir.Errorf(arqir.EINVALID, "the lease of resolved notifications must not be negative, got %s: use 0 to queue them", lease)
	}
	out := make([]arqir.FinishOutcome, len(results))
	if len(results) == 0 {
		return out, nil
	}
	now = storable(now)
	var err error
	for range 2 {
		clear(out)
		err = s.inTx(ctx, nil, func(tx *sql.Tx) error { return s.finishBatch(ctx, tx, results, now, lease, out) })
		if !retryable(err) {
			break
		}
		batchRetries.Add(1)
	}
	if err == nil {
		return out, nil
	} else if !retryable(err) {
		return nil, fmt.Errorf("record the results: %w", err)
	}
	// Batches are built not to deadlock with each other
	// (lockBatchIncidents); should two attempts fail anyway, one result
	// per transaction locks at most one incident and cannot.
	for i := range results {
		one := out[i : i+1]
		clear(one)
		err := s.inTx(ctx, nil, func(tx *sql.Tx) error { return s.finishBatch(ctx, tx, results[i:i+1], now, lease, one) })
		if err != nil {
			one[0] = arqir.FinishOutcome{Err: fmt.Errorf("finish notification %d: %w", results[i].ID, err)}
		}
	}
	return out, nil
}

// batchRetries counts the batches rolled back for a deadlock or a
// serialization failure, for tests: batches are built not to deadlock.
var batchRetries atomic.Int64

// retryable reports whether err is a PostgreSQL deadlock or serialization
// failure: the transaction was rolled back and may simply run again.
func retryable(err error) bool {
	var coded interface{ SQLState() string }
	if err == nil || !errors.As(err, &coded) {
		return false
	}
	switch coded.SQLState() {
	case "40P01", "40001": // deadlock_detected, serialization_failure
		return true
	}
	return false
}

// finishing is one result of a batch on its way to being recorded.
type finishing struct {
	i int // index in the batch
	r arqir.NotificationResult
	d arqir.Delivery // r.Delivery, cancelled when its page was stopped
	n *arqir.Notification
}

// finishBatch records results in tx and fills out with each one's outcome;
// its error is the transaction's.
func (s *Store) finishBatch(ctx context.Context, tx *sql.Tx, results []arqir.NotificationResult, now time.Time, lease time.Duration, out []arqir.FinishOutcome) error {
	items := make([]finishing, 0, len(results))
	seen := make(map[int64]bool, len(results))
	var stoppable []any
	for i, r := range results {
		if err := checkDelivery(r.Delivery); err != nil {
			out[i].Err = fmt.Errorf("finish notification %d: %w", r.ID, err)
			continue
		}
		if seen[r.ID] {
			out[i].Err = arqir.Errorf(arqir.ECONFLICT, "finish notification %d: the batch holds a second result for it (attempt %d); only the first was recorded", r.ID, r.Attempt)
			continue
		}
		seen[r.ID] = true
		items = append(items, finishing{i: i, r: r, d: r.Delivery})
		if r.Delivery.State == arqir.NotificationQueued || len(r.Delivery.Resolved) > 0 {
			stoppable = append(stoppable, r.ID)
		}
	}
	// A page whose incident was acknowledged or resolved while it was
	// being sent goes no further: no retry, no per-channel copies
	// (delivery contract 5). The acknowledgement committed first.
	if len(stoppable) > 0 {
		stopped, err := s.pagesStopped(ctx, tx, stoppable)
		if err != nil {
			return err
		}
		for k := range items {
			if reason := stopped[items[k].r.ID]; reason != "" && (items[k].d.State == arqir.NotificationQueued || len(items[k].d.Resolved) > 0) {
				items[k].d = arqir.Delivery{State: arqir.NotificationCancelled, Reason: reason, Ambiguous: items[k].d.Ambiguous}
			}
		}
	}

	rows, err := s.recordResults(ctx, tx, items, now)
	if err != nil {
		return err
	}
	recorded := items[:0]
	for _, it := range items {
		if it.n = rows[it.r.ID]; it.n == nil {
			lost := s.claimLost(ctx, tx, it.r.ID, it.r.Attempt)
			if c := arqir.ErrorCode(lost); c != arqir.ECONFLICT && c != arqir.ENOTFOUND {
				return lost
			}
			out[it.i].Err = fmt.Errorf("finish notification %d: %w", it.r.ID, lost)
			continue
		}
		recorded = append(recorded, it)
	}

	incidents, err := s.lockBatchIncidents(ctx, tx, recorded)
	if err != nil {
		return err
	}

	// The per-channel notifications of every role resolved, in one insert.
	var children []newNotification
	var parentOf []int // index in recorded
	for k, it := range recorded {
		if it.d.State == arqir.NotificationDelivered && len(it.d.Resolved) > 0 {
			for _, r := range resolvedRows(it.n, it.d.Resolved, now, lease) {
				children = append(children, r)
				parentOf = append(parentOf, k)
			}
		}
	}
	var ids []int64
	if len(children) > 0 {
		if ids, err = s.insertNotificationRows(ctx, tx, children); err != nil {
			return err
		}
	}

	var events []incidentEvent
	next := 0 // the first child of the result at hand
	for k, it := range recorded {
		if !(it.d.Deferred && it.d.State == arqir.NotificationQueued) {
			events = append(events, s.outcomeEvents(it.n, it.d, now)...)
		}
		for ; next < len(children) && parentOf[next] == k; next++ {
			if ids[next] == 0 {
				continue // queued before under its key
			}
			ev := children[next].queuedEvent()
			ev.Data["parent"] = it.n.Key
			events = append(events, incidentEvent{it.n.IncidentID, ev})
			if lease > 0 {
				c, err := children[next].inserted(ids[next])
				if err != nil {
					return err
				}
				out[it.i].Claimed = append(out[it.i].Claimed, c)
			}
		}
	}
	if err := s.insertIncidentEvents(ctx, tx, events); err != nil {
		return err
	}

	for _, it := range recorded {
		if !teaches(it.n, it.d) {
			continue
		}
		n, refs := it.n, it.d.Refs
		_, err := s.changeLoaded(ctx, tx, incidents[n.IncidentID], now, func(inc *arqir.Incident, now time.Time) ([]arqir.TimelineEvent, error) {
			return inc.RecordDelivery(n, refs, now), nil
		})
		if err != nil {
			return fmt.Errorf("record what notification %d taught: %w", n.ID, err)
		}
	}
	return nil
}

// lockBatchIncidents loads the incidents that the recorded results'
// deliveries teach, with their rows locked, before anything is appended,
// in three statements however many there are. Under PostgreSQL the rows
// are locked in ascending ID order, FOR NO KEY UPDATE (what the UPDATE of
// the change takes anyway): that lock does not conflict with the foreign
// key's share lock that appending to a timeline takes. So a batch never
// waits for another batch that only appends to the same incident (as
// FOR UPDATE would, and two batches each changing an incident the other
// appends to would deadlock), and batches changing the same incidents
// queue in one order.
func (s *Store) lockBatchIncidents(ctx context.Context, tx *sql.Tx, recorded []finishing) (map[arqir.IncidentID]*arqir.Incident, error) {
	var changed []arqir.IncidentID
	for _, it := range recorded {
		if teaches(it.n, it.d) && !slices.Contains(changed, it.n.IncidentID) {
			changed = append(changed, it.n.IncidentID)
		}
	}
	out := make(map[arqir.IncidentID]*arqir.Incident, len(changed))
	if len(changed) == 0 {
		return out, nil
	}
	slices.Sort(changed) // chunk after chunk in ascending order too
	ids := make([]any, len(changed))
	for i, id := range changed {
		ids[i] = id
	}
	lock := s.d.RowLock // PostgreSQL: FOR NO KEY UPDATE
	var incs []*arqir.Incident
	for chunk := range slices.Chunk(ids, maxChunk) {
		p := padded(chunk)
		st, err := s.stmt(ctx, tx, "SELECT "+incidentColumns+" FROM incidents WHERE id IN ("+placeholders(len(p))+") ORDER BY id"+lock)
		if err != nil {
			return nil, fmt.Errorf("lock the incidents deliveries change: %w", err)
		}
		rows, err := st.query(ctx, p...)
		if incs, err = scanAll(rows, err, scanIncident, incs); err != nil {
			return nil, fmt.Errorf("lock the incidents deliveries change: %w", err)
		}
	}
	if err := s.loadChildren(ctx, tx, incs); err != nil {
		return nil, err
	}
	for _, inc := range incs {
		out[inc.ID] = inc
	}
	return out, nil
}

// checkDelivery refuses a delivery in no end state a result may have.
func checkDelivery(d arqir.Delivery) error {
	switch d.State {
	case arqir.NotificationDelivered, arqir.NotificationFailed, arqir.NotificationExpired, arqir.NotificationQueued, arqir.NotificationCancelled:
		return nil
	}
	return arqir.Errorf(arqir.EINVALID, "a delivery ends delivered, failed, expired, cancelled or queued (to retry), not %q", d.State)
}

// teaches says whether a recorded delivery changes its incident: a
// delivered notification (not a role resolved into channels) of a purpose
// or with refs RecordDelivery learns from.
func teaches(n *arqir.Notification, d arqir.Delivery) bool {
	return d.State == arqir.NotificationDelivered && len(d.Resolved) == 0 && arqir.DeliveryTeaches(n.Purpose, d.Refs)
}

// recordResults records the results, each fenced by its claim's attempt,
// in one UPDATE … FROM (VALUES …) per power-of-two chunk, and returns the
// notifications recorded, by ID; a result whose attempt does not hold the
// claim is absent. SET reads the old row: a deferred retry gives its
// attempt back.
func (s *Store) recordResults(ctx context.Context, tx *sql.Tx, items []finishing, now time.Time) (map[int64]*arqir.Notification, error) {
	out := make(map[int64]*arqir.Notification, len(items))
	args := make([]any, 0, 1+min(len(items), maxChunk)*finishCols)
	err := chunks(len(items), func(off, n int) error {
		args = append(args[:0], micros(now)) // updated_at
		for _, it := range items[off : off+n] {
			d := it.d
			var notBefore, delivered sql.NullInt64
			switch d.State {
			case arqir.NotificationQueued:
				nb := now
				if !d.RetryAt.IsZero() {
					nb = storable(d.RetryAt)
				}
				notBefore = sql.NullInt64{Int64: micros(nb), Valid: true}
			case arqir.NotificationDelivered:
				delivered = sql.NullInt64{Int64: micros(now), Valid: true}
			}
			ambiguous, deferred := 0, 0
			if d.Ambiguous {
				ambiguous = 1
			}
			if d.Deferred && d.State == arqir.NotificationQueued {
				deferred = 1
			}
			args = append(args, it.r.ID, it.r.Attempt, string(d.State), d.Reason, d.ProviderRef, delivered, notBefore, ambiguous, deferred)
		}
		st, err := s.stmt(ctx, tx, finishHead+finishValues(n)+finishTail)
		if err != nil {
			return err
		}
		rows, err := st.query(ctx, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n, err := scanNotification(rows)
			if err != nil {
				return err
			}
			out[n.ID] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("record results: %w", err)
	}
	return out, nil
}

// The statement of recordResults. The values are typed in their first
// row: PostgreSQL takes untyped parameters in VALUES for text. The columns
// of VALUES are column1… on both databases.
const (
	finishCols = 9 // id, attempt, state, reason, provider_ref, delivered_at, not_before, ambiguous, deferred
	finishHead = `UPDATE notifications AS n
	SET state = v.column3, reason = v.column4, provider_ref = COALESCE(NULLIF(v.column5, ''), n.provider_ref), delivered_at = v.column6,
		not_before = COALESCE(v.column7, n.not_before), claimed_until = NULL, ambiguous = n.ambiguous + v.column8,
		attempts = n.attempts - v.column9, updated_at = ?
	FROM (VALUES `
	finishFirst = `(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),
		CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS INTEGER))`
	finishTail = `) AS v
	WHERE n.id = v.column1 AND n.state = 'sending' AND n.attempts = v.column2
	RETURNING ` + notificationColumns
)

// finishValues is the VALUES rows of n results.
func finishValues(n int) string {
	if n == 1 {
		return finishFirst
	}
	return finishFirst + ", " + valuesList(n-1, finishCols)
}

// claimLost explains why a result was not recorded: ECONFLICT, or
// ENOTFOUND for a notification that does not exist.
func (s *Store) claimLost(ctx context.Context, tx *sql.Tx, id int64, attempt int) error {
	var state string
	var attempts int
	st, err := s.stmt(ctx, tx, `SELECT state, attempts FROM notifications WHERE id = ?`)
	if err == nil {
		err = st.queryRow(ctx, id).Scan(&state, &attempts)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return arqir.Errorf(arqir.ENOTFOUND, "notification %d does not exist", id)
	} else if err != nil {
		return fmt.Errorf("read notification %d: %w", id, err)
	}
	return arqir.Errorf(arqir.ECONFLICT, "claim lost: attempt %d no longer holds notification %d (it is %s after %d attempts); its result was not recorded", attempt, id, state, attempts)
}

// outcomeEvents is the timeline event of a recorded result; none for a
// notification resolved into others, whose queued events say where it goes.
func (s *Store) outcomeEvents(n *arqir.Notification, d arqir.Delivery, now time.Time) []incidentEvent {
	what := describeNotification(n)
	var kind, msg string
	switch d.State {
	case arqir.NotificationDelivered:
		if len(d.Resolved) > 0 {
			return nil
		}
		kind, msg = arqir.EventNotificationSent, "Delivered "+what
	case arqir.NotificationFailed:
		kind, msg = arqir.EventNotificationFailed, "Failed to send "+what
	case arqir.NotificationExpired:
		kind, msg = arqir.EventNotificationExpired, "Expired "+what
	case arqir.NotificationQueued:
		kind, msg = arqir.EventNotificationRetry, "Retrying "+what+" at "+n.NotBefore.Format(time.RFC3339)
	case arqir.NotificationCancelled:
		kind, msg = arqir.EventNotificationsStopped, "Stopped "+what
	}
	if d.Reason != "" {
		msg += ": " + d.Reason
	}
	if d.Ambiguous {
		msg += " (outcome unknown: the provider may have acted)"
	}
	ev := notificationEvent(n, now, kind, msg, d.Reason)
	if n.ProviderRef != "" {
		ev.Data["provider_ref"] = n.ProviderRef
	}
	if d.Ambiguous {
		ev.Data["ambiguous"] = "true"
	}
	return []incidentEvent{{n.IncidentID, ev}}
}

// resolvedRows are the notifications a role was resolved into: children
// of n, due now, stale when n is, claimed until now+lease when lease is
// positive. A field an intent leaves empty is n's; a key given twice is
// inserted once.
func resolvedRows(n *arqir.Notification, intents []arqir.NotificationIntent, now time.Time, lease time.Duration) []newNotification {
	rows := make([]newNotification, 0, len(intents))
	seen := make(map[string]bool, len(intents))
	for _, in := range intents {
		if in.Purpose == "" {
			in.Purpose = n.Purpose
		}
		if in.Step == 0 {
			in.Step = n.Step
		}
		if in.Target == "" {
			in.Target = n.Target
		}
		if in.Message.Headline == "" && in.Message.Title == "" {
			in.Message = n.Message
		}
		key := in.Key
		if key == "" {
			key = n.Key + "/" + in.Channel + ":" + in.Address
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		r := newNotificationOf(n.IncidentID, key, in, now, 0)
		r.expiresAt, r.parent = n.ExpiresAt, n.ID
		if lease > 0 {
			r.claimedUntil = storable(now.Add(lease))
		}
		rows = append(rows, r)
	}
	return rows
}

// pagesStopped says, for each notification that asks a person to act and
// must not go further (its incident was acknowledged or resolved), why;
// the others are absent. ids are read in power-of-two IN lists.
func (s *Store) pagesStopped(ctx context.Context, tx *sql.Tx, ids []any) (map[int64]string, error) {
	out := map[int64]string{}
	for chunk := range slices.Chunk(ids, maxChunk) {
		p := padded(chunk)
		st, err := s.stmt(ctx, tx, `SELECT n.id, n.purpose, i.status, i.acknowledged_at, i.acknowledged_by
			FROM notifications n JOIN incidents i ON i.id = n.incident_id WHERE n.id IN (`+placeholders(len(p))+`)`)
		if err != nil {
			return nil, fmt.Errorf("read the incidents of notifications: %w", err)
		}
		rows, err := st.query(ctx, p...)
		if err != nil {
			return nil, fmt.Errorf("read the incidents of notifications: %w", err)
		}
		for rows.Next() {
			var id int64
			var purpose, status, by string
			var acked sql.NullInt64
			if err := rows.Scan(&id, &purpose, &status, &acked, &by); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read the incidents of notifications: %w", err)
			}
			if reason := arqir.PageStopped(purpose, arqir.Status(status), acked.Valid, by); reason != "" {
				out[id] = reason
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read the incidents of notifications: %w", err)
		}
	}
	return out, nil
}
