package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/routing"
)

// batch is the state of one ingest transaction: what it read, and what its
// calls changed in memory before it is written. The calls are applied in
// queue order against this state, so a later request sees what an earlier
// one did (a repeat of an alert created two requests before is a repeat),
// and the database sees one set-wise write per table at the end.
type batch struct {
	s     *Store
	ctx   context.Context
	tx    *sql.Tx
	now   time.Time
	rules arqir.Rules
	// cache is the committer's incident cache (ingest_cache.go), read
	// here and filled by the committer once the batch commits.
	cache *incidentCache
	// planner is the planner installed when the batch began; nil plans
	// nothing and costs nothing.
	planner arqir.Planner

	integrations map[int64]*arqir.Integration   // nil value: unknown
	keys         map[requestKey]*keyEntry       // request keys seen, stored or earlier in the batch
	alerts       map[alertKey]*alertState       // nil value: no such alert in the database
	groups       map[string]*groupState         // nil value: the group has no incident yet
	incidents    map[arqir.IncidentID]*incState // loaded with their rows locked
	loadedIncs   []*incState                    // the same, in load order
	decisions    map[eventRef]routing.Decision  // routing computed while prefetching

	// What the calls changed, in order of first change; the undo log
	// truncates these when a call fails.
	dirtyAlerts []*alertState
	touchedIncs []*incState // stored incidents with new events
	newIncs     []*incState
	dirtyGroups []string

	call    int      // sequence number of the call being applied
	undo    *undoLog // what the current call changed; nil between calls
	undoBuf undoLog  // the lists undo reuses

	inserted int // new alert rows written
}

// alertKey identifies an alert: unique per integration.
type alertKey struct {
	integration int64
	dedup       string
}

// requestKey identifies an idempotent request: unique per integration.
type requestKey struct {
	integration int64
	key         string
}

// eventRef is one event of one call.
type eventRef struct {
	call  *ingestCall
	event int
}

// alertState is an alert as the batch sees it.
type alertState struct {
	a arqir.Alert
	// raw is a's lists encoded; a list a holds as nil is not decoded yet.
	raw    alertJSON
	inc    *incState // the incident of its latest firing episode, once loaded; else a.IncidentID
	stored bool      // a row exists
	dirty  bool      // needs writing
	full   bool      // an indexed column changed (status, incident): not a mere repeat
	saved  int       // the call that last saved it to the undo log
}

// incState is an incident as the batch sees it.
type incState struct {
	inc    *arqir.Incident
	stored bool
	// The row as read, to write only what changed.
	readVersion int
	services    []string
	deadlines   []arqir.Deadline
	// vals are the row's values (incidentValues) as stored: as read, when
	// known, and as written once the batch has written it; nil: unknown.
	vals []any

	total, firing         int            // its alerts, and how many of them fire
	readTotal, readFiring int            // the counts as read, to write only changes
	events                []pendingEvent // to append to its timeline
	changed               bool           // stored and has new events
	saved                 int
	undoAt                int // its entry in the undo log of call saved

	// before is the incident as the batch first read it, for the planner;
	// nil for a new incident, or when no planner is installed.
	before *arqir.Incident
	plan   planned // what the planner decided, once the batch is written
}

// pendingEvent is a timeline event waiting for the write; alert names the
// alert it is about, or alerts the alerts it names (a run of attachments,
// ingest_attach.go), whose IDs new alerts only have after the write.
type pendingEvent struct {
	ev     arqir.TimelineEvent
	alert  *alertState
	alerts []*alertState
	// attached is the alert as it was attached, when ev is an attachment
	// whose message and data are still to be built (batch.attach).
	attached *arqir.Alert
}

// groupState is the latest incident of an alert group.
type groupState struct {
	incID arqir.IncidentID
	inc   *incState // once loaded
}

// outcome is what one call gets when the batch commits.
type outcome struct {
	res *arqir.IngestResult
	err error

	pending *pendingResult // applied by this call
	replay  *keyEntry      // answered from an earlier request
}

// applyCalls applies calls in tx and returns each call's outcome, and the
// batch whose incidents the cache may keep once tx commits (nil: none). A
// call that cannot be applied (unknown integration, a rule it breaks) gets
// its error in its outcome and changes nothing; the returned error is for
// what fails the whole transaction (the database refusing a read or write).
func (s *Store) applyCalls(ctx context.Context, tx *sql.Tx, calls []*ingestCall, cache *incidentCache) ([]outcome, *batch, error) {
	outs := make([]outcome, len(calls))
	rules, err := s.currentRules()
	if err != nil {
		for i := range outs {
			outs[i].err = err
		}
		return outs, nil, nil
	}
	if s.d.IngestBegin != "" {
		// Replicas' batches queue here, so each decides on what the one
		// before it committed; readers of alerts are not blocked.
		if _, err := tx.ExecContext(ctx, s.d.IngestBegin); err != nil {
			return nil, nil, fmt.Errorf("begin an ingest batch: %w", err)
		}
	}
	b := &batch{
		s: s, ctx: ctx, tx: tx, now: s.clock(), rules: rules, planner: s.currentPlanner(), cache: cache,
		integrations: map[int64]*arqir.Integration{}, keys: map[requestKey]*keyEntry{},
		alerts: map[alertKey]*alertState{}, groups: map[string]*groupState{},
		incidents: map[arqir.IncidentID]*incState{}, decisions: map[eventRef]routing.Decision{},
	}
	if err := b.prefetch(calls); err != nil {
		return nil, nil, err
	}
	for i, call := range calls {
		outs[i], err = b.applyCall(call)
		if err != nil {
			return nil, nil, err
		}
	}
	if err := b.write(outs, calls); err != nil {
		return nil, nil, err
	}
	if err := b.finish(outs); err != nil {
		return nil, nil, err
	}
	return outs, b, nil
}

// at is the time of a change to an incident: now, unless the incident was
// already changed later (another replica's clock runs ahead), so that its
// timeline stays in order.
func (b *batch) at(is *incState) time.Time {
	if is.stored && is.inc.UpdatedAt.After(b.now) {
		return is.inc.UpdatedAt
	}
	return b.now
}
