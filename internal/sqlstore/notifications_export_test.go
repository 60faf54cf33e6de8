package sqlstore

// ClaimQueries returns the SELECTs of ClaimNotifications, rebound for the
// dialect, in the order a claim runs them (arguments: now, limit).
func (s *Store) ClaimQueries() []string {
	var out []string
	for _, c := range s.claimQueries() {
		out = append(out, s.q(c.query))
	}
	return out
}

// BatchRetries returns how many FinishNotifications batches were rolled
// back for a deadlock or serialization failure and tried again.
func BatchRetries() int64 { return batchRetries.Load() }
