package sqlstore

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/arqir/arqir"
)

// defaultAvailabilitySpan is the range Availability reports when not told.
const defaultAvailabilitySpan = 30 * 24 * time.Hour

// Availability reports, per responder, how fast the incidents declared in
// [from, to) (by default the 30 days up to now) were acknowledged (O4). Drills are left out: they measure
// practice, not availability. Page acknowledgement numbers stay empty until
// paging exists, and each row says so.
func (s *Store) Availability(ctx context.Context, from, to time.Time) (*arqir.AvailabilityReport, error) {
	if to.IsZero() {
		to = s.clock()
	}
	if from.IsZero() {
		from = to.Add(-defaultAvailabilitySpan)
	}
	from, to = storable(from), storable(to)
	switch {
	case !to.After(from):
		return nil, arqir.FieldErrorf(arqir.EINVALID, "to", "the range ends at %s, not after its start %s: give an end after the start", stampUTC(to), stampUTC(from))
	case to.Sub(from) > arqir.MaxAvailabilityRange:
		return nil, arqir.FieldErrorf(arqir.EINVALID, "to", "the range %s to %s is longer than 366 days: ask for at most 366 days at a time and page through longer spans", stampUTC(from), stampUTC(to))
	}
	target := s.onCallRules().Availability
	report := &arqir.AvailabilityReport{
		From: from, To: to, Responders: []arqir.ResponderAvailability{},
		RespondWithinSeconds:         target.RespondWithin.Seconds(),
		AcknowledgePageWithinSeconds: target.AcknowledgePageWithin.Seconds(),
		JoinCallsWithinSeconds:       target.JoinCallsWithin.Seconds(),
		Note: "response time runs from declaration to acknowledgement of the incidents declared in the range (drills left out); " +
			"page acknowledgement times arrive with paging",
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT acknowledged_by, severity, declared_at, acknowledged_at FROM incidents
		WHERE declared_at >= ? AND declared_at < ? AND acknowledged_at IS NOT NULL AND NOT drill`), micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("read acknowledgements: %w", err)
	}
	type ack struct {
		took     time.Duration
		severity string
	}
	byResponder := map[string][]ack{}
	for rows.Next() {
		var (
			who, sev        string
			declared, acked int64
		)
		if err := rows.Scan(&who, &sev, &declared, &acked); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read acknowledgements: %w", err)
		}
		byResponder[who] = append(byResponder[who], ack{fromMicros(acked).Sub(fromMicros(declared)), sev})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read acknowledgements: %w", err)
	}
	users, err := s.userIndex(ctx, s.db)
	if err != nil {
		return nil, err
	}
	rules, _ := s.currentRules() // without rules no acknowledgement counts as within a severity target
	names := make([]string, 0, len(byResponder))
	for who := range byResponder {
		names = append(names, who)
	}
	sort.Strings(names)
	for _, who := range names {
		acks := byResponder[who]
		r := arqir.ResponderAvailability{Responder: who, Acknowledged: len(acks), PagesNote: arqir.PagesNotConfigured}
		if u, ok := users[who]; ok {
			r.Name = u.Name
		}
		took := make([]time.Duration, len(acks))
		for i, a := range acks {
			took[i] = a.took
			if sev, ok := rules.Severity(a.severity); ok && a.took <= sev.ResponseTarget {
				r.WithinSeverityTarget++
			}
			if target.RespondWithin > 0 && a.took <= target.RespondWithin {
				r.WithinRespondTarget++
			}
		}
		slices.Sort(took)
		r.ResponseP50Seconds = percentile(took, 0.5).Seconds()
		r.ResponseP90Seconds = percentile(took, 0.9).Seconds()
		r.ResponseMaxSeconds = took[len(took)-1].Seconds()
		r.WithinSeverityTargetShare = float64(r.WithinSeverityTarget) / float64(len(acks))
		r.WithinRespondTargetShare = float64(r.WithinRespondTarget) / float64(len(acks))
		report.Responders = append(report.Responders, r)
	}
	return report, nil
}

// percentile is the nearest-rank percentile of sorted values: a value that
// was really observed, never an interpolation between two.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
