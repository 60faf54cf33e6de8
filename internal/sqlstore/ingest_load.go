package sqlstore

import (
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/routing"
)

// prefetch reads, with a few set-wise queries, everything the calls will
// look at: their integrations and request keys, their alerts, and the groups
// and incidents that alerts firing or resolving will change (found by
// replaying the calls' statuses in order). Whatever a call needs beyond it
// (possible only when an earlier call failed and changed the picture) is
// read on demand.
func (b *batch) prefetch(calls []*ingestCall) error {
	var ids []int64
	for _, c := range calls {
		if _, ok := b.integrations[c.integrationID]; !ok {
			b.integrations[c.integrationID] = nil
			ids = append(ids, c.integrationID)
		}
	}
	if err := b.loadIntegrations(ids); err != nil {
		return err
	}
	var keys []requestKey
	for _, c := range calls {
		if c.key != "" && b.active(c) {
			keys = append(keys, requestKey{c.integrationID, c.key})
		}
	}
	if err := b.loadKeys(keys); err != nil {
		return err
	}
	var akeys []alertKey
	for _, c := range calls {
		if !b.active(c) || b.keys[requestKey{c.integrationID, c.key}] != nil {
			continue
		}
		for _, ev := range c.events {
			k := alertKey{c.integrationID, ev.DedupKey}
			if _, ok := b.alerts[k]; !ok {
				b.alerts[k] = nil
				akeys = append(akeys, k)
			}
		}
	}
	if err := b.loadAlerts(akeys); err != nil {
		return err
	}

	// Replay the statuses: a firing event of an unknown or resolved alert
	// needs its group's incident (and its own); a resolve of a firing
	// alert needs its incident.
	status := map[alertKey]arqir.AlertStatus{}
	for k, st := range b.alerts {
		if st != nil {
			status[k] = st.a.Status
		}
	}
	groups, incs := map[string]bool{}, map[arqir.IncidentID]bool{}
	for _, c := range calls {
		in := b.integrations[c.integrationID]
		if !b.active(c) || b.keys[requestKey{c.integrationID, c.key}] != nil {
			continue
		}
		for i, ev := range c.events {
			k := alertKey{c.integrationID, ev.DedupKey}
			cur := status[k]
			if ev.Status == arqir.AlertFiring && cur != arqir.AlertFiring {
				d := routing.Decide(b.rules, in, ev)
				b.decisions[eventRef{c, i}] = d
				groups[d.GroupKey] = true
			}
			if st := b.alerts[k]; st != nil && st.a.IncidentID != nil && (ev.Status == arqir.AlertFiring) != (cur == arqir.AlertFiring) {
				incs[*st.a.IncidentID] = true
			}
			status[k] = ev.Status
		}
	}
	ids2, err := b.loadGroups(slices.Collect(maps.Keys(groups)))
	if err != nil {
		return err
	}
	for _, id := range ids2 {
		incs[id] = true
	}
	return b.loadIncidents(slices.Sorted(maps.Keys(incs)))
}

// active reports whether the call's integration takes it (see refusal):
// a refused call needs nothing read for it.
func (b *batch) active(c *ingestCall) bool {
	return b.refusal(c) == nil
}

