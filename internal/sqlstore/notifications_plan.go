package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// The planner hook. Every change of an incident asks the installed planner
// what it causes (pages, notices, cancellations) inside the change's own
// transaction, and the answer is written there too: "acknowledged" and "no
// more pages" commit together, and a change that rolls back queues nothing
// (delivery contract 1 and 5).

// defaultStaleAfter expires notifications when the rules name no limit.
const defaultStaleAfter = 30 * time.Minute

// plannerBox lets an atomic pointer hold an interface value.
type plannerBox struct{ p arqir.Planner }

// SetPlanner installs the planner every incident change consults; nil
// plans nothing.
func (s *Store) SetPlanner(p arqir.Planner) {
	if p == nil {
		s.planner.Store(nil)
		return
	}
	s.planner.Store(&plannerBox{p})
}

// currentPlanner returns the installed planner, or nil. A change loads it
// once, so one transaction plans with one planner.
func (s *Store) currentPlanner() arqir.Planner {
	if b := s.planner.Load(); b != nil {
		return b.p
	}
	return nil
}

// staleAfter is how long a notification may wait past its due time before
// it is expired instead of sent.
func (s *Store) staleAfter() time.Duration {
	if r := s.rules.Load(); r != nil && r.Paging.StaleAfter > 0 {
		return r.Paging.StaleAfter
	}
	return defaultStaleAfter
}

// planChange asks p what a change causes; a nil planner plans nothing. The
// planner's events are stamped with now when it left their time out.
func planChange(p arqir.Planner, before, after *arqir.Incident, events []arqir.TimelineEvent, now time.Time) arqir.Plan {
	if p == nil {
		return arqir.Plan{}
	}
	plan := p.Plan(before, after, events, now)
	for i := range plan.Events {
		if plan.Events[i].At.IsZero() {
			plan.Events[i].At = now
		}
	}
	return plan
}

// planNew plans a new incident whose row was just inserted as vals (so
// that the planner sees its ID). The planner may only add deadlines and
// events, which are written after; should it have changed the row itself,
// the row is written again.
func (s *Store) planNew(ctx context.Context, tx *sql.Tx, p arqir.Planner, inc *arqir.Incident, vals []any, events []arqir.TimelineEvent, now time.Time) (arqir.Plan, error) {
	if p == nil {
		return arqir.Plan{}, nil
	}
	plan := planChange(p, nil, inc, events, now)
	normalize(inc)
	after, err := incidentValues(inc)
	if err != nil {
		return plan, err
	}
	if !slices.Equal(vals, after) {
		if err := s.updateIncident(ctx, tx, inc, inc.Version); err != nil {
			return plan, err
		}
	}
	return plan, nil
}

// planned is the plan of one incident change, to be written.
type planned struct {
	inc  *arqir.Incident // as written, with its ID and new version
	plan arqir.Plan
	now  time.Time
}

// applyPlans writes plans: first it cancels the queued notifications each
// plan cancels (so that a plan may cancel a purpose and queue it anew),
// then it queues every plan's intents in one statement. It returns, per
// plan, the timeline events of what it did: one for the cancellations, one
// per notification actually queued (a key queued before is not queued again).
func (s *Store) applyPlans(ctx context.Context, tx *sql.Tx, ps []planned) ([][]arqir.TimelineEvent, error) {
	out := make([][]arqir.TimelineEvent, len(ps))
	var (
		rows  []newNotification
		owner []int
		keys  = map[string]bool{}
		stale = s.staleAfter()
	)
	for i, p := range ps {
		if len(p.plan.Cancel) > 0 || len(p.plan.CancelLater) > 0 {
			ev, err := s.cancelQueued(ctx, tx, p.inc.ID, p.plan.Cancel, p.plan.CancelLater, p.plan.CancelReason, p.now)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], ev...)
		}
		for _, in := range p.plan.Notify {
			key := in.Key
			if key == "" {
				key = derivedKey(p.inc, in)
				for n := 2; keys[key]; n++ { // two intents alike in one change: both go
					key = derivedKey(p.inc, in) + "/" + strconv.Itoa(n)
				}
			}
			if keys[key] {
				continue // planned twice in this transaction: queued once
			}
			keys[key] = true
			rows = append(rows, newNotificationOf(p.inc.ID, key, in, p.now, stale))
			owner = append(owner, i)
		}
	}
	if len(rows) == 0 {
		return out, nil
	}
	inserted, err := s.insertNotifications(ctx, tx, rows)
	if err != nil {
		return nil, err
	}
	for j, r := range rows {
		if inserted[j] {
			out[owner[j]] = append(out[owner[j]], r.queuedEvent())
		}
	}
	return out, nil
}

