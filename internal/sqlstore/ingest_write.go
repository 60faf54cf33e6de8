package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// write stores what the batch's calls changed, one set-wise statement per
// table where the rows allow it. New incidents come first (alerts and
// events refer to their IDs), then alerts (events name their IDs), then
// the timeline, groups and request keys.
func (b *batch) write(outs []outcome, calls []*ingestCall) error {
	if writeFault != nil {
		if err := writeFault(b.tx, calls); err != nil {
			return err
		}
	}
	for _, list := range [][]*incState{b.newIncs, b.touchedIncs} {
		for _, is := range list {
			is.collapseAttachments()
		}
	}
	if err := b.insertIncidents(); err != nil {
		return err
	}
	if err := b.updateIncidents(); err != nil {
		return err
	}
	if err := b.writePlans(); err != nil {
		return err
	}
	if err := b.writeAlerts(); err != nil {
		return err
	}
	if err := b.writeEvents(); err != nil {
		return err
	}
	if err := b.writeGroups(); err != nil {
		return err
	}
	if err := b.writeCounts(); err != nil {
		return err
	}
	return b.writeKeys(outs, calls)
}

// insertIncidents inserts the new incidents one by one (each needs its
// generated ID back), marks their KPIs stale, gives those the batch also
// resolved their RCA, asks the planner about each once it has its ID, and
// inserts their services in one statement.
func (b *batch) insertIncidents() error {
	var services []any
	for _, is := range b.newIncs {
		inc := is.inc
		normalize(inc)
		vals, err := incidentValues(inc)
		if err != nil {
			return err
		}
		st, err := b.s.stmt(b.ctx, b.tx, insertIncidentSQL)
		if err != nil {
			return fmt.Errorf("insert incident %q: %w", inc.Title, err)
		}
		if err := st.queryRow(b.ctx, vals...).Scan(&inc.ID); err != nil {
			return fmt.Errorf("insert incident %q: %w", inc.Title, err)
		}
		if err := b.s.markKPIStale(b.ctx, b.tx, inc); err != nil {
			return err
		}
		if err := b.openRCA(is, b.now); err != nil {
			return err
		}
		if b.planner != nil {
			plan, err := b.s.planNew(b.ctx, b.tx, b.planner, inc, vals, is.timeline(), b.now)
			if err != nil {
				return err
			}
			b.setPlan(is, plan, b.now)
		}
		if err := b.s.upsertDeadlines(b.ctx, b.tx, inc.ID, inc.Deadlines, allIndexes(len(inc.Deadlines))); err != nil {
			return err
		}
		for i, svc := range inc.Services {
			services = append(services, inc.ID, svc, i)
		}
	}
	return b.insertRows("INSERT INTO incident_services (incident_id, service, position) VALUES ", 3, services, "")
}

// timeline returns the events the batch queued for the incident.
func (is *incState) timeline() []arqir.TimelineEvent {
	out := make([]arqir.TimelineEvent, len(is.events))
	for i, pe := range is.events {
		out[i] = pe.ev
	}
	return out
}

// setPlan keeps an incident's plan and queues its events.
func (b *batch) setPlan(is *incState, plan arqir.Plan, now time.Time) {
	is.plan = planned{inc: is.inc, plan: plan, now: now}
	for _, e := range plan.Events {
		is.events = append(is.events, pendingEvent{ev: e})
	}
}

// writePlans queues the notifications the planner decided for every
// incident the batch changed, in one statement, and the events saying so.
func (b *batch) writePlans() error {
	if b.planner == nil {
		return nil
	}
	var ps []planned
	var owners []*incState
	for _, list := range [][]*incState{b.newIncs, b.touchedIncs} {
		for _, is := range list {
			if p := is.plan.plan; len(p.Notify) > 0 || len(p.Cancel) > 0 || len(p.CancelLater) > 0 {
				ps = append(ps, is.plan)
				owners = append(owners, is)
			}
		}
	}
	if len(ps) == 0 {
		return nil
	}
	events, err := b.s.applyPlans(b.ctx, b.tx, ps)
	if err != nil {
		return err
	}
	for i, is := range owners {
		for _, e := range events[i] {
			is.events = append(is.events, pendingEvent{ev: e})
		}
	}
	return nil
}

