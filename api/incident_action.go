package api

import (
	"context"
	"net/http"

	"github.com/arqir/arqir"
)

// incidentChange is one store call that changes an incident.
type incidentChange func(ctx context.Context, id arqir.IncidentID, c arqir.Change) (*arqir.Incident, error)

// act is the common recipe of every incident action: read {id}, who acts
// (token name, X-Arqir-Source) and the version the caller based the change
// on (body "version" or If-Match), make the change, answer the incident.
// A stale version (409) is answered with the incident as it is now, so the
// caller can see what changed and retry without another round trip.
func (s *server) act(w http.ResponseWriter, r *http.Request, bodyVersion int, change incidentChange) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	actor, err := actorOf(r)
	if err != nil {
		return err
	}
	version, err := expectedVersion(r, bodyVersion)
	if err != nil {
		return err
	}
	inc, err := change(r.Context(), id, arqir.Change{Actor: actor, ExpectedVersion: version})
	if arqir.ErrorCode(err) == arqir.ECONFLICT {
		if current, getErr := s.store.Incident(r.Context(), id); getErr == nil {
			return &conflictError{err: err, current: current}
		}
	}
	if err != nil {
		return err
	}
	writeIncident(w, http.StatusOK, inc)
	return nil
}
