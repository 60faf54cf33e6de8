package sqlstore

import "github.com/arqir/arqir"

// The committer's incident cache. A storm attaches alerts to the same few
// incidents batch after batch, and reading each back every time (the wide
// row with its JSON columns, then its services and deadlines) was a tenth
// of the committer's work. So the committer keeps the incidents its last
// batches committed, and a batch checks each one's version under the row
// lock it takes anyway (SELECT id, version … FOR UPDATE, one narrow query
// for all of them) and reads in full only those that changed since.
//
// This is sound because every write of an incident's row, services or
// deadlines raises its version, on every path (mutate.go's changeLoaded,
// which the API, the sweep and paging use, and ingest itself, in this or
// another replica): an entry whose version still matches is the incident
// as stored. The alert counts (incident_alerts), which a replica's
// committer changes without a new version, are read every time. The cache
// belongs to the committer goroutine alone; it is filled only after a
// batch commits, and emptied when one fails or is applied request by
// request, so that it never holds what a rollback undid.

// maxCachedIncidents bounds the cache (a few MB at most); when a batch
// would overflow it, it starts again empty.
const maxCachedIncidents = 1024

// incidentCache holds incidents as committed, by ID.
type incidentCache struct {
	m    map[arqir.IncidentID]cachedIncident
	hits int // incidents taken from the cache, for tests
}

// cachedIncident is an incident as its last committed batch left it.
type cachedIncident struct {
	// inc is never changed again: a batch works on a copy of it.
	inc *arqir.Incident
	// vals are its row's values as stored (incidentValues), nil when the
	// batch that left it did not compute them.
	vals []any
}

func newIncidentCache() *incidentCache {
	return &incidentCache{m: map[arqir.IncidentID]cachedIncident{}}
}

// holdsAny reports whether any of ids is cached; a nil cache holds none.
func (c *incidentCache) holdsAny(ids []any) bool {
	if c == nil || len(c.m) == 0 {
		return false
	}
	for _, id := range ids {
		if _, ok := c.m[id.(arqir.IncidentID)]; ok {
			return true
		}
	}
	return false
}

// get returns the cached incident if it has the stored version.
func (c *incidentCache) get(id arqir.IncidentID, version int) (cachedIncident, bool) {
	if c == nil {
		return cachedIncident{}, false
	}
	e, ok := c.m[id]
	if !ok || e.inc.Version != version {
		return cachedIncident{}, false
	}
	c.hits++
	return e, true
}

// keep caches the incidents of a batch that committed: those it read and
// those it opened, as it wrote them.
func (c *incidentCache) keep(b *batch) {
	if c == nil || b == nil {
		return
	}
	if len(c.m)+len(b.loadedIncs)+len(b.newIncs) > maxCachedIncidents {
		clear(c.m)
	}
	for _, list := range [][]*incState{b.loadedIncs, b.newIncs} {
		for _, is := range list {
			if len(c.m) >= maxCachedIncidents {
				return
			}
			c.m[is.inc.ID] = cachedIncident{inc: is.inc, vals: is.vals}
		}
	}
}

// reset empties the cache, after a batch that did not commit as applied.
func (c *incidentCache) reset() {
	if c != nil {
		clear(c.m)
	}
}
