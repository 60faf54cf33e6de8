package sqlstore

import "github.com/arqir/arqir"

// CachedIncident returns the committer's cached copy of an incident and
// the row values cached with it (nil when unknown); ok is false when the
// cache holds none. Call it only while no ingest runs.
func (s *Store) CachedIncident(id arqir.IncidentID) (inc *arqir.Incident, vals []any, ok bool) {
	c := s.ingest.c.Load()
	if c == nil {
		return nil, nil, false
	}
	e, ok := c.cache.m[id]
	return e.inc, e.vals, ok
}

// IncidentCacheHits is how many incidents batches took from the cache.
func (s *Store) IncidentCacheHits() int {
	if c := s.ingest.c.Load(); c != nil {
		return c.cache.hits
	}
	return 0
}

// IncidentRowValues are the values an incident's row is stored with.
func IncidentRowValues(inc *arqir.Incident) ([]any, error) { return incidentValues(inc) }

// AlertLookupQuery is ingest's lookup of n alerts of one integration, as
// sent to the database: the integration ID, then n dedup keys.
func (s *Store) AlertLookupQuery(n int) string {
	return s.q(alertLookupHead + "(" + placeholders(n) + ")")
}

// RequestKeyLookupQuery is ingest's lookup of n request keys, in the
// dialect's placeholders: the integration, then the keys.
func (s *Store) RequestKeyLookupQuery(n int) string {
	return s.q(requestKeyLookupHead + "(" + placeholders(n) + ")")
}