func (b *batch) loadIntegrations(ids []int64) error {
	err := b.queryIn(`SELECT `+integrationColumns+` FROM integrations WHERE id IN `, b.s.d.IngestShareLock, nil, anys(ids), func(rows *sql.Rows) error {
		in, err := scanIntegration(rows)
		if err == nil {
			b.integrations[in.ID] = in
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("read integrations: %w", err)
	}
	return nil
}

// loadAlerts reads alerts by key; keys without a row stay nil in b.alerts.
func (b *batch) loadAlerts(keys []alertKey) error {
	byIntegration := map[int64][]any{}
	for _, k := range keys {
		b.alerts[k] = nil
		byIntegration[k.integration] = append(byIntegration[k.integration], k.dedup)
	}
	for id, dedups := range byIntegration {
		err := b.queryInPlanned(alertLookupHead, "", []any{id}, dedups, func(rows *sql.Rows) error {
			a, raw, err := scanAlertRow(rows) // decoded only when needed: see alertState.raw
			if err == nil {
				b.alerts[alertKey{a.IntegrationID, a.DedupKey}] = &alertState{a: *a, raw: raw, stored: true}
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("read alerts: %w", err)
		}
	}
	return nil
}

// alertLookupHead is the lookup of alerts by key, before its IN list.
// PostgreSQL plans it well only with statistics on alerts (see
// ingest_analyze.go).
var alertLookupHead = `SELECT ` + alertColumns + ` FROM alerts WHERE integration_id = ? AND dedup_key IN `

// loadGroups reads the latest incident of groups and returns their IDs;
// groups without a row stay nil in b.groups.
func (b *batch) loadGroups(keys []string) ([]arqir.IncidentID, error) {
	var ids []arqir.IncidentID
	for _, k := range keys {
		b.groups[k] = nil
	}
	err := b.queryIn(`SELECT group_key, incident_id FROM alert_groups WHERE group_key IN `, "", nil, anys(keys), func(rows *sql.Rows) error {
		var g groupState
		var key string
		if err := rows.Scan(&key, &g.incID); err != nil {
			return err
		}
		b.groups[key] = &g
		ids = append(ids, g.incID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read alert groups: %w", err)
	}
	return ids, nil
}

// loadIncidents reads incidents with their rows locked (in ID order, so
// that two writers cannot lock them crosswise), their services and
// deadlines, and how many alerts each has and how many of them fire. An
// incident the committer's cache holds at its stored version is taken from
// there (ingest_cache.go); the version query locks the rows all the same.
func (b *batch) loadIncidents(ids []arqir.IncidentID) error {
	var todo []any
	for _, id := range ids {
		if _, ok := b.incidents[id]; !ok {
			todo = append(todo, id)
		}
	}
	full := todo
	if b.cache.holdsAny(todo) {
		full = nil
		err := b.queryIn(`SELECT id, version FROM incidents WHERE id IN `, ` ORDER BY id`+b.s.d.RowLock, nil, todo, func(rows *sql.Rows) error {
			var id arqir.IncidentID
			var version int
			if err := rows.Scan(&id, &version); err != nil {
				return err
			}
			if c, ok := b.cache.get(id, version); ok {
				b.addIncident(cloneIncident(c.inc), c.vals)
			} else {
				full = append(full, id)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read incident versions: %w", err)
		}
	}
	var incs []*arqir.Incident
	err := b.queryIn(`SELECT `+incidentColumns+` FROM incidents WHERE id IN `, ` ORDER BY id`+b.s.d.RowLock, nil, full, func(rows *sql.Rows) error {
		inc, err := scanIncident(rows)
		if err == nil {
			incs = append(incs, inc)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("read incidents: %w", err)
	}
	for chunk := range slices.Chunk(incs, maxChunk) {
		if err := b.s.loadChildren(b.ctx, b.tx, chunk); err != nil {
			return err
		}
	}
	for _, inc := range incs {
		b.addIncident(inc, nil)
	}
	return b.loadCounts(todo)
}

// addIncident makes a stored incident, just read, part of the batch; vals
// are its row's values if known.
func (b *batch) addIncident(inc *arqir.Incident, vals []any) {
	is := &incState{
		inc: inc, stored: true, readVersion: inc.Version, vals: vals,
		services: slices.Clone(inc.Services), deadlines: slices.Clone(inc.Deadlines),
	}
	if b.planner != nil {
		is.before = cloneIncident(inc)
	}
	b.incidents[inc.ID] = is
	b.loadedIncs = append(b.loadedIncs, is)
}

// loadCounts reads how many alerts the incidents have and how many fire;
// an incident no alert ever joined has no row and zero of both.
func (b *batch) loadCounts(ids []any) error {
	err := b.queryIn(`SELECT incident_id, total, firing FROM incident_alerts WHERE incident_id IN `, "", nil, ids, func(rows *sql.Rows) error {
		var id arqir.IncidentID
		var total, firing int
		if err := rows.Scan(&id, &total, &firing); err != nil {
			return err
		}
		if is := b.incidents[id]; is != nil {
			is.total, is.firing = total, firing
			is.readTotal, is.readFiring = total, firing
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("count the alerts of incidents: %w", err)
	}
	return nil
}

// alert returns the batch's state of an alert, reading it if need be; nil
// when there is none.
func (b *batch) alert(k alertKey) (*alertState, error) {
	if st, ok := b.alerts[k]; ok {
		return st, nil
	}
	if err := b.loadAlerts([]alertKey{k}); err != nil {
		return nil, err
	}
	return b.alerts[k], nil
}

// incident returns the batch's state of an incident, reading it if need be.
func (b *batch) incident(id arqir.IncidentID) (*incState, error) {
	if is, ok := b.incidents[id]; ok {
		return is, nil
	}
	if err := b.loadIncidents([]arqir.IncidentID{id}); err != nil {
		return nil, err
	}
	is := b.incidents[id]
	if is == nil {
		return nil, fmt.Errorf("incident %s of an alert or group is missing", id)
	}
	return is, nil
}

// group returns the latest incident of a group, nil if it has none.
func (b *batch) group(key string) (*incState, error) {
	g, ok := b.groups[key]
	if !ok {
		if _, err := b.loadGroups([]string{key}); err != nil {
			return nil, err
		}
		g = b.groups[key]
	}
	if g == nil {
		return nil, nil
	}
	if g.inc == nil {
		is, err := b.incident(g.incID)
		if err != nil {
			return nil, err
		}
		g.inc = is
	}
	return g.inc, nil
}

// incidentOf returns the incident of an alert's latest firing episode.
func (b *batch) incidentOf(st *alertState) (*incState, error) {
	if st.inc != nil || st.a.IncidentID == nil {
		return st.inc, nil
	}
	is, err := b.incident(*st.a.IncidentID)
	if err != nil {
		return nil, err
	}
	st.inc = is
	return is, nil
}

func anys[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
