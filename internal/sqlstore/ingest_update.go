package sqlstore

import (
	"fmt"
	"slices"

	"github.com/arqir/arqir"
)

// Writing the incidents a batch changed. Most of them only gained timeline
// events (alerts attached, fired again): their row changes in its version
// and updated_at alone. Those are written together, one statement per
// batch and time, that sets just these two columns: a full-row UPDATE per
// incident was a round trip each on PostgreSQL and, on SQLite, rewrote
// every index of incidents (SQLite updates the index entries of every
// column a statement sets, changed or not). An incident whose row changed
// otherwise (severity raised, reopened, resolved, impact start moved) or
// whose stored values are not known is written whole, as before.

// The positions of the two stamp columns in writableColumns.
var (
	versionColumn   = slices.Index(writableColumns, "version")
	updatedAtColumn = slices.Index(writableColumns, "updated_at")
)

// updateIncidents writes the stored incidents that changed: one version
// more, the RCA of a resolution and what the planner decides (before the
// write: both add deadlines), and their services and deadlines where those
// changed; then marks their KPI days stale, once per day.
func (b *batch) updateIncidents() error {
	stamped := map[int64][]any{} // updated_at → incidents whose row changed only in its stamps
	var times []int64
	for _, is := range b.touchedIncs {
		inc := is.inc
		inc.Version = is.readVersion + 1
		for _, e := range is.events {
			if e.ev.At.After(inc.UpdatedAt) {
				inc.UpdatedAt = e.ev.At
			}
		}
		if err := b.openRCA(is, inc.UpdatedAt); err != nil {
			return err
		}
		if b.planner != nil {
			b.setPlan(is, planChange(b.planner, is.before, inc, is.timeline(), inc.UpdatedAt), inc.UpdatedAt)
		}
		normalize(inc)
		vals, err := incidentValues(inc)
		if err != nil {
			return err
		}
		if onlyStamps(is.vals, vals) {
			at := micros(inc.UpdatedAt)
			if _, ok := stamped[at]; !ok {
				times = append(times, at)
			}
			stamped[at] = append(stamped[at], inc.ID)
		} else if err := b.s.updateIncident(b.ctx, b.tx, inc, is.readVersion); err != nil {
			return err
		}
		is.vals = vals
		if !slices.Equal(is.services, inc.Services) {
			if err := b.s.replaceServices(b.ctx, b.tx, inc.ID, inc.Services); err != nil {
				return err
			}
		}
		if err := b.s.upsertDeadlines(b.ctx, b.tx, inc.ID, inc.Deadlines, changedDeadlines(is.deadlines, inc.Deadlines)); err != nil {
			return err
		}
	}
	for _, at := range times {
		if err := b.stampIncidents(at, stamped[at]); err != nil {
			return err
		}
	}
	return b.markKPIsStale(b.touchedIncs)
}

// onlyStamps reports whether a row as stored (read, nil when unknown) and
// as it is to be written differ in nothing but version and updated_at.
func onlyStamps(read, write []any) bool {
	if len(read) != len(write) {
		return false
	}
	for i := range read {
		if i != versionColumn && i != updatedAtColumn && read[i] != write[i] {
			return false
		}
	}
	return true
}

// stampIncidents raises the version of incidents by one and sets their
// updated_at, in statements of power-of-two IN lists. Their rows are
// locked since the batch read their versions (FOR UPDATE on PostgreSQL;
// on SQLite the batch is the one writer), so version + 1 is the version
// the batch holds in memory; a row not updated is a lost update all the
// same, and refused.
func (b *batch) stampIncidents(at int64, ids []any) error {
	for chunk := range slices.Chunk(ids, maxChunk) {
		p := padded(chunk)
		st, err := b.s.stmt(b.ctx, b.tx, "UPDATE incidents SET version = version + 1, updated_at = ? WHERE id IN ("+placeholders(len(p))+")")
		if err != nil {
			return fmt.Errorf("update incidents: %w", err)
		}
		res, err := st.exec(b.ctx, append([]any{at}, p...)...)
		if err != nil {
			return fmt.Errorf("update incidents: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("update incidents: %w", err)
		} else if n != int64(len(chunk)) {
			return arqir.Errorf(arqir.ECONFLICT, "%d of %d incidents changed while alerts were applied to them: send the request again", int64(len(chunk))-n, len(chunk))
		}
	}
	return nil
}

// markKPIsStale marks the days the incidents were declared on as needing
// their KPI rollups recomputed (markKPIStale for many incidents): one row
// per day, in one statement. Drills never count.
func (b *batch) markKPIsStale(list []*incState) error {
	var days []any
	seen := map[int64]bool{}
	for _, is := range list {
		if is.inc.Drill {
			continue
		}
		if day := startOfDay(micros(is.inc.DeclaredAt)); !seen[day] {
			seen[day] = true
			days = append(days, day)
		}
	}
	return b.insertRows("INSERT INTO kpi_stale (day) VALUES ", 1, days, " ON CONFLICT (day) DO NOTHING")
}
