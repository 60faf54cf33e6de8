package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/kpi"
)

// The KPI page (K1–K5, S1–S4, C1, C2, P1, I3): the scorecard of a window
// with each KPI against its target, a chart per KPI of the weekly trend
// (drawn by static/kpis.js from /kpis/data, the same query as JSON), and
// the compliance table; filters by service and severity. A measure
// without samples says "no data", never 0.

// kpiWindows are the windows offered; the default is the first.
var kpiWindows = []string{"90d", "30d", "180d", "365d"}

// maxKPIWindow bounds a window as the API does: ten years.
const maxKPIWindow = 3660 * 24 * time.Hour

// kpisData is what templates/kpis.html reads.
type kpisData struct {
	Report   *arqir.KPIReport
	Since    string
	Windows  []string
	Service  string
	Severity string
	// Severities are the policy's, for the filter.
	Severities []string
	// DataURL is /kpis/data with the same query, for the charts.
	DataURL string
	// Charted are the KPIs with at least one week of data; the others
	// show "no data for the trend" instead of an empty chart.
	Charted map[string]bool
	// Trended are the KPIs the weekly trend has at all (MTBF, for one,
	// needs more than a week).
	Trended map[string]bool
}

// kpisPage shows the scorecard: ?since=90d&service=…&severity=….
func (s *server) kpisPage(w http.ResponseWriter, r *http.Request) {
	q, since, err := s.kpiQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	report, err := s.kpiReport(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := kpisData{Report: report, Since: since, Windows: kpiWindows, Service: q.Service, Severity: q.Severity,
		Severities: s.policy.Rules().SeverityNames(), Charted: map[string]bool{}, Trended: map[string]bool{}}
	v := url.Values{"since": {since}}
	if q.Service != "" {
		v.Set("service", q.Service)
	}
	if q.Severity != "" {
		v.Set("severity", q.Severity)
	}
	d.DataURL = "/kpis/data?" + v.Encode()
	for _, wk := range report.Weekly {
		for _, k := range wk.KPIs {
			d.Trended[k.ID] = true
			if k.Value != nil {
				d.Charted[k.ID] = true
			}
		}
	}
	s.render(w, r, http.StatusOK, "kpis", view{Title: "KPIs", Nav: "kpis", Data: d})
}

// kpiSeries is the JSON of /kpis/data: for each KPI, its weekly values
// (null for a week without data) and its target, aligned with Weeks.
type kpiSeries struct {
	// Weeks are the Mondays of the trend, in Unix seconds (uPlot's x axis).
	Weeks []int64      `json:"weeks"`
	KPIs  []kpiTrendJS `json:"kpis"`
}

type kpiTrendJS struct {
	ID     string     `json:"id"`
	Title  string     `json:"title"`
	Unit   string     `json:"unit"`
	Target *float64   `json:"target"`
	Values []*float64 `json:"values"`
}

// kpisData answers the weekly trend as JSON for the charts.
func (s *server) kpisData(w http.ResponseWriter, r *http.Request) {
	q, _, err := s.kpiQuery(r.URL.Query())
	if err != nil {
		writeJSONError(w, statusOf(err), arqir.ErrorMessage(err))
		return
	}
	report, err := s.kpiReport(r, q)
	if err != nil {
		s.log.Error("kpi data", "err", err)
		writeJSONError(w, http.StatusInternalServerError, "the KPIs could not be computed; it was logged")
		return
	}
	out := kpiSeries{Weeks: []int64{}, KPIs: []kpiTrendJS{}}
	index := map[string]int{}
	if len(report.Weekly) > 0 {
		for _, k := range report.Weekly[0].KPIs {
			index[k.ID] = len(out.KPIs)
			out.KPIs = append(out.KPIs, kpiTrendJS{ID: k.ID, Title: k.Title, Unit: k.Unit, Target: k.Target, Values: []*float64{}})
		}
	}
	for _, wk := range report.Weekly {
		out.Weeks = append(out.Weeks, wk.Week.Unix())
		for i := range out.KPIs {
			out.KPIs[i].Values = append(out.KPIs[i].Values, nil)
		}
		for _, k := range wk.KPIs {
			if i, ok := index[k.ID]; ok {
				out.KPIs[i].Values[len(out.Weeks)-1] = k.Value
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(out)
}

// writeJSONError answers a JSON error for the chart script.
func writeJSONError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// kpiQuery reads the window and filters; an unknown severity is refused
// rather than answered with an empty scorecard.
func (s *server) kpiQuery(v url.Values) (arqir.KPIQuery, string, error) {
	var q arqir.KPIQuery
	since := strings.TrimSpace(v.Get("since"))
	if since == "" {
		since = kpiWindows[0]
	}
	d, err := kpi.ParseSince(since)
	if err != nil {
		return q, since, arqir.FieldErrorf(arqir.EINVALID, "since", "since: %v", err)
	}
	if d > maxKPIWindow {
		return q, since, arqir.FieldErrorf(arqir.EINVALID, "since", "since=%s is longer than 10 years (3660d): choose a shorter window", since)
	}
	q.To = s.now().UTC()
	q.From = q.To.Add(-d)
	q.Service = strings.TrimSpace(v.Get("service"))
	if sev := strings.TrimSpace(v.Get("severity")); sev != "" {
		rules := s.policy.Rules()
		if _, ok := rules.Severity(sev); !ok {
			return q, since, arqir.FieldErrorf(arqir.EINVALID, "severity", "severity %q is not one of the policy's (%s)", sev, strings.Join(rules.SeverityNames(), ", "))
		}
		q.Severity = sev
	}
	return q, since, nil
}

// kpiReport computes the scorecard: the database sums, package kpi judges
// them against the active policy's targets.
func (s *server) kpiReport(r *http.Request, q arqir.KPIQuery) (*arqir.KPIReport, error) {
	agg, err := s.store.KPIAggregates(r.Context(), q)
	if err != nil {
		return nil, err
	}
	rules := s.policy.Rules()
	return kpi.Compute(agg, q, rules.PostIncident.KPIs, rules.SeverityNames()...), nil
}