// derivedKey is the key of an intent that names none: unique per change,
// since it holds the version the change gives the incident.
func derivedKey(inc *arqir.Incident, in arqir.NotificationIntent) string {
	return fmt.Sprintf("%s/v%d/%s/%s/%s:%s", inc.ID, inc.Version, in.Purpose, in.Target, in.Channel, in.Address)
}

// newNotification is a notification about to be queued.
type newNotification struct {
	incident  arqir.IncidentID
	key       string
	intent    arqir.NotificationIntent
	notBefore time.Time
	expiresAt time.Time
	now       time.Time
	parent    int64 // 0: none
	// claimedUntil, when set, inserts it already claimed by the caller:
	// sending, attempt 1, until then (FinishNotifications with a lease).
	claimedUntil time.Time
}

// newNotificationOf makes the queued notification of an intent: due at its
// NotBefore (at once when zero), stale after stale.
func newNotificationOf(id arqir.IncidentID, key string, in arqir.NotificationIntent, now time.Time, stale time.Duration) newNotification {
	nb := now
	if !in.NotBefore.IsZero() {
		nb = storable(in.NotBefore)
	}
	if in.Message.IncidentID == 0 {
		in.Message.IncidentID = id
	}
	return newNotification{incident: id, key: key, intent: in, notBefore: nb, expiresAt: nb.Add(stale), now: now}
}

// queuedEvent is the timeline event of a queued notification, e.g.
// "Queued page (step 1) to schedule:primary".
func (n newNotification) queuedEvent() arqir.TimelineEvent {
	in := n.intent
	msg := "Queued " + describe(in.Purpose, in.Step, in.Target, in.Recipient, in.Channel)
	data := map[string]string{"purpose": in.Purpose, "channel": in.Channel, "target": in.Target, "key": n.key}
	if in.Step > 0 {
		data["step"] = strconv.Itoa(in.Step)
	}
	if n.notBefore.After(n.now) {
		msg += ", not before " + n.notBefore.Format(time.RFC3339)
		data["not_before"] = n.notBefore.Format(time.RFC3339Nano)
	}
	return arqir.TimelineEvent{At: n.now, Kind: arqir.EventNotificationQueued, Actor: arqir.SystemActor.Name,
		Source: arqir.SystemActor.Source, Message: msg, Data: data}
}

// describe names a notification in a few words, e.g. "page (step 1) to
// Ada Lovelace via email" or "initial_notice to #incidents via slack_channel".
func describe(purpose string, step int, target, recipient, channel string) string {
	var b strings.Builder
	b.WriteString(purpose)
	if step > 0 {
		fmt.Fprintf(&b, " (step %d)", step)
	}
	who := recipient
	if who == "" {
		who = target
	}
	if who != "" {
		b.WriteString(" to " + who)
	}
	if channel != "" {
		b.WriteString(" via " + channel)
	}
	return b.String()
}

const notificationInsertCols = 20

// insertNotifications queues rows with ON CONFLICT (key) DO NOTHING and
// reports which were inserted.
func (s *Store) insertNotifications(ctx context.Context, tx *sql.Tx, rows []newNotification) ([]bool, error) {
	ids, err := s.insertNotificationRows(ctx, tx, rows)
	if err != nil {
		return nil, err
	}
	inserted := make([]bool, len(rows))
	for i, id := range ids {
		inserted[i] = id != 0
	}
	return inserted, nil
}

