package api

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/kpi"
)

// kpiParams are the query parameters of GET /api/v1/kpis; any other is
// refused, so a misspelt filter ("servcie") is not a scorecard of everything.
var kpiParams = []string{"since", "from", "to", "service", "severity"}

// defaultKPIWindow is the window of a scorecard that names none: the last
// 30 days, the horizon the procedures' monthly targets are read over.
const defaultKPIWindow = 30 * 24 * time.Hour

// maxKPIWindow bounds a window: ten years is more history than any
// scorecard question needs, and the weekly trend of a longer one would
// run to thousands of rows.
const maxKPIWindow = 3660 * 24 * time.Hour

// handleKPIs answers the KPI scorecard (K1–K5, I3) of a window, service
// and severity: docs/kpis.md defines every number.
func (s *server) handleKPIs(w http.ResponseWriter, r *http.Request) error {
	q, err := s.kpiQuery(r.URL.Query())
	if err != nil {
		return err
	}
	report, err := s.kpiReport(r.Context(), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, report)
	return nil
}

// kpiReport computes the scorecard: the database sums, package kpi judges
// them against the active policy's targets.
func (s *server) kpiReport(ctx context.Context, q arqir.KPIQuery) (*arqir.KPIReport, error) {
	agg, err := s.store.KPIAggregates(ctx, q)
	if err != nil {
		return nil, err
	}
	rules := s.policies.Rules()
	return kpi.Compute(agg, q, rules.PostIncident.KPIs, rules.SeverityNames()...), nil
}

// kpiQuery reads the window — since, or from and to, default the last 30
// days by the server's clock — and the filters, refusing what would give a
// wrong or meaningless answer.
func (s *server) kpiQuery(v url.Values) (arqir.KPIQuery, error) {
	var q arqir.KPIQuery
	if err := onlyParams(v, kpiParams...); err != nil {
		return q, err
	}
	since, from, to := strings.TrimSpace(v.Get("since")), strings.TrimSpace(v.Get("from")), strings.TrimSpace(v.Get("to"))
	switch {
	case since != "" && (from != "" || to != ""):
		return q, arqir.FieldErrorf(arqir.EINVALID, "since", "give either since (e.g. since=30d) or from and to, not both")
	case from != "" && to == "":
		return q, arqir.FieldErrorf(arqir.EINVALID, "to", "from needs to: give both (RFC 3339 times), or since=30d for the last 30 days")
	case to != "" && from == "":
		return q, arqir.FieldErrorf(arqir.EINVALID, "from", "to needs from: give both (RFC 3339 times), or since=30d for the last 30 days")
	case from != "":
		var err error
		if q.From, err = instant("from", from); err != nil {
			return q, err
		}
		if q.To, err = instant("to", to); err != nil {
			return q, err
		}
		q.From, q.To = q.From.UTC(), q.To.UTC()
		if !q.From.Before(q.To) {
			return q, arqir.FieldErrorf(arqir.EINVALID, "to", "the window is empty or inverted: to (%s) must be after from (%s)", q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
		}
		if q.To.Sub(q.From) > maxKPIWindow {
			return q, arqir.FieldErrorf(arqir.EINVALID, "from", "the window from %s to %s is longer than 10 years (3660 days): ask for a shorter one", q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
		}
	default:
		length := defaultKPIWindow
		if since != "" {
			d, err := kpi.ParseSince(since)
			if err != nil {
				return q, arqir.FieldErrorf(arqir.EINVALID, "since", "since: %v", err)
			}
			if d > maxKPIWindow {
				return q, arqir.FieldErrorf(arqir.EINVALID, "since", "since=%s is longer than 10 years (3660d): ask for a shorter window", since)
			}
			length = d
		}
		q.To = s.now().UTC()
		q.From = q.To.Add(-length)
	}
	q.Service = strings.TrimSpace(v.Get("service"))
	if sev := strings.TrimSpace(v.Get("severity")); sev != "" {
		name, err := s.knownSeverity(sev)
		if err != nil {
			return q, err
		}
		q.Severity = name
	}
	return q, nil
}
