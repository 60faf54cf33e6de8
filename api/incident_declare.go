package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/arqir/arqir"
)

// declareRequest is the body of POST /api/v1/incidents.
type declareRequest struct {
	Title           string          `json:"title"`
	Summary         string          `json:"summary"`
	Severity        string          `json:"severity"`
	Services        []string        `json:"services"`
	Detection       arqir.Detection `json:"detection"`
	ImpactStartedAt string          `json:"impact_started_at"` // RFC 3339; default detected_at
	DetectedAt      string          `json:"detected_at"`       // RFC 3339; default now
	Commander       string          `json:"commander"`
	Drill           bool            `json:"drill"`
}

// handleDeclare opens an incident: 201, its URL in Location, the incident
// in the body. The rules of a declaration (title, a policy severity, R2
// INVESTIGATING) are the domain's; this handler only translates.
func (s *server) handleDeclare(w http.ResponseWriter, r *http.Request) error {
	var req declareRequest
	if err := decodeJSON(w, r, &req, bodyRequired); err != nil {
		return err
	}
	actor, err := actorOf(r)
	if err != nil {
		return err
	}
	d := arqir.Declaration{
		Title: req.Title, Summary: req.Summary, Severity: req.Severity, Services: req.Services,
		Detection: req.Detection, Commander: req.Commander, Drill: req.Drill,
	}
	if d.DetectedAt, err = optionalTime("detected_at", req.DetectedAt); err != nil {
		return err
	}
	if d.ImpactStartedAt, err = optionalTime("impact_started_at", req.ImpactStartedAt); err != nil {
		return err
	}
	inc, err := s.store.Declare(r.Context(), d, actor)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/incidents/"+inc.ID.String())
	writeIncident(w, http.StatusCreated, inc)
	return nil
}

// optionalTime parses an RFC 3339 time; empty means not given.
func optionalTime(field, s string) (*time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return nil, arqir.FieldErrorf(arqir.EINVALID, field, "%s %q is not an RFC 3339 time: write it like 2024-05-01T14:02:00Z", field, s)
	}
	return &t, nil
}