// insertNotificationRows inserts rows with ON CONFLICT (key) DO NOTHING,
// in one prepared statement per power-of-two chunk (ingest_stmt.go), and
// returns the ID of each row, 0 for a key that existed. When a row due at
// once was queued, the transaction is marked for the queued hook.
func (s *Store) insertNotificationRows(ctx context.Context, tx *sql.Tx, rows []newNotification) ([]int64, error) {
	ids := make([]int64, len(rows))
	index := make(map[string]int, len(rows))
	for i, r := range rows {
		index[r.key] = i
	}
	args := make([]any, 0, min(len(rows), maxChunk)*notificationInsertCols)
	err := chunks(len(rows), func(off, n int) error {
		args = args[:0]
		for _, r := range rows[off : off+n] {
			msg, err := json.Marshal(r.intent.Message)
			if err != nil {
				return fmt.Errorf("encode the message of %s: %w", r.key, err)
			}
			parent := sql.NullInt64{Int64: r.parent, Valid: r.parent != 0}
			state, attempts, claimed := arqir.NotificationQueued, 0, sql.NullInt64{}
			if !r.claimedUntil.IsZero() {
				state, attempts, claimed = arqir.NotificationSending, 1, sql.NullInt64{Int64: micros(r.claimedUntil), Valid: true}
			}
			in := r.intent
			args = append(args, r.incident, r.key, in.Purpose, in.Step, in.Target, in.Channel, in.Address, in.Recipient,
				string(msg), string(state), attempts, 0, micros(r.notBefore), micros(r.expiresAt), claimed, "", "",
				micros(r.now), micros(r.now), parent)
		}
		st, err := s.stmt(ctx, tx, insertNotificationsHead+valuesList(n, notificationInsertCols)+insertNotificationsTail)
		if err != nil {
			return err
		}
		res, err := st.query(ctx, args...)
		if err != nil {
			return err
		}
		defer res.Close()
		for res.Next() {
			var id int64
			var key string
			if err := res.Scan(&id, &key); err != nil {
				return err
			}
			if i, ok := index[key]; ok {
				ids[i] = id
			}
		}
		return res.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("queue notifications: %w", err)
	}
	for i, r := range rows {
		if ids[i] != 0 && r.claimedUntil.IsZero() && !r.notBefore.After(r.now) {
			s.markQueued(tx)
			break
		}
	}
	return ids, nil
}

// insertedNotification is the notification a row became once inserted
// with id, as a read would return it.
func (r newNotification) inserted(id int64) (*arqir.Notification, error) {
	in := r.intent
	n := &arqir.Notification{ID: id, IncidentID: r.incident, Key: r.key, Purpose: in.Purpose, Step: in.Step, Target: in.Target,
		Channel: in.Channel, Address: in.Address, Recipient: in.Recipient, State: arqir.NotificationQueued,
		NotBefore: r.notBefore, ExpiresAt: r.expiresAt, CreatedAt: r.now, UpdatedAt: r.now, Parent: r.parent}
	if !r.claimedUntil.IsZero() {
		until := r.claimedUntil
		n.State, n.Attempts, n.ClaimedUntil = arqir.NotificationSending, 1, &until
	}
	// The message goes through JSON as it does when read back.
	msg, err := json.Marshal(in.Message)
	if err != nil {
		return nil, fmt.Errorf("encode the message of %s: %w", r.key, err)
	}
	if err := json.Unmarshal(msg, &n.Message); err != nil {
		return nil, fmt.Errorf("decode the message of %s: %w", r.key, err)
	}
	return n, nil
}

const (
	insertNotificationsHead = `INSERT INTO notifications (incident_id, key, purpose, step, target, channel, address, recipient,
		message, state, attempts, ambiguous, not_before, expires_at, claimed_until, reason, provider_ref, created_at, updated_at, parent) VALUES `
	insertNotificationsTail = " ON CONFLICT (key) DO NOTHING RETURNING id, key"
)

// cancelQueued cancels the queued notifications of an incident with the
// purposes, and returns the timeline event saying so (none when there were
// none). Under PostgreSQL a notification a dispatcher is claiming at this
// instant is skipped, not waited for: that claim commits first and turns it
// into a send begun before this change, and waiting could deadlock with the
// claim, which appends to this incident's timeline.
// CancelLater spares what was due already: a notification not yet due and
// never attempted is cancelled; one waiting to retry was due once and goes.
func (s *Store) cancelQueued(ctx context.Context, tx *sql.Tx, id arqir.IncidentID, purposes, later []string, reason string, now time.Time) ([]arqir.TimelineEvent, error) {
	if reason == "" {
		reason = "no longer needed"
	}
	var n int64
	for _, set := range []struct {
		purposes []string
		cond     string
	}{{purposes, ""}, {later, " AND attempts = 0 AND not_before > ?"}} {
		if len(set.purposes) == 0 {
			continue
		}
		args := []any{string(arqir.NotificationCancelled), reason, micros(now), id, string(arqir.NotificationQueued)}
		for _, p := range set.purposes {
			args = append(args, p)
		}
		if set.cond != "" {
			args = append(args, micros(now))
		}
		res, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE notifications SET state = ?, reason = ?, claimed_until = NULL, updated_at = ?
		WHERE id IN (SELECT id FROM notifications WHERE incident_id = ? AND state = ? AND purpose IN (`+placeholders(len(set.purposes))+`)`+set.cond+s.d.skipLocked()+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("cancel the queued notifications of %s: %w", id, err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("cancel the queued notifications of %s: %w", id, err)
		}
		n += k
	}
	purposes = append(slices.Clone(purposes), later...)
	if n == 0 {
		return nil, nil
	}
	noun := "notifications"
	if n == 1 {
		noun = "notification"
	}
	return []arqir.TimelineEvent{{At: now, Kind: arqir.EventNotificationsStopped, Actor: arqir.SystemActor.Name, Source: arqir.SystemActor.Source,
		Message: fmt.Sprintf("Stopped %d queued %s: %s", n, noun, reason),
		Data:    map[string]string{"count": strconv.FormatInt(n, 10), "reason": reason, "purposes": strings.Join(purposes, ",")}}}, nil
}
