package api

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/arqir/arqir"
)

// alertParams are the query parameters of GET /api/v1/alerts; any other is
// refused, as for incidents.
var alertParams = []string{"status", "integration", "incident", "limit", "cursor"}

// The bodies of the false-positive routes (K5); only an incident has a
// version to base the change on (see act).
type (
	alertFalsePositiveRequest struct {
		Reason string `json:"reason"`
	}
	incidentFalsePositiveRequest struct {
		Reason  string `json:"reason"`
		Version int    `json:"version"`
	}
)

// handleListAlerts lists alerts, newest first, one page at a time:
// {"alerts":[…],"next":"<cursor>"}.
func (s *server) handleListAlerts(w http.ResponseWriter, r *http.Request) error {
	f, err := alertFilter(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.store.Alerts(r.Context(), f)
	if err != nil {
		return err
	}
	if page.Alerts == nil {
		page.Alerts = []*arqir.Alert{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// alertFilter reads and checks the query of GET /api/v1/alerts.
func alertFilter(q url.Values) (arqir.AlertFilter, error) {
	f := arqir.AlertFilter{Limit: defaultListLimit, Cursor: q.Get("cursor")}
	for name := range q {
		if !slices.Contains(alertParams, name) {
			return f, arqir.FieldErrorf(arqir.EINVALID, name, "unknown query parameter %q: use %s", name, strings.Join(alertParams, ", "))
		}
	}
	switch v := arqir.AlertStatus(strings.ToLower(strings.TrimSpace(q.Get("status")))); v {
	case "", arqir.AlertFiring, arqir.AlertResolved:
		f.Status = v
	default:
		return f, arqir.FieldErrorf(arqir.EINVALID, "status", "status=%q: use firing or resolved", q.Get("status"))
	}
	if v := q.Get("integration"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, arqir.FieldErrorf(arqir.EINVALID, "integration", "integration=%q: use an integration ID from GET /api/v1/integrations", v)
		}
		f.IntegrationID = id
	}
	if v := q.Get("incident"); v != "" {
		id, err := arqir.ParseIncidentID(v)
		if err != nil {
			return f, arqir.FieldErrorf(arqir.EINVALID, "incident", "incident=%q: use an incident ID such as INC-42", v)
		}
		f.IncidentID = id
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

// handleGetAlert answers one alert.
func (s *server) handleGetAlert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt64(r, "id", "alert", "GET /api/v1/alerts")
	if err != nil {
		return err
	}
	a, err := s.store.Alert(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// handleAlertFalsePositive records a responder's verdict that an alert was
// noise (K5); its incident's timeline says so.
func (s *server) handleAlertFalsePositive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt64(r, "id", "alert", "GET /api/v1/alerts")
	if err != nil {
		return err
	}
	var req alertFalsePositiveRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	actor, err := actorOf(r)
	if err != nil {
		return err
	}
	a, err := s.store.MarkAlertFalsePositive(r.Context(), id, req.Reason, actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// handleIncidentFalsePositive records a responder's verdict that an
// incident was noise (K5), open or resolved, with the reason on the
// timeline.
func (s *server) handleIncidentFalsePositive(w http.ResponseWriter, r *http.Request) error {
	var req incidentFalsePositiveRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	return s.act(w, r, req.Version, func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error) {
		return s.store.MarkFalsePositive(ctx, id, req.Reason, c)
	})
}
