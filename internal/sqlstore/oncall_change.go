package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/rotation"
)

// handover is what a change to a schedule did at its instant: who was on
// call just before and just after, and the report made if that changed.
type handover struct {
	before, after rotation.Shift
	report        int64 // the report made for a handoff at now; 0 for none
}

// handOver keeps the handoff reports right across a change made at now to
// who rotates or who covers (participants, overrides, swaps), inside the
// change's transaction. The sweep reports the handoffs in (swept_through,
// now] from the schedule as it is when it runs; after a change that would
// read the new schedule back into time that has passed, and a handover
// the change itself causes at now would never be seen at all. So here:
//
//  1. the handoffs of the old schedule still due up to now are reported,
//     as the sweep would have reported them before the change;
//  2. if the change puts someone else on call at now (atNow allowing), that
//     is a handoff at now: reported and delivered once, like any other
//     (unique on schedule and instant);
//  3. swept_through moves to now.
func (s *Store) handOver(ctx context.Context, tx *sql.Tx, st *scheduleState, before, after rotation.Schedule, now time.Time, atNow bool) (handover, error) {
	rules := s.onCallRules()
	var out handover
	out.before, _ = rotation.OnCall(before, now)
	out.after, _ = rotation.OnCall(after, now)
	due, err := dueHandoffs(before, st.sweptThrough, now)
	if err != nil {
		return out, err
	}
	for _, h := range due {
		if _, err := s.handOff(ctx, tx, rules, st, before, h); err != nil {
			return out, err
		}
	}
	if h, ok := changeHandoff(after, out.before, out.after, now); ok && atNow {
		report, err := s.handOff(ctx, tx, rules, st, before, h)
		if err != nil {
			return out, err
		}
		out.report = report.ID
	}
	return out, s.sweptThrough(ctx, tx, st.rule.ID, now)
}

// handOff builds and stores the report of h within tx; sched is the
// schedule the outgoing shift belongs to.
func (s *Store) handOff(ctx context.Context, tx *sql.Tx, rules arqir.OnCallRules, st *scheduleState, sched rotation.Schedule, h rotation.Handoff) (*arqir.HandoffReport, error) {
	report, err := s.buildReport(ctx, tx, rules, st, sched, h)
	if err != nil {
		return nil, fmt.Errorf("handoff at %s: %w", stampUTC(h.At), err)
	}
	if _, err := s.storeHandoff(ctx, tx, report); err != nil {
		return nil, fmt.Errorf("handoff at %s: %w", stampUTC(h.At), err)
	}
	return report, nil
}

// changeHandoff is the handoff a change made at now causes, if any: a
// shift of the new schedule that starts at now (an override or a swap
// starting now), as the sweep would see it; else a change of the person on
// call at now to someone, from the shift that ends with the change.
func changeHandoff(after rotation.Schedule, was, is rotation.Shift, now time.Time) (rotation.Handoff, bool) {
	if hs, err := rotation.Handoffs(after, now, now.Add(time.Microsecond)); err == nil && len(hs) == 1 && hs[0].At.Equal(now) {
		return hs[0], true
	}
	if is.IsGap() || is.User == was.User {
		return rotation.Handoff{}, false
	}
	if !was.IsGap() {
		was.End = now // the outgoing shift ends with the change
	}
	return rotation.Handoff{At: now, Outgoing: was, Incoming: is}, true
}