// writeAlerts writes the changed alerts: new ones with a plain INSERT
// (the batch holds the ingest lock and read their keys: none exists) that
// returns their IDs; those whose status or incident changed with every
// column; repeats with only the columns a repeat changes, which touch no
// index. The last two are upserts on the alert's key, since a multi-row
// UPDATE is spelt differently by each database.
func (b *batch) writeAlerts() error {
	var fresh, full, touch []*alertState
	for _, st := range b.dirtyAlerts {
		if st.inc != nil {
			id := st.inc.inc.ID
			st.a.IncidentID = &id
		}
		switch {
		case !st.stored:
			fresh = append(fresh, st)
		case st.full:
			full = append(full, st)
		default:
			touch = append(touch, st)
		}
	}
	b.inserted = len(fresh)
	if err := b.insertFresh(fresh); err != nil {
		return err
	}
	insert := "INSERT INTO alerts (" + strings.Join(alertWriteColumns, ", ") + ") VALUES "
	conflict := " ON CONFLICT (integration_id, dedup_key) DO UPDATE SET "
	for _, set := range []struct {
		sts  []*alertState
		cols string
	}{{full, alertFullSet}, {touch, alertTouchSet}} {
		err := chunks(len(set.sts), func(off, n int) error {
			args, err := alertArgs(set.sts[off : off+n])
			if err != nil {
				return err
			}
			st, err := b.s.stmt(b.ctx, b.tx, insert+valuesList(n, len(alertWriteColumns))+conflict+set.cols)
			if err != nil {
				return err
			}
			_, err = st.exec(b.ctx, args...)
			return err
		})
		if err != nil {
			return fmt.Errorf("update alerts: %w", err)
		}
	}
	return nil
}

func alertArgs(sts []*alertState) ([]any, error) {
	args := make([]any, 0, len(sts)*len(alertWriteColumns))
	for _, st := range sts {
		args = appendAlertRow(args, &st.a, st.raw)
	}
	return args, nil
}

// writeEvents appends every queued timeline event, incident by incident in
// the order they were queued, naming the alert IDs that are now known.
func (b *batch) writeEvents() error {
	var args []any
	for _, list := range [][]*incState{b.newIncs, b.touchedIncs} {
		for _, is := range list {
			for _, pe := range is.events {
				e := pe.ev
				data, err := encodeData(pe.data())
				if err != nil {
					return err
				}
				args = append(args, is.inc.ID, micros(storable(e.At)), e.Kind, e.Actor, string(e.Source), e.Message, data)
			}
		}
	}
	return b.insertRows("INSERT INTO timeline_events (incident_id, at, kind, actor, source, message, data) VALUES ", 7, args, "")
}

// writeGroups records the latest incident of each group that changed.
func (b *batch) writeGroups() error {
	var args []any
	seen := map[string]bool{}
	for _, key := range b.dirtyGroups {
		if seen[key] {
			continue
		}
		seen[key] = true
		args = append(args, key, b.groups[key].inc.inc.ID)
	}
	return b.insertRows("INSERT INTO alert_groups (group_key, incident_id) VALUES ", 2, args,
		" ON CONFLICT (group_key) DO UPDATE SET incident_id = excluded.incident_id")
}

// writeCounts records how many alerts each changed incident has and fires.
func (b *batch) writeCounts() error {
	var args []any
	for _, list := range [][]*incState{b.newIncs, b.loadedIncs} {
		for _, is := range list {
			if !is.stored || is.total != is.readTotal || is.firing != is.readFiring {
				args = append(args, is.inc.ID, is.total, is.firing)
			}
		}
	}
	return b.insertRows("INSERT INTO incident_alerts (incident_id, total, firing) VALUES ", 3, args,
		" ON CONFLICT (incident_id) DO UPDATE SET total = excluded.total, firing = excluded.firing")
}

// writeKeys stores the request keys of the calls applied in this batch,
// each with when it expires. A row already there holds an expired key (a
// live one would have been replayed): it is replaced.
func (b *batch) writeKeys(outs []outcome, calls []*ingestCall) error {
	var args []any
	for i, o := range outs {
		c := calls[i]
		if o.pending == nil || c.key == "" {
			continue
		}
		result, err := json.Marshal(o.pending.stored())
		if err != nil {
			return fmt.Errorf("encode the result of request %q: %w", c.key, err)
		}
		args = append(args, c.integrationID, c.key, string(result), micros(b.now), micros(b.now.Add(arqir.RequestKeyRetention(c.key))))
	}
	return b.insertRows("INSERT INTO ingest_requests (integration_id, request_key, result, received_at, expires_at) VALUES ", 5, args,
		" ON CONFLICT (integration_id, request_key) DO UPDATE SET result = excluded.result, received_at = excluded.received_at, expires_at = excluded.expires_at")
}

// insertRows runs a multi-row INSERT of args, cols values per row, in
// prepared statements of power-of-two rows.
func (b *batch) insertRows(prefix string, cols int, args []any, suffix string) error {
	return chunks(len(args)/cols, func(off, n int) error {
		st, err := b.s.stmt(b.ctx, b.tx, prefix+valuesList(n, cols)+suffix)
		if err == nil {
			_, err = st.exec(b.ctx, args[off*cols:(off+n)*cols]...)
		}
		if err != nil {
			return fmt.Errorf("%s…: %w", strings.TrimSuffix(prefix, " VALUES "), err)
		}
		return nil
	})
}

// valuesList returns "(?, ?), (?, ?)" for rows rows of cols values.
func valuesList(rows, cols int) string {
	return rowsList(rows, "("+placeholders(cols)+")")
}
