package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// listParams are the query parameters of GET /api/v1/incidents. Any other
// parameter is refused: a misspelt filter ("stauts") would otherwise list
// every incident and look like an answer.
var listParams = []string{"status", "severity", "service", "open", "from", "to", "q", "limit", "cursor"}

// Bounds of one page of a listing (the store enforces the same).
const (
	defaultListLimit = 50
	maxListLimit     = 500
)

// handleListIncidents lists incidents, newest first, one page at a time:
// {"incidents":[…],"next":"<cursor>"}; next is empty on the last page.
func (s *server) handleListIncidents(w http.ResponseWriter, r *http.Request) error {
	f, err := s.incidentFilter(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.store.Incidents(r.Context(), f)
	if err != nil {
		return err
	}
	if page.Incidents == nil {
		page.Incidents = []*arqir.Incident{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// incidentFilter reads and checks the query. Lists may be comma-separated
// (status=INVESTIGATING,IDENTIFIED) or repeated (status=A&status=B).
func (s *server) incidentFilter(q url.Values) (arqir.IncidentFilter, error) {
	f := arqir.IncidentFilter{Limit: defaultListLimit}
	for name := range q {
		if !slices.Contains(listParams, name) {
			return f, arqir.FieldErrorf(arqir.EINVALID, name, "unknown query parameter %q: use %s", name, strings.Join(listParams, ", "))
		}
	}
	for _, v := range list(q["status"]) {
		st, err := arqir.ParseStatus(v)
		if err != nil {
			return f, arqir.FieldErrorf(arqir.EINVALID, "status", "%s", arqir.ErrorMessage(err))
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, v := range list(q["severity"]) {
		sev, err := s.knownSeverity(v)
		if err != nil {
			return f, err
		}
		f.Severities = append(f.Severities, sev)
	}
	f.Service = strings.TrimSpace(q.Get("service"))
	f.Query = strings.TrimSpace(q.Get("q"))
	f.Cursor = q.Get("cursor")
	if v := q.Get("open"); v != "" {
		open, err := strconv.ParseBool(v)
		if err != nil {
			return f, arqir.FieldErrorf(arqir.EINVALID, "open", "open=%q: use open=true (unresolved) or open=false (resolved)", v)
		}
		f.Open = &open
	}
	var err error
	if f.From, err = queryTime(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(q, "to"); err != nil {
		return f, err
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return f, arqir.FieldErrorf(arqir.EINVALID, "to", "to (%s) must be after from (%s)", f.To.Format(time.RFC3339), f.From.Format(time.RFC3339))
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return f, arqir.FieldErrorf(arqir.EINVALID, "limit", "limit=%q: use a number from 1 to %d (follow \"next\" for more)", v, maxListLimit)
		}
		f.Limit = n
	}
	return f, nil
}

// knownSeverity returns the policy's spelling of a severity, so "sev1"
// filters SEV1 and a typo is an error rather than an empty list.
func (s *server) knownSeverity(v string) (string, error) {
	names := s.policies.Rules().SeverityNames()
	norm := func(x string) string { return strings.ToUpper(strings.ReplaceAll(x, " ", "")) }
	for _, n := range names {
		if norm(n) == norm(v) {
			return n, nil
		}
	}
	return "", arqir.FieldErrorf(arqir.EINVALID, "severity", "the policy has no severity %q: use one of %s", v, strings.Join(names, ", "))
}

// queryTime parses an optional RFC 3339 query parameter.
func queryTime(q url.Values, name string) (*time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, arqir.FieldErrorf(arqir.EINVALID, name, "%s=%q is not an RFC 3339 time: write it like 2024-05-01T14:02:00Z (URL-encode + as %%2B)", name, v)
	}
	return &t, nil
}

// list splits comma-separated and repeated values, dropping empty ones.
func list(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
