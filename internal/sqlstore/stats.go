package sqlstore

import (
	"context"
	"fmt"

	"github.com/arqir/arqir"
)

// Stats counts open incidents by severity and breaches ever recorded, in
// total and by deadline kind, drills left out: people alert on these
// numbers, and a drill must not page. Every severity of the installed rules
// is present, with zero when none is open, so a gauge drops to zero instead
// of keeping its last value.
func (s *Store) Stats(ctx context.Context) (*arqir.IncidentStats, error) {
	st := &arqir.IncidentStats{OpenBySeverity: map[string]int{}, BreachesByKind: map[string]int{}}
	if r := s.rules.Load(); r != nil {
		for _, sev := range r.Severities {
			st.OpenBySeverity[sev.Name] = 0
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT severity, COUNT(*) FROM incidents
		WHERE status <> '`+string(arqir.StatusResolved)+`' AND NOT drill GROUP BY severity`)
	if err != nil {
		return nil, fmt.Errorf("count open incidents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sev string
		var n int
		if err := rows.Scan(&sev, &n); err != nil {
			return nil, fmt.Errorf("count open incidents: %w", err)
		}
		st.OpenBySeverity[sev] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count open incidents: %w", err)
	}
	// One query for both numbers: the total is the sum of the kinds, so the
	// two can never disagree within a scrape.
	rows, err = s.db.QueryContext(ctx, `SELECT d.kind, COUNT(*) FROM deadlines d JOIN incidents i ON i.id = d.incident_id
		WHERE d.breached_at IS NOT NULL AND NOT i.drill GROUP BY d.kind`)
	if err != nil {
		return nil, fmt.Errorf("count breaches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, fmt.Errorf("count breaches: %w", err)
		}
		st.BreachesByKind[kind] = n
		st.BreachesTotal += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count breaches: %w", err)
	}
	return st, nil
}
