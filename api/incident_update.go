package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/arqir/arqir"
)

// updateRequest is the body of POST /api/v1/incidents/{id}/updates: a
// structured status update (C2). Status is optional and moves the incident
// to another open status with the update.
type updateRequest struct {
	Status        string `json:"status"`
	Investigating string `json:"investigating"`
	Findings      string `json:"findings"`
	ETA           string `json:"eta"`
	Version       int    `json:"version"`
}

func (q updateRequest) bodyVersion() int { return q.Version }

// handlePostUpdate posts a structured status update (C2): it meets the
// update deadline, arms the next one, and goes to the incident channel, its
// thread and the stakeholders. The domain refuses an update that says
// nothing, one for a resolved incident, and one that tries to resolve.
func (s *server) handlePostUpdate(w http.ResponseWriter, r *http.Request) error {
	return decodeAct(s, w, r, bodyRequired, func(ctx context.Context, id arqir.IncidentID, c arqir.Change, req updateRequest) (*arqir.Incident, error) {
		u := arqir.StatusUpdate{Investigating: req.Investigating, Findings: req.Findings, ETA: req.ETA}
		if st := strings.TrimSpace(req.Status); st != "" {
			status, err := arqir.ParseStatus(st)
			if err != nil {
				return nil, err
			}
			u.Status = status
		}
		return s.store.PostUpdate(ctx, id, u, c)
	})
}
