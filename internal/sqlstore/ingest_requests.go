package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/arqir/arqir"
)

// Idempotency. A request key is stored with what its request did, in the
// transaction that applied it, and with when it expires
// (arqir.RequestKeyRetention: 24 h for a key the sender chose, 10 min for
// one derived from the body); the same key again before then is answered
// from it and applies nothing. An expired key is ignored even while its row
// waits for the sweep, and the request that comes with it replaces the row.
// The stored result is the IDs of the request's alerts and incidents: a
// replay shows those alerts as they are now.

// sweepRequestsBatch bounds how many request keys one sweep forgets, so
// that a sweep after a long outage is a series of short transactions.
const sweepRequestsBatch = 5000

// keyEntry is a request key the batch knows.
type keyEntry struct {
	stored  *storedResult  // read from the database
	pending *pendingResult // applied earlier in this batch
	fresh   bool           // to be stored by this batch
	call    *ingestCall    // the call that applied it, when fresh
}

// storedResult is the JSON kept in ingest_requests.result.
type storedResult struct {
	Alerts    []int64 `json:"a"`
	Incidents []int64 `json:"i"`
}

// requestKeyLookupHead reads stored request keys of one integration; an IN
// list of keys follows.
const requestKeyLookupHead = `SELECT request_key, result, expires_at FROM ingest_requests WHERE integration_id = ? AND request_key IN `

// loadKeys reads the stored request keys among keys that have not expired.
// Like the alert lookup, it is planned with its values each time
// (queryInPlanned): the table grows with every request, and PostgreSQL's
// cached generic plan, made while it was small, walked the expiry index
// through every live key of the integration for each batch (1.0–1.4 ms per
// lookup a few thousand requests into a storm, and growing), or would scan
// the table whole. The expiry is checked here rather than in the query, so
// that the primary key is the only index the lookup can use.
func (b *batch) loadKeys(keys []requestKey) error {
	byIntegration := map[int64][]any{}
	for _, k := range keys {
		byIntegration[k.integration] = append(byIntegration[k.integration], k.key)
	}
	now := micros(b.now)
	for id, ks := range byIntegration {
		err := b.queryInPlanned(requestKeyLookupHead, "", []any{id}, ks, func(rows *sql.Rows) error {
			var key, result string
			var expires int64
			var r storedResult
			if err := rows.Scan(&key, &result, &expires); err != nil {
				return err
			}
			if expires <= now {
				return nil // expired: the request is applied again, and its key stored anew
			}
			if err := json.Unmarshal([]byte(result), &r); err != nil {
				return fmt.Errorf("decode the result of request %q: %w", key, err)
			}
			b.keys[requestKey{id, key}] = &keyEntry{stored: &r}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read request keys: %w", err)
		}
	}
	return nil
}

// finish turns each call's outcome into its IngestResult, now that every
// alert and incident has its ID.
func (b *batch) finish(outs []outcome) error {
	var ids []int64
	for _, o := range outs {
		if o.replay != nil && o.replay.stored != nil {
			ids = append(ids, o.replay.stored.Alerts...)
		}
	}
	replayed, err := b.alertsByID(ids)
	if err != nil {
		return err
	}
	for i, o := range outs {
		switch {
		case o.pending != nil:
			outs[i].res = o.pending.result()
		case o.replay != nil && o.replay.pending != nil:
			outs[i].res = o.replay.pending.result()
			outs[i].res.Replayed = true
		case o.replay != nil:
			res := &arqir.IngestResult{Alerts: []*arqir.Alert{}, Incidents: []arqir.IncidentID{}, Replayed: true}
			for _, id := range o.replay.stored.Alerts {
				if a := replayed[id]; a != nil {
					res.Alerts = append(res.Alerts, a)
				}
			}
			for _, id := range o.replay.stored.Incidents {
				res.Incidents = append(res.Incidents, arqir.IncidentID(id))
			}
			outs[i].res = res
		}
	}
	return nil
}

// result is the IngestResult of an applied call.
func (p *pendingResult) result() *arqir.IngestResult {
	res := &arqir.IngestResult{Alerts: make([]*arqir.Alert, len(p.alerts)), Incidents: make([]arqir.IncidentID, len(p.incs))}
	for i, st := range p.alerts {
		a := p.snaps[i]
		a.ID = st.a.ID
		if is := p.snapIncs[i]; is != nil {
			id := is.inc.ID
			a.IncidentID = &id
		}
		res.Alerts[i] = &a
	}
	for i, is := range p.incs {
		res.Incidents[i] = is.inc.ID
	}
	return res
}

// stored is what ingest_requests keeps of an applied call.
func (p *pendingResult) stored() storedResult {
	r := storedResult{Alerts: make([]int64, len(p.alerts)), Incidents: make([]int64, len(p.incs))}
	for i, st := range p.alerts {
		r.Alerts[i] = st.a.ID
	}
	for i, is := range p.incs {
		r.Incidents[i] = int64(is.inc.ID)
	}
	return r
}

// alertsByID reads alerts by ID.
func (b *batch) alertsByID(ids []int64) (map[int64]*arqir.Alert, error) {
	out := map[int64]*arqir.Alert{}
	err := b.queryIn(`SELECT `+alertColumns+` FROM alerts WHERE id IN `, "", nil, anys(ids), func(rows *sql.Rows) error {
		a, err := scanAlert(rows)
		if err == nil {
			out[a.ID] = a
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read replayed alerts: %w", err)
	}
	return out, nil
}

// SweepIngestRequests forgets up to sweepRequestsBatch request keys that
// expired at or before now.
func (s *Store) SweepIngestRequests(ctx context.Context, now time.Time) (int, error) {
	// Checked with EXPLAIN on both databases: with the pair in primary-key
	// order SQLite deletes each listed row by its key, and the repeated
	// expires_at condition lets PostgreSQL find the rows to delete through
	// ingest_requests_expires; otherwise each sweep scans the whole table.
	before := micros(storable(now))
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM ingest_requests WHERE expires_at <= ? AND (request_key, integration_id) IN (
		SELECT request_key, integration_id FROM ingest_requests WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`), before, before, sweepRequestsBatch)
	if err != nil {
		return 0, fmt.Errorf("sweep request keys: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sweep request keys: %w", err)
	}
	return int(n), nil
}
